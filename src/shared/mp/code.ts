/**
 * Mini-program code as the console committed it (store table mp_code_commits / mp_code_live): which template and
 * user_version each mini program got, and the live version getversioninfo last reported. Shared by the main process
 * and the UI (the code template library shows which mini programs run which template version).
 */
import { parseJsonBody, type ParsedBody } from '../workbench';

export interface MpCodeCommitRecord {
  appid: string;
  userVersion: string;
  templateId: number;
  userDesc: string;
  committedAt: number;
}

/** A mini program running (or trying) a template: from the console's commits joined with the known live version. */
export interface TemplateRunner {
  appid: string;
  /** The authorizer's nickname, when stored. */
  nickname: string | null;
  templateId: number;
  userVersion: string;
  committedAt: number;
  /** This is the mini program's latest commit from this console (its trial version, unless committed elsewhere). */
  latestCommit: boolean;
  /** getversioninfo last reported this user_version as live; null when the live version was never read. */
  live: boolean | null;
}

/** WeChat's audit item_list: 1 to 5 pages. */
export const AUDIT_ITEMS = { min: 1, max: 5 } as const;

/**
 * ext_json as typed: a JSON object ('' is {}), or where it breaks (line and column from 1), said about ext_json.
 * The same check runs in the form as the operator types and in the main process before commit.
 */
export function parseExtJsonText(text: string): ParsedBody {
  const parsed = parseJsonBody(text);
  if (parsed.ok) return parsed;
  return {
    ...parsed,
    en: parsed.en.replace('The body', 'ext_json'),
    zh: parsed.zh.replace('请求体', 'ext_json '),
  };
}
