/**
 * Registering mini programs (reference "OA and MP APIs" §4): the four ways, the task's shape, and the form rules the
 * console checks before anything is sent (the renderer as the operator types, the desk again before the call).
 * Shared by the main process and the renderer: no Node or DOM imports here.
 */

export type RegisterKind = 'enterprise' | 'personal' | 'beta' | 'via_oa';
/**
 * submitted: the call is being made; waiting: WeChat took it and waits for the legal person / the person / the
 * official account's admin; registering: the ticket arrived and account/fastregister is being called; authorizing: the
 * mini program exists and its authorization code is being exchanged; done: it is an authorizer; failed: see errcode.
 */
/**
 * errorMsg of a task whose create call was in flight when the console stopped: WeChat may or may not have started it.
 * The UI says so in the operator's language.
 */
export const INTERRUPTED_CREATE = 'console_stopped_before_wechat_answered';
/** errorMsg of a task whose create call got no answer (a timeout, a dropped connection): WeChat may have started it. */
export const UNANSWERED_CREATE = 'wechat_did_not_answer_the_create';

export type RegisterStage = 'submitted' | 'waiting' | 'registering' | 'authorizing' | 'done' | 'failed';
/** Each stage in words, for the notes the desk writes on the events (the screen has its own in its i18n). */
export const REGISTER_STAGE_WORDS: Record<RegisterStage, { en: string; zh: string }> = {
  submitted: { en: 'sending', zh: '提交中' },
  waiting: { en: 'waiting', zh: '等待确认' },
  registering: { en: 'registering', zh: '注册中' },
  authorizing: { en: 'authorizing', zh: '授权中' },
  done: { en: 'done', zh: '已完成' },
  failed: { en: 'failed', zh: '失败' },
};

export type VerifyStage = 'waiting' | 'done' | 'failed';

export interface RegisterTask {
  id: number;
  kind: RegisterKind;
  /** The enterprise's, the person's or the trial's name; for via_oa the official account's appid. */
  name: string;
  /** What the form sent (no secrets). */
  inputs: Record<string, string | number | boolean>;
  stage: RegisterStage;
  /** The status WeChat gave last (the result push, or the personal query). */
  wechatStatus: number | null;
  taskid: string | null;
  uniqueId: string | null;
  /** The page the person / the trial's creator opens in WeChat (personal, beta). */
  authorizeUrl: string | null;
  /** via_oa: the link id in the redirect_uri, the relay's start page (null without a relay) and WeChat's page. */
  linkId: string | null;
  startUrl: string | null;
  registerUrl: string | null;
  /** The new mini program. */
  appid: string | null;
  errcode: number | null;
  /** WeChat's own message (errmsg or the push's msg). */
  errorMsg: string | null;
  verifyStage: VerifyStage | null;
  verifyErrcode: number | null;
  verifyErrorMsg: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One problem with a form field, in both languages. */
export interface RegisterIssue {
  field: string;
  en: string;
  zh: string;
}

/** Code length by code_type: 1 unified social credit code 18, 2 organisation code 9, 3 business licence number 15. */
export const CODE_LENGTH: Readonly<Record<number, number>> = { 1: 18, 2: 9, 3: 15 };
const WECHAT_ID_RE = /^[A-Za-z][-_A-Za-z0-9]{5,19}$/;
const APPID_RE = /^wx[0-9a-f]{16}$/;
const OPENID_RE = /^[-_A-Za-z0-9]{6,64}$/;
const PHONE_RE = /^\+?[0-9][0-9-]{4,19}$/;

export interface EnterpriseForm {
  name: string;
  code: string;
  codeType: number;
  legalPersonaWechat: string;
  legalPersonaName: string;
  componentPhone?: string;
}
export interface PersonalForm {
  idname: string;
  wxuser: string;
  componentPhone?: string;
}
export interface BetaForm {
  name: string;
  openid: string;
}
export interface ViaOaForm {
  oaAppid: string;
  copyWxVerify: boolean;
  /** Where the admin's browser lands; default the relay's /authorized page (required without a relay). */
  redirectUri?: string;
}
export interface VerifyBetaForm {
  enterpriseName: string;
  code: string;
  codeType: number;
  legalPersonaWechat: string;
  legalPersonaName: string;
  componentPhone?: string;
}

const chars = (s: string) => [...s].length;

function required(field: string, v: unknown, zhName: string, enName: string): RegisterIssue | null {
  return typeof v === 'string' && v.trim() !== '' ? null : { field, zh: `请填写${zhName}`, en: `${enName} is required` };
}

function textRule(field: string, v: string, zhName: string, enName: string, max: number): RegisterIssue | null {
  const missing = required(field, v, zhName, enName);
  if (missing) return missing;
  if (chars(v.trim()) > max) return { field, zh: `${zhName}最多 ${max} 个字符（现在 ${chars(v.trim())} 个）`, en: `${enName} takes at most ${max} characters (now ${chars(v.trim())})` };
  if (v !== v.trim()) return { field, zh: `${zhName}首尾不能有空格`, en: `${enName} must not start or end with spaces` };
  return null;
}

function wechatIdRule(field: string, v: string, zhName: string, enName: string): RegisterIssue | null {
  const missing = required(field, v, zhName, enName);
  if (missing) return missing;
  return WECHAT_ID_RE.test(v)
    ? null
    : { field, zh: `${zhName}不是有效的微信号：须以字母开头，6–20 位字母、数字、下划线或减号（不是昵称或手机号）`, en: `${enName} is not a WeChat ID: a letter, then 5–19 letters, digits, _ or - (not a nickname or phone number)` };
}

function phoneRule(field: string, v: string | undefined): RegisterIssue | null {
  if (v === undefined || v === '') return null;
  return PHONE_RE.test(v) ? null : { field, zh: '联系电话格式不正确：只能是数字（可带 + 和 -），5–20 位', en: 'The contact phone is not a phone number: digits (with + and - allowed), 5–20 characters' };
}

function codeRules(codeField: string, typeField: string, code: string, codeType: number): RegisterIssue[] {
  if (!(codeType in CODE_LENGTH)) {
    return [{ field: typeField, zh: '代码类型须为 1（统一社会信用代码）、2（组织机构代码）或 3（营业执照注册号）', en: 'The code type must be 1 (unified social credit code), 2 (organisation code) or 3 (business licence number)' }];
  }
  const missing = required(codeField, code, '企业代码', 'The enterprise code');
  if (missing) return [missing];
  const want = CODE_LENGTH[codeType]!;
  if (!/^[0-9A-Za-z]+$/.test(code)) return [{ field: codeField, zh: '企业代码只能包含字母和数字（不要空格或连字符）', en: 'The enterprise code takes letters and digits only (no spaces or hyphens)' }];
  if (code.length !== want) {
    const zhType = ['', '统一社会信用代码', '组织机构代码', '营业执照注册号'][codeType];
    const enType = ['', 'a unified social credit code', 'an organisation code', 'a business licence number'][codeType];
    return [{ field: codeField, zh: `${zhType}须为 ${want} 位（现在 ${code.length} 位）`, en: `${enType} has ${want} characters (now ${code.length})` }];
  }
  return [];
}

const present = (list: (RegisterIssue | null)[]): RegisterIssue[] => list.filter((i): i is RegisterIssue => i !== null);

export function enterpriseIssues(f: EnterpriseForm): RegisterIssue[] {
  return present([
    textRule('name', f.name, '企业名称', 'The enterprise name', 100),
    ...codeRules('code', 'codeType', f.code, f.codeType),
    wechatIdRule('legalPersonaWechat', f.legalPersonaWechat, '法人微信号', "The legal person's WeChat ID"),
    textRule('legalPersonaName', f.legalPersonaName, '法人姓名', "The legal person's name", 30),
    phoneRule('componentPhone', f.componentPhone),
  ]);
}

export function personalIssues(f: PersonalForm): RegisterIssue[] {
  return present([
    textRule('idname', f.idname, '个人姓名', "The person's name", 30),
    wechatIdRule('wxuser', f.wxuser, '个人微信号', "The person's WeChat ID"),
    phoneRule('componentPhone', f.componentPhone),
  ]);
}

export function betaIssues(f: BetaForm): RegisterIssue[] {
  const openidMissing = required('openid', f.openid, 'openid', 'The openid');
  return present([
    textRule('name', f.name, '试用小程序名称', "The trial mini program's name", 30),
    openidMissing ??
      (OPENID_RE.test(f.openid) ? null : { field: 'openid', zh: 'openid 格式不正确：6–64 位字母、数字、下划线或减号', en: 'The openid is malformed: 6–64 letters, digits, _ or -' }),
  ]);
}

export function viaOaIssues(f: ViaOaForm): RegisterIssue[] {
  const issues: RegisterIssue[] = [];
  if (!APPID_RE.test(f.oaAppid ?? '')) issues.push({ field: 'oaAppid', zh: '请选择一个已授权的公众号（wx 开头的 18 位 appid）', en: 'Choose an authorized official account (an 18-character appid starting with wx)' });
  if (f.redirectUri !== undefined && f.redirectUri !== '') {
    let ok = false;
    try {
      const u = new URL(f.redirectUri);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok || f.redirectUri.length > 1024) issues.push({ field: 'redirectUri', zh: '回跳地址须为 http(s) 地址，最多 1024 个字符', en: 'The redirect URL must be an http(s) URL of at most 1024 characters' });
  }
  return issues;
}

export function verifyBetaIssues(f: VerifyBetaForm): RegisterIssue[] {
  return present([
    textRule('enterpriseName', f.enterpriseName, '企业名称', 'The enterprise name', 100),
    ...codeRules('code', 'codeType', f.code, f.codeType),
    wechatIdRule('legalPersonaWechat', f.legalPersonaWechat, '法人微信号', "The legal person's WeChat ID"),
    textRule('legalPersonaName', f.legalPersonaName, '法人姓名', "The legal person's name", 30),
    phoneRule('componentPhone', f.componentPhone),
  ]);
}

/** The ticket from what the operator pasted: the ticket itself, or the whole address the admin's browser landed on. */
export function ticketFromInput(input: string): string | null {
  const v = input.trim();
  if (/^https?:\/\//i.test(v)) {
    try {
      return new URL(v).searchParams.get('ticket');
    } catch {
      return null;
    }
  }
  return /^[\x21-\x7e]{1,512}$/.test(v) ? v : null;
}
