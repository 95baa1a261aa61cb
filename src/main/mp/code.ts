/**
 * One mini program's code through its lifecycle, for the desk (no UI yet): the platform's template library, commit
 * (ext_json edited as an object, sent as a JSON string), the trial QR code, submit for audit with item_list built from
 * get_category and get_page, audit status, undo, speed-up, release, rollback, gray release, version info, the audit
 * quota. Calls go through the engine's invokeAs (token, retries, API log); WeChat's refusals arrive as WeChatApiError,
 * explained by the errcode table (src/shared/errcodes.ts). Bad input is refused here, before any call, with the
 * field named in both languages.
 */
import type { InvalidArgumentsDetails } from '../../shared/contract';
import { ServiceError } from '../errors';
import type { BinaryAnswer, EndpointSpec } from '../../wechat/spec';
import * as audit from '../../wechat/endpoints/mp-audit';
import * as code from '../../wechat/endpoints/mp-code';
import * as rel from '../../wechat/endpoints/mp-release';
import * as lib from '../../wechat/endpoints/mp-template';

/** The engine's invokeAs: appid null calls with the component token (the template library). */
export type Invoke = <Req, Res>(spec: EndpointSpec<Req, Res>, appid: string | null, req: Req) => Promise<Res>;

/** A request the desk refuses before calling WeChat: invalid_arguments naming the field. */
function bad(field: string, zh: string, en: string): never {
  const details: InvalidArgumentsDetails = { issues: [{ path: field, message: en, messageZh: zh }] };
  throw new ServiceError('invalid_arguments', { zh: `${field}：${zh}`, en: `${field}: ${en}` }, details);
}

// --- template library (component token) -------------------------------------------------------------------------

export async function listDrafts(invoke: Invoke): Promise<lib.CodeDraft[]> {
  return (await invoke(lib.getTemplateDraftList, null, {})).draft_list;
}

export async function addDraftToTemplates(invoke: Invoke, draftId: number, templateType: 0 | 1 = 0): Promise<void> {
  if (!Number.isSafeInteger(draftId) || draftId < 0) bad('draftId', '须为草稿箱列出的草稿编号', 'must be a draft id the draft list shows');
  if (templateType !== 0 && templateType !== 1) bad('templateType', '须为 0（普通模板）或 1（标准模板）', 'must be 0 (normal) or 1 (standard)');
  await invoke(lib.addToTemplate, null, { draft_id: draftId, template_type: templateType });
}

export async function listTemplates(invoke: Invoke, templateType?: 0 | 1): Promise<lib.CodeTemplate[]> {
  return (await invoke(lib.getTemplateList, null, templateType === undefined ? {} : { template_type: templateType })).template_list;
}

export async function removeTemplate(invoke: Invoke, templateId: number): Promise<void> {
  if (!Number.isSafeInteger(templateId) || templateId < 0) bad('templateId', '须为模板库列出的模板编号', 'must be a template id the library lists');
  await invoke(lib.deleteTemplate, null, { template_id: templateId });
}

// --- code ---------------------------------------------------------------------------------------------------------

export interface CommitInput {
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** The ext.json content as an object (e.g. {extAppid, ext: {...}}); sent as a JSON string. */
  ext: Record<string, unknown>;
}

/** The problems of a commit, each naming its field (empty when it may be sent). */
export function commitProblems(input: CommitInput): { path: string; zh: string; en: string }[] {
  const out: { path: string; zh: string; en: string }[] = [];
  if (!Number.isSafeInteger(input.templateId) || input.templateId < 0) out.push({ path: 'templateId', zh: '须为模板库列出的模板编号', en: 'must be a template id the library lists' });
  const v = typeof input.userVersion === 'string' ? input.userVersion.trim() : '';
  if (!v) out.push({ path: 'userVersion', zh: '必填（如 1.0.3）', en: 'is required (e.g. 1.0.3)' });
  else if (v.length > code.USER_VERSION_MAX) out.push({ path: 'userVersion', zh: `最多 ${code.USER_VERSION_MAX} 个字符（现为 ${v.length}）`, en: `is at most ${code.USER_VERSION_MAX} characters (now ${v.length})` });
  if (typeof input.userDesc !== 'string' || !input.userDesc.trim()) out.push({ path: 'userDesc', zh: '必填：写明这个版本改了什么', en: 'is required: say what this version changes' });
  const ext = input.ext as unknown;
  if (ext === null || typeof ext !== 'object' || Array.isArray(ext)) {
    out.push({ path: 'ext', zh: 'ext_json 须为 JSON 对象（{…}），不能是数组、字符串或数字', en: 'ext_json must be a JSON object ({…}), not an array, a string or a number' });
  } else {
    try {
      JSON.stringify(ext);
    } catch (err) {
      out.push({ path: 'ext', zh: `ext_json 无法转成 JSON：${(err as Error).message}`, en: `ext_json cannot be turned into JSON: ${(err as Error).message}` });
    }
  }
  return out;
}

/** Parses ext_json text as typed by an operator: the object, or invalid_arguments saying where the JSON breaks. */
export function parseExtJson(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    bad('ext', `不是合法的 JSON：${(err as Error).message}`, `is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) bad('ext', '须为 JSON 对象（{…}）', 'must be a JSON object ({…})');
  return parsed as Record<string, unknown>;
}

export async function commit(invoke: Invoke, appid: string, input: CommitInput): Promise<void> {
  const problems = commitProblems(input);
  if (problems.length > 0) {
    throw new ServiceError(
      'invalid_arguments',
      { zh: `提交代码的参数有误：${problems.map((p) => `${p.path}：${p.zh}`).join('；')}`, en: `The commit is not valid: ${problems.map((p) => `${p.path} ${p.en}`).join('; ')}` },
      { issues: problems.map((p) => ({ path: p.path, message: p.en, messageZh: p.zh })) } satisfies InvalidArgumentsDetails,
    );
  }
  await invoke(code.commitCode, appid, { template_id: input.templateId, user_version: input.userVersion.trim(), user_desc: input.userDesc.trim(), ext_json: JSON.stringify(input.ext) });
}

/** The trial version's QR code as JPEG bytes (path: the page to open, with its query). */
export async function trialQrcode(invoke: Invoke, appid: string, path?: string): Promise<BinaryAnswer> {
  return invoke(code.getTrialQrcode, appid, path ? { path } : {});
}

/** What submit needs: the committed pages and the approved categories. */
export async function submitOptions(invoke: Invoke, appid: string): Promise<{ pages: string[]; categories: code.SubmitCategory[] }> {
  const [pages, categories] = await Promise.all([invoke(code.getPage, appid, {}), invoke(code.getCategory, appid, {})]);
  return { pages: pages.page_list, categories: categories.category_list };
}

export interface SubmitItem {
  /** A page get_page lists (a query may follow "?"). */
  address: string;
  title?: string;
  /** Space-separated tags. */
  tag?: string;
  /** Index into get_category's list; the first category when absent. */
  category?: number;
}
export interface SubmitInput {
  /** 1–5 pages; the first page under the first category when absent. */
  items?: SubmitItem[];
  versionDesc?: string;
  feedbackInfo?: string;
  previewInfo?: { video_id_list?: string[]; pic_id_list?: string[] };
  privacyApiNotUse?: boolean;
}

/** Builds item_list from get_category and get_page, checks it, and submits; answers the auditid. */
export async function submitForAudit(invoke: Invoke, appid: string, input: SubmitInput = {}): Promise<{ auditid: number; itemList: audit.AuditItem[] }> {
  const { pages, categories } = await submitOptions(invoke, appid);
  if (categories.length === 0) bad('category', '小程序没有审核通过的类目：先添加类目，审核通过后再提交', 'the mini program has no approved category: add one and wait for its approval first');
  if (pages.length === 0) bad('items', '已提交的代码没有页面：先提交代码', 'the committed code has no pages: commit code first');
  const items = input.items ?? [{ address: pages[0]! }];
  if (!Array.isArray(items) || items.length < 1 || items.length > 5) bad('items', `须为 1–5 个页面（现为 ${Array.isArray(items) ? items.length : 0}）`, `must list 1–5 pages (got ${Array.isArray(items) ? items.length : 0})`);
  const itemList = items.map((item, i): audit.AuditItem => {
    const address = typeof item?.address === 'string' ? item.address.trim() : '';
    if (!pages.includes(address.split('?')[0]!)) bad(`items[${i}].address`, `“${address}”不是已提交代码的页面；可选：${pages.join('、')}`, `"${address}" is not a page of the committed code; choose one of ${pages.join(', ')}`);
    const ci = item.category ?? 0;
    const c = categories[ci];
    if (!c) bad(`items[${i}].category`, `须为 0–${categories.length - 1}（get_category 列出的类目序号）`, `must be 0–${categories.length - 1} (an index into get_category's list)`);
    return {
      address,
      ...(item.tag ? { tag: item.tag } : {}),
      ...(item.title ? { title: item.title } : {}),
      first_class: c.first_class,
      second_class: c.second_class,
      first_id: c.first_id,
      second_id: c.second_id,
      ...(c.third_class !== undefined ? { third_class: c.third_class, third_id: c.third_id } : {}),
    };
  });
  const res = await invoke(audit.submitAudit, appid, {
    item_list: itemList,
    ...(input.versionDesc ? { version_desc: input.versionDesc } : {}),
    ...(input.feedbackInfo ? { feedback_info: input.feedbackInfo } : {}),
    ...(input.previewInfo ? { preview_info: input.previewInfo } : {}),
    ...(input.privacyApiNotUse !== undefined ? { privacy_api_not_use: input.privacyApiNotUse } : {}),
  });
  return { auditid: res.auditid, itemList };
}

export const AUDIT_STATUS = { 0: 'approved', 1: 'rejected', 2: 'auditing', 3: 'withdrawn', 4: 'delayed' } as const;
export type AuditState = (typeof AUDIT_STATUS)[keyof typeof AUDIT_STATUS];

export interface AuditStatus {
  auditid: number;
  status: number;
  state: AuditState | 'unknown';
  reason: string;
  /** Media ids of the reviewers' screenshots. */
  screenshots: string[];
  userVersion?: string;
  submitTime?: number;
}

const stateOf = (status: number): AuditState | 'unknown' => AUDIT_STATUS[status as keyof typeof AUDIT_STATUS] ?? 'unknown';
const shots = (s: string | undefined | null) => (s ? s.split('|').filter(Boolean) : []);

/** An audit's status (get_auditstatus), or the latest one's without an auditid: the polling fallback for lost pushes. */
export async function auditStatus(invoke: Invoke, appid: string, auditid?: number): Promise<AuditStatus> {
  if (auditid === undefined) {
    const r = await invoke(audit.getLatestAuditStatus, appid, {});
    return { auditid: r.auditid, status: r.status, state: stateOf(r.status), reason: r.reason ?? '', screenshots: shots(r.screenshot), userVersion: r.user_version, submitTime: r.submit_audit_time };
  }
  if (!Number.isSafeInteger(auditid)) bad('auditid', '须为提交审核返回的整数', 'must be the integer submit_audit returned');
  const r = await invoke(audit.getAuditStatus, appid, { auditid });
  return { auditid, status: r.status, state: stateOf(r.status), reason: r.reason ?? '', screenshots: shots(r.screenshot) };
}

/** Withdraws the audit in progress (5 a day, 10 a month: 87013 after that). */
export async function undoAudit(invoke: Invoke, appid: string): Promise<void> {
  await invoke(audit.undoCodeAudit, appid, {});
}

export async function speedUpAudit(invoke: Invoke, appid: string, auditid: number): Promise<void> {
  if (!Number.isSafeInteger(auditid)) bad('auditid', '须为提交审核返回的整数', 'must be the integer submit_audit returned');
  await invoke(audit.speedupAudit, appid, { auditid });
}

/** The platform's audit quota this month (any of its mini programs may ask). */
export async function auditQuota(invoke: Invoke, appid: string): Promise<{ rest: number; limit: number; speedupRest: number; speedupLimit: number }> {
  const q = await invoke(audit.queryAuditQuota, appid, {});
  return { rest: q.rest, limit: q.limit, speedupRest: q.speedup_rest, speedupLimit: q.speedup_limit };
}

// --- release ------------------------------------------------------------------------------------------------------

export async function releaseApproved(invoke: Invoke, appid: string): Promise<void> {
  await invoke(rel.release, appid, {});
}

/** Versions a rollback may go to, newest first. */
export async function historyVersions(invoke: Invoke, appid: string): Promise<rel.HistoryVersion[]> {
  return (await invoke(rel.getHistoryVersion, appid, {})).version_list;
}

/** Rolls the live version back: to `appVersion` (from historyVersions) or to the one before. */
export async function rollback(invoke: Invoke, appid: string, appVersion?: number): Promise<void> {
  if (appVersion !== undefined && !(Number.isSafeInteger(appVersion) && appVersion > 0)) bad('appVersion', '须为历史版本列表中的版本号', 'must be an app_version from the history list');
  await invoke(rel.revertCodeRelease, appid, appVersion === undefined ? {} : { app_version: appVersion });
}

export async function grayRelease(invoke: Invoke, appid: string, percentage: number, opts: { debuggerFirst?: boolean; experiencerFirst?: boolean } = {}): Promise<void> {
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > 100) bad('percentage', '须为 1–100 的整数', 'must be an integer 1–100');
  await invoke(rel.grayRelease, appid, {
    gray_percentage: percentage,
    ...(opts.debuggerFirst !== undefined ? { support_debuger_first: opts.debuggerFirst } : {}),
    ...(opts.experiencerFirst !== undefined ? { support_experiencer_first: opts.experiencerFirst } : {}),
  });
}

export async function grayPlan(invoke: Invoke, appid: string): Promise<rel.GrayReleasePlan> {
  return (await invoke(rel.getGrayReleasePlan, appid, {})).gray_release_plan;
}

export async function revertGray(invoke: Invoke, appid: string): Promise<void> {
  await invoke(rel.revertGrayRelease, appid, {});
}

/** The trial version (latest commit) and the live version. */
export async function versionInfo(invoke: Invoke, appid: string): Promise<{ trial: { time: number; version: string; desc: string } | null; live: { time: number; version: string; desc: string } | null }> {
  const r = await invoke(rel.getVersionInfo, appid, {});
  return {
    trial: r.exp_info ? { time: r.exp_info.exp_time, version: r.exp_info.exp_version, desc: r.exp_info.exp_desc } : null,
    live: r.release_info ? { time: r.release_info.release_time, version: r.release_info.release_version, desc: r.release_info.release_desc } : null,
  };
}
