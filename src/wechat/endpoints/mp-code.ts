/** Mini-program code ("OA and MP APIs" §7): commit, the pages and categories for submit_audit, the trial QR code (binary). */
import { z } from 'zod';
import { endpoint, missingString, type BinaryAnswer } from '../spec';
import type { WeChatBaseResponse } from './common';

export type { CodeTemplate, TemplateListRequest, TemplateListResponse } from './mp-template';

export interface CommitRequest {
  template_id: number | string;
  /** A JSON-encoded object, as a string (WxJava sends GSON.toJson(obj)); WeChat answers 85013 for anything else. */
  ext_json: string;
  user_version: string;
  user_desc: string;
}

export interface TrialQrcodeRequest {
  /** The page the code opens, with its query (e.g. "page/index?action=1"); sent URL-encoded. */
  path?: string;
}

export interface PageListResponse extends WeChatBaseResponse {
  page_list: string[];
}

/** A category the account may submit under (its approved categories), with the ids submit_audit's item_list takes. */
export interface SubmitCategory {
  first_class: string;
  second_class: string;
  third_class?: string;
  first_id: number;
  second_id: number;
  third_id?: number;
}
export interface CategoryListResponse extends WeChatBaseResponse {
  category_list: SubmitCategory[];
}

/** WeChat's commit page: "代码版本号，开发者可自定义（长度不要超过 64 个字符）" (not in the shared reference's table). */
export const USER_VERSION_MAX = 64;

/** The problem with an ext_json string, or null: it must parse as a JSON object (85013 otherwise). */
export function extJsonProblem(extJson: unknown): string | null {
  if (typeof extJson !== 'string') return 'ext_json must be a JSON-encoded string (JSON.stringify the object), not an object';
  let parsed: unknown;
  try {
    parsed = JSON.parse(extJson);
  } catch (err) {
    return `ext_json is not valid JSON: ${(err as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'ext_json must encode a JSON object ({…}), not an array or a single value';
  return null;
}

const code = { family: 'mp/code', token: 'authorizer', tokenParam: 'access_token' } as const;

export const commitCode = endpoint<CommitRequest, WeChatBaseResponse>({
  ...code,
  name: 'wxa/commit',
  method: 'POST',
  path: '/wxa/commit',
  request: 'json',
  answer: 'json',
  // Committing the same code again replaces the draft with itself.
  idempotent: true,
  check: (b) =>
    missingString(b, ['user_version', 'user_desc']) ??
    ((typeof b.template_id === 'number' && Number.isSafeInteger(b.template_id)) || (typeof b.template_id === 'string' && /^\d+$/.test(b.template_id))
      ? null
      : `template_id must be the number gettemplatelist lists, got ${JSON.stringify(b.template_id)}`) ??
    (b.user_version.length > USER_VERSION_MAX ? `user_version is ${b.user_version.length} characters; WeChat takes at most ${USER_VERSION_MAX}` : null) ??
    extJsonProblem(b.ext_json),
});

/** The trial version's QR code: JPEG bytes; JSON only on error. */
export const getTrialQrcode = endpoint<TrialQrcodeRequest, BinaryAnswer>({
  ...code,
  name: 'wxa/get_qrcode',
  method: 'GET',
  path: '/wxa/get_qrcode',
  request: 'query',
  answer: 'binary',
  idempotent: true,
});

/** The committed code's pages (for submit_audit's item_list address). */
export const getPage = endpoint<Record<string, never>, PageListResponse>({
  ...code,
  name: 'wxa/get_page',
  method: 'GET',
  path: '/wxa/get_page',
  request: 'none',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({ page_list: z.array(z.string()) }),
  example: () => ({}),
});

/** The categories the account may submit under; 85008 when it has no approved category. */
export const getCategory = endpoint<Record<string, never>, CategoryListResponse>({
  ...code,
  name: 'wxa/get_category',
  method: 'GET',
  path: '/wxa/get_category',
  request: 'none',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({
    category_list: z.array(z.looseObject({ first_class: z.string(), second_class: z.string(), first_id: z.number(), second_id: z.number() })),
  }),
  example: () => ({}),
});
