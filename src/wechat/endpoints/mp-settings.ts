/**
 * Mini-program settings ("OA and MP APIs" §5): basic info with the monthly change quotas, nickname, avatar, intro,
 * categories, server and webview domains, testers, privacy settings and the privacy-guide file, visit status.
 */
import { z } from 'zod';
import {
  cropProblem,
  DOMAIN_ACTIONS,
  domainListProblem,
  nicknameProblem,
  SERVER_DOMAIN_TYPES,
  signatureProblem,
  wechatIdProblem,
  type CropBox,
  type DomainAction,
  type Problem,
  type ServerDomainType,
} from '../../shared/mp/settings';
import { endpoint, missingString, type FileInput } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface UploadPrivacyFileRequest {
  file: FileInput;
}
export interface UploadPrivacyFileResponse extends WeChatBaseResponse {
  ext_file_media_id: string;
}

/**
 * A custom privacy guide (then named in setprivacysetting's owner_setting.ext_file_media_id). Authorizer token
 * despite the component path. D upload_privacy_exfile: txt only, at most 100 KB; 40126 invalid text size, 40006 for
 * a file that is not txt (the newer page calls 40006 "invalid media size").
 */
export const uploadPrivacyExtFile = endpoint<UploadPrivacyFileRequest, UploadPrivacyFileResponse>({
  name: 'uploadprivacyextfile',
  family: 'mp/settings',
  method: 'POST',
  path: '/cgi-bin/component/uploadprivacyextfile',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'multipart',
  answer: 'json',
  idempotent: true,
  upload: {
    field: 'file',
    kindFrom: 'extension',
    kinds: { txt: { extensions: ['txt'], maxBytes: 100 * 1024 } },
    errcodes: { missing: 41005, empty: 44001, badFormat: 40006, tooLarge: 40126 },
  },
  response: z.looseObject({ ext_file_media_id: z.string().min(1) }),
});

// --- basic info, nickname, avatar, intro, categories, domains, testers, privacy, visit status (§5) --------------------

const settings = { family: 'mp/settings', token: 'authorizer', tokenParam: 'access_token' } as const;
const noBody = () => ({});
const isObj = (b: unknown): b is Record<string, unknown> => b !== null && typeof b === 'object' && !Array.isArray(b);
const en = (p: Problem | null): string | null => p?.en ?? null;

export interface QuotaInfo {
  modify_used_count: number;
  modify_quota: number;
}
export interface AccountBasicInfo extends WeChatBaseResponse {
  appid: string;
  account_type: number;
  principal_type: number;
  principal_name: string;
  realname_status: number;
  wx_verify_info: { qualification_verify: boolean; naming_verify: boolean; annual_review?: boolean };
  signature_info: { signature: string } & QuotaInfo;
  head_image_info: { head_image_url: string } & QuotaInfo;
  nickname_info: { nickname: string } & QuotaInfo;
  registered_country?: number;
  credential?: string;
  customer_type?: number;
}

const quotaShape = { modify_used_count: z.number(), modify_quota: z.number() };
export const getAccountBasicInfo = endpoint<Record<string, never>, AccountBasicInfo>({
  ...settings,
  name: 'account/getaccountbasicinfo',
  method: 'GET',
  path: '/cgi-bin/account/getaccountbasicinfo',
  request: 'none',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({
    appid: z.string(),
    signature_info: z.looseObject({ signature: z.string(), ...quotaShape }),
    head_image_info: z.looseObject({ head_image_url: z.string(), ...quotaShape }),
    nickname_info: z.looseObject({ nickname: z.string(), ...quotaShape }),
  }),
  example: noBody,
});

export interface SetNicknameRequest {
  nick_name: string;
  /** Media ids of temporary media (media/upload): the ID card (personal) or licence (organisation), other proof. */
  id_card?: string;
  license?: string;
  naming_other_stuff_1?: string;
  naming_other_stuff_2?: string;
  naming_other_stuff_3?: string;
  naming_other_stuff_4?: string;
  naming_other_stuff_5?: string;
}
export interface SetNicknameResponse extends WeChatBaseResponse {
  wording?: string;
  /** Only when a manual audit runs; its result comes as the wxa_nickname_audit push. */
  audit_id?: number;
}
export const setNickname = endpoint<SetNicknameRequest, SetNicknameResponse>({
  ...settings,
  name: 'wxa/setnickname',
  method: 'POST',
  path: '/wxa/setnickname',
  request: 'json',
  answer: 'json',
  // A repeat of a name already set answers 85029 or starts a second audit: not safe to send again blindly.
  idempotent: false,
  check: (b) => en(nicknameProblem(isObj(b) ? b.nick_name : undefined)),
  example: () => ({ nick_name: '示例商城 Demo' }),
});

export interface NicknameAuditStatus extends WeChatBaseResponse {
  nickname: string;
  /** 1 auditing, 2 rejected, 3 approved. */
  audit_stat: number;
  fail_reason: string;
  create_time: number;
  audit_time: number;
}
export const queryNickname = endpoint<{ audit_id: number }, NicknameAuditStatus>({
  ...settings,
  name: 'wxa/api_wxa_querynickname',
  method: 'POST',
  path: '/wxa/api_wxa_querynickname',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => (isObj(b) && Number.isSafeInteger(Number(b.audit_id)) && Number(b.audit_id) > 0 ? null : 'audit_id is required (the number setnickname answered)'),
  response: z.looseObject({ nickname: z.string(), audit_stat: z.number() }),
  example: () => ({ audit_id: 8_000_001 }),
});

export interface CheckNicknameResponse extends WeChatBaseResponse {
  /** True when the name hits a keyword: setnickname will need proof and a manual audit. */
  hit_condition: boolean;
  wording: string;
}
export const checkNickname = endpoint<{ nick_name: string }, CheckNicknameResponse>({
  ...settings,
  name: 'wxverify/checkwxverifynickname',
  method: 'POST',
  path: '/cgi-bin/wxverify/checkwxverifynickname',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => en(nicknameProblem(isObj(b) ? b.nick_name : undefined)),
  response: z.looseObject({ hit_condition: z.boolean() }),
  example: () => ({ nick_name: '示例商城 Demo' }),
});

export interface ModifyHeadImageRequest extends CropBox {
  /** A temporary image (media/upload type image). */
  head_img_media_id: string;
}
export const modifyHeadImage = endpoint<ModifyHeadImageRequest, WeChatBaseResponse>({
  ...settings,
  name: 'account/modifyheadimage',
  method: 'POST',
  path: '/cgi-bin/account/modifyheadimage',
  request: 'json',
  answer: 'json',
  // Each success uses one of the month's changes.
  idempotent: false,
  check: (b) => missingString(b, ['head_img_media_id']) ?? en(cropProblem(b)),
  example: () => ({ head_img_media_id: 'MEDIA_ID_FROM_MEDIA_UPLOAD', x1: 0, y1: 0, x2: 1, y2: 1 }),
});

export const modifySignature = endpoint<{ signature: string }, WeChatBaseResponse>({
  ...settings,
  name: 'account/modifysignature',
  method: 'POST',
  path: '/cgi-bin/account/modifysignature',
  request: 'json',
  answer: 'json',
  idempotent: false,
  check: (b) => en(signatureProblem(isObj(b) ? b.signature : undefined)),
  example: () => ({ signature: '为门店顾客提供线上点单与会员服务。' }),
});

/** One node of the category tree (getallcategories): level 1 has children, level 2 may need qualifications. */
/** One node of getallcategories' flat list. The list starts with a root {id: 0, children, qualify} that has no name,
 * level or father (SKIT CgibinWxopenGetCategoriesByTypeResponse.json). */
export interface CategoryNode {
  id: number;
  name?: string;
  level?: number;
  father?: number;
  children: number[];
  sensitive_type: number;
  qualify: { exter_list: { inner_list: { name: string; url?: string }[] }[] };
}
export interface AllCategoriesResponse extends WeChatBaseResponse {
  categories_list: { categories: CategoryNode[] };
}
export const getAllCategories = endpoint<Record<string, never>, AllCategoriesResponse>({
  ...settings,
  name: 'wxopen/getallcategories',
  method: 'GET',
  path: '/cgi-bin/wxopen/getallcategories',
  request: 'none',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({ categories_list: z.looseObject({ categories: z.array(z.looseObject({ id: z.number(), name: z.string().optional() })) }) }),
  example: noBody,
});

export interface SetCategory {
  first: number;
  first_name: string;
  second: number;
  second_name: string;
  /** 1 auditing, 2 rejected, 3 approved (WxJava WxFastMaBeenSetCategoryResult). */
  audit_status: number;
  audit_reason: string;
}
export interface SetCategoriesResponse extends WeChatBaseResponse {
  categories: SetCategory[];
  limit: number;
  quota: number;
  category_limit: number;
}
export const getSetCategories = endpoint<Record<string, never>, SetCategoriesResponse>({
  ...settings,
  name: 'wxopen/getcategory',
  method: 'GET',
  path: '/cgi-bin/wxopen/getcategory',
  request: 'none',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({ categories: z.array(z.looseObject({ first: z.number(), second: z.number(), audit_status: z.number() })) }),
  example: noBody,
});

export interface Certificate {
  key: string;
  /** A temporary media id of the certificate image. */
  value: string;
}
export interface CategoryInput {
  first: number;
  second: number;
  /** WeChat's spelling. */
  certicates?: Certificate[];
}

function categoryProblem(c: unknown, where: string): string | null {
  if (!isObj(c)) return `${where} must be an object {first, second, certicates?}`;
  for (const k of ['first', 'second'] as const) {
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) <= 0) return `${where}.${k} must be a category id (a positive integer from getallcategories)`;
  }
  if (c.certicates !== undefined) {
    if (!Array.isArray(c.certicates)) return `${where}.certicates must be a list of {key, value}`;
    for (const [i, cert] of c.certicates.entries()) {
      const p = missingString(cert, ['key', 'value']);
      if (p) return `${where}.certicates[${i}]: ${p}`;
    }
  }
  return null;
}

export const addCategory = endpoint<{ categories: CategoryInput[] }, WeChatBaseResponse>({
  ...settings,
  name: 'wxopen/addcategory',
  method: 'POST',
  path: '/cgi-bin/wxopen/addcategory',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => {
    if (!isObj(b) || !Array.isArray(b.categories) || b.categories.length === 0) return 'categories is required: a non-empty list of {first, second, certicates?}';
    for (const [i, c] of b.categories.entries()) {
      const p = categoryProblem(c, `categories[${i}]`);
      if (p) return p;
    }
    return null;
  },
  example: () => ({ categories: [{ first: 287, second: 612, certicates: [] }] }),
});

export const deleteCategory = endpoint<{ first: number; second: number }, WeChatBaseResponse>({
  ...settings,
  name: 'wxopen/deletecategory',
  method: 'POST',
  path: '/cgi-bin/wxopen/deletecategory',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => categoryProblem(b, 'the request'),
  example: () => ({ first: 287, second: 612 }),
});

export const modifyCategory = endpoint<CategoryInput, WeChatBaseResponse>({
  ...settings,
  name: 'wxopen/modifycategory',
  method: 'POST',
  path: '/cgi-bin/wxopen/modifycategory',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => categoryProblem(b, 'the request') ?? (isObj(b) && Array.isArray(b.certicates) && b.certicates.length > 0 ? null : 'certicates is required: the new certificates [{key, value}]'),
  example: () => ({ first: 304, second: 305, certicates: [{ key: '医疗机构执业许可证', value: 'MEDIA_ID_FROM_MEDIA_UPLOAD' }] }),
});

export type ServerDomains = Record<ServerDomainType, string[]>;
export type ModifyDomainRequest = { action: DomainAction } & Partial<ServerDomains>;
export type ModifyDomainResponse = WeChatBaseResponse & ServerDomains & Partial<Record<`invalid_${ServerDomainType}`, string[]>>;

export const modifyDomain = endpoint<ModifyDomainRequest, ModifyDomainResponse>({
  ...settings,
  name: 'wxa/modify_domain',
  method: 'POST',
  path: '/wxa/modify_domain',
  request: 'json',
  answer: 'json',
  // add/delete/set leave the same lists when sent twice (a repeated add answers 85017, which the desk reports).
  idempotent: true,
  check: (b) => {
    if (!isObj(b) || !DOMAIN_ACTIONS.includes(b.action as DomainAction)) return `action must be one of ${DOMAIN_ACTIONS.join(', ')}`;
    if (b.action === 'get') return null;
    if (!SERVER_DOMAIN_TYPES.some((t) => b[t] !== undefined)) return `action ${String(b.action)} needs at least one of ${SERVER_DOMAIN_TYPES.join(', ')}`;
    for (const t of SERVER_DOMAIN_TYPES) if (b[t] !== undefined) {
      const p = domainListProblem(t, b[t]);
      if (p) return p.en;
    }
    return null;
  },
  response: z.looseObject(Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, z.array(z.string()).optional()]))),
  example: () => ({ action: 'get' }),
});

export interface WebviewDomainRequest {
  action: DomainAction;
  webviewdomain?: string[];
}
export const setWebviewDomain = endpoint<WebviewDomainRequest, WeChatBaseResponse & { webviewdomain: string[] }>({
  ...settings,
  name: 'wxa/setwebviewdomain',
  method: 'POST',
  path: '/wxa/setwebviewdomain',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => {
    if (!isObj(b) || !DOMAIN_ACTIONS.includes(b.action as DomainAction)) return `action must be one of ${DOMAIN_ACTIONS.join(', ')}`;
    if (b.action === 'get') return null;
    if (b.webviewdomain === undefined) return `action ${String(b.action)} needs webviewdomain`;
    return en(domainListProblem('webviewdomain', b.webviewdomain));
  },
  example: () => ({ action: 'get' }),
});

export const getWebviewConfirmFile = endpoint<Record<string, never>, WeChatBaseResponse & { file_name: string; file_content: string }>({
  ...settings,
  name: 'wxa/get_webviewdomain_confirmfile',
  method: 'POST',
  path: '/wxa/get_webviewdomain_confirmfile',
  request: 'json',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({ file_name: z.string().min(1), file_content: z.string() }),
  example: noBody,
});

export const bindTester = endpoint<{ wechatid: string }, WeChatBaseResponse & { userstr: string }>({
  ...settings,
  name: 'wxa/bind_tester',
  method: 'POST',
  path: '/wxa/bind_tester',
  request: 'json',
  answer: 'json',
  // A repeat answers 85004 (already bound): nothing to regret.
  idempotent: true,
  check: (b) => en(wechatIdProblem(isObj(b) ? b.wechatid : undefined)),
  response: z.looseObject({ userstr: z.string().min(1) }),
  example: () => ({ wechatid: 'tester_wechat_01' }),
});

export type UnbindTesterRequest = { wechatid: string; userstr?: never } | { userstr: string; wechatid?: never };
export const unbindTester = endpoint<UnbindTesterRequest, WeChatBaseResponse>({
  ...settings,
  name: 'wxa/unbind_tester',
  method: 'POST',
  path: '/wxa/unbind_tester',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => {
    if (!isObj(b)) return 'the request must be {wechatid} or {userstr}';
    const hasId = b.wechatid !== undefined;
    const hasStr = b.userstr !== undefined;
    if (hasId === hasStr) return 'send exactly one of wechatid (the WeChat ID) or userstr (from memberauth get_experiencer)';
    return hasId ? en(wechatIdProblem(b.wechatid)) : missingString(b, ['userstr']);
  },
  example: () => ({ wechatid: 'tester_wechat_01' }),
});

export const getExperiencers = endpoint<{ action: 'get_experiencer' }, WeChatBaseResponse & { members: { userstr: string }[] }>({
  ...settings,
  name: 'wxa/memberauth',
  method: 'POST',
  path: '/wxa/memberauth',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => (isObj(b) && b.action === 'get_experiencer' ? null : 'action must be "get_experiencer"'),
  response: z.looseObject({ members: z.array(z.looseObject({ userstr: z.string() })) }),
  example: () => ({ action: 'get_experiencer' }),
});

export interface PrivacyOwnerSetting {
  contact_email?: string;
  contact_phone?: string;
  contact_qq?: string;
  contact_weixin?: string;
  /** From uploadprivacyextfile: a custom guide instead of the generated one. */
  ext_file_media_id?: string;
  notice_method: string;
  store_expire_timestamp?: string;
  store_region?: number;
}
export interface PrivacySettingItem {
  privacy_key: string;
  privacy_text: string;
}
export interface SetPrivacyRequest {
  /** 1 the live version, 2 the version in development (default 2). */
  privacy_ver?: 1 | 2;
  owner_setting: PrivacyOwnerSetting;
  setting_list: PrivacySettingItem[];
}
export interface GetPrivacyResponse extends WeChatBaseResponse {
  code_exist: number;
  /** The privacy APIs the code uses that the settings do not declare. */
  privacy_list: string[];
  setting_list: (PrivacySettingItem & { privacy_label: string })[];
  update_time: number;
  owner_setting: PrivacyOwnerSetting;
  privacy_desc: { privacy_desc_list: { privacy_key: string; privacy_desc: string }[] };
}

/** setprivacysetting: a contact (one of email, phone, qq, weixin), a notice method, each item a key and a purpose. */
export function privacyProblem(b: unknown): string | null {
  if (!isObj(b)) return 'the request must be {privacy_ver?, owner_setting, setting_list}';
  if (b.privacy_ver !== undefined && b.privacy_ver !== 1 && b.privacy_ver !== 2) return 'privacy_ver must be 1 (live version) or 2 (development version)';
  const o = b.owner_setting;
  if (!isObj(o)) return 'owner_setting is required: {contact_email|contact_phone|contact_qq|contact_weixin, notice_method}';
  if (!['contact_email', 'contact_phone', 'contact_qq', 'contact_weixin'].some((k) => typeof o[k] === 'string' && (o[k] as string).trim() !== '')) {
    return 'owner_setting needs at least one contact: contact_email, contact_phone, contact_qq or contact_weixin';
  }
  if (typeof o.contact_email === 'string' && o.contact_email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(o.contact_email)) return `owner_setting.contact_email "${o.contact_email}" is not an e-mail address`;
  if (typeof o.contact_phone === 'string' && o.contact_phone && !/^\+?[0-9-]{5,20}$/.test(o.contact_phone)) return `owner_setting.contact_phone "${o.contact_phone}" is not a phone number`;
  if (typeof o.notice_method !== 'string' || o.notice_method.trim() === '') return 'owner_setting.notice_method is required (how users are told of changes, e.g. 弹窗)';
  if (!Array.isArray(b.setting_list)) return 'setting_list is required: a list of {privacy_key, privacy_text}';
  const seen = new Set<string>();
  for (const [i, item] of b.setting_list.entries()) {
    const p = missingString(item, ['privacy_key', 'privacy_text']);
    if (p) return `setting_list[${i}]: ${p}`;
    const key = (item as PrivacySettingItem).privacy_key;
    if (seen.has(key)) return `setting_list: privacy_key ${key} is listed twice`;
    seen.add(key);
  }
  return null;
}

export const setPrivacySetting = endpoint<SetPrivacyRequest, WeChatBaseResponse>({
  ...settings,
  name: 'component/setprivacysetting',
  method: 'POST',
  path: '/cgi-bin/component/setprivacysetting',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: privacyProblem,
  example: () => ({
    privacy_ver: 2,
    owner_setting: { contact_email: 'privacy@example.com', notice_method: '弹窗提示' },
    setting_list: [{ privacy_key: 'UserInfo', privacy_text: '用于展示会员头像与昵称' }],
  }),
});

export const getPrivacySetting = endpoint<{ privacy_ver?: 1 | 2 }, GetPrivacyResponse>({
  ...settings,
  name: 'component/getprivacysetting',
  method: 'POST',
  path: '/cgi-bin/component/getprivacysetting',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => (isObj(b) && (b.privacy_ver === undefined || b.privacy_ver === 1 || b.privacy_ver === 2) ? null : 'privacy_ver must be 1 (live version) or 2 (development version)'),
  response: z.looseObject({ privacy_list: z.array(z.string()), setting_list: z.array(z.looseObject({ privacy_key: z.string() })) }),
  example: () => ({ privacy_ver: 2 }),
});

/** D change_visitstatus: "close" hides the released mini program, "open" shows it again. */
export const changeVisitStatus = endpoint<{ action: 'open' | 'close' }, WeChatBaseResponse>({
  ...settings,
  name: 'wxa/change_visitstatus',
  method: 'POST',
  path: '/wxa/change_visitstatus',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: (b) => (isObj(b) && (b.action === 'open' || b.action === 'close') ? null : 'action must be "open" or "close"'),
  example: () => ({ action: 'open' }),
});

/** D getvisitstatus: status 0 suspended (by the owner or for a violation), 1 serving; an empty body answers 44002. */
export const getVisitStatus = endpoint<Record<string, never>, WeChatBaseResponse & { status: number }>({
  ...settings,
  name: 'wxa/getvisitstatus',
  method: 'POST',
  path: '/wxa/getvisitstatus',
  request: 'json',
  answer: 'json',
  idempotent: true,
  response: z.looseObject({ status: z.number() }),
  example: noBody,
});
