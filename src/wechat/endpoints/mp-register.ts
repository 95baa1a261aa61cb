/**
 * Fast registration of an enterprise mini program (reference §7.1, "OA and MP APIs" §4): the task is created here,
 * the result arrives later as the notify_third_fasteregister push (§2.3). Component token, sent as
 * component_access_token= as WxJava does.
 */
import { endpoint, missingString } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface FastRegisterCreateRequest {
  /** The enterprise's name. */
  name: string;
  code: string;
  /** 1 unified social credit code (18), 2 organisation code (9), 3 business licence number (15). */
  code_type: 1 | 2 | 3;
  legal_persona_wechat: string;
  legal_persona_name: string;
  component_phone?: string;
}
export interface FastRegisterSearchRequest {
  name: string;
  legal_persona_wechat: string;
  legal_persona_name: string;
}

const register = {
  family: 'mp/register',
  method: 'POST',
  path: '/cgi-bin/component/fastregisterweapp',
  token: 'component',
  tokenParam: 'component_access_token',
  request: 'json',
  answer: 'json',
} as const;

export const fastRegisterCreate = endpoint<FastRegisterCreateRequest, WeChatBaseResponse>({
  ...register,
  name: 'fastregisterweapp?action=create',
  query: { action: 'create' },
  // Not idempotent: a repeat for the same enterprise answers 89249 (a task is running).
  idempotent: false,
  check: (b) =>
    missingString(b, ['name', 'code', 'legal_persona_wechat', 'legal_persona_name']) ??
    ([1, 2, 3].includes(b.code_type) ? null : `code_type must be 1 (credit code), 2 (organisation code) or 3 (licence number), got ${JSON.stringify(b.code_type)}`),
});

export const fastRegisterSearch = endpoint<FastRegisterSearchRequest, WeChatBaseResponse>({
  ...register,
  name: 'fastregisterweapp?action=search',
  query: { action: 'search' },
  idempotent: true,
  check: (b) => missingString(b, ['name', 'legal_persona_wechat', 'legal_persona_name']),
});

// --- personal, trial (beta) and via an official account (reference "OA and MP APIs" §4) -------------------------

export interface FastRegisterPersonalCreateRequest {
  /** The person's real name. */
  idname: string;
  /** The person's WeChat ID. */
  wxuser: string;
  component_phone?: string;
}
export interface FastRegisterPersonalResponse extends WeChatBaseResponse {
  taskid?: string;
  /** The page the person opens in WeChat to confirm (face check, then the new mini program is authorized). */
  authorize_url?: string;
  status?: number;
}

const personal = {
  family: 'mp/register',
  method: 'POST',
  path: '/wxa/component/fastregisterpersonalweapp',
  token: 'component',
  tokenParam: 'component_access_token',
  request: 'json',
  answer: 'json',
} as const;

export const fastRegisterPersonalCreate = endpoint<FastRegisterPersonalCreateRequest, FastRegisterPersonalResponse>({
  ...personal,
  name: 'fastregisterpersonalweapp?action=create',
  query: { action: 'create' },
  idempotent: false,
  check: (b) => missingString(b, ['idname', 'wxuser']),
  example: () => ({ idname: '张三', wxuser: 'zhangsan_wx', component_phone: '13800000000' }),
});

export const fastRegisterPersonalQuery = endpoint<{ taskid: string }, FastRegisterPersonalResponse>({
  ...personal,
  name: 'fastregisterpersonalweapp?action=query',
  query: { action: 'query' },
  idempotent: true,
  check: (b) => missingString(b, ['taskid']),
  example: () => ({ taskid: 'wxa_personal_task_0001' }),
});

export interface FastRegisterBetaRequest {
  /** The trial mini program's name. */
  name: string;
  /** The openid (under the platform's own official account or mini program) of the person who confirms. */
  openid: string;
}
export interface FastRegisterBetaResponse extends WeChatBaseResponse {
  unique_id?: string;
  authorize_url?: string;
}

/** Trial (beta) mini program; WxJava sends the component token as access_token=. Result: notify_third_fastregisterbetaapp. */
export const fastRegisterBeta = endpoint<FastRegisterBetaRequest, FastRegisterBetaResponse>({
  family: 'mp/register',
  method: 'POST',
  path: '/wxa/component/fastregisterbetaweapp',
  token: 'component',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  name: 'fastregisterbetaweapp',
  idempotent: false,
  check: (b) => missingString(b, ['name', 'openid']),
  example: () => ({ name: '试用小程序', openid: 'oTrial0000000000000000000000' }),
});

export interface VerifyBetaRequest {
  verify_info: {
    enterprise_name: string;
    code: string;
    code_type: 1 | 2 | 3;
    legal_persona_wechat: string;
    legal_persona_name: string;
    legal_persona_idcard?: string;
    component_phone?: string;
  };
}

/** Verify a trial mini program as an enterprise's (its own authorizer token). Result: notify_third_fastverifybetaapp. */
export const verifyBeta = endpoint<VerifyBetaRequest, WeChatBaseResponse>({
  family: 'mp/register',
  method: 'POST',
  path: '/wxa/verifybetaweapp',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  name: 'verifybetaweapp',
  idempotent: false,
  check: (b) =>
    b && typeof b.verify_info === 'object' && b.verify_info !== null
      ? (missingString(b.verify_info, ['enterprise_name', 'code', 'legal_persona_wechat', 'legal_persona_name']) ??
        ([1, 2, 3].includes(b.verify_info.code_type) ? null : `verify_info.code_type must be 1, 2 or 3, got ${JSON.stringify(b.verify_info.code_type)}`))
      : 'verify_info is required (enterprise_name, code, code_type, legal_persona_wechat, legal_persona_name)',
  example: () => ({
    verify_info: { enterprise_name: '深圳市某某科技有限公司', code: '91440300MA5XXXXXXX', code_type: 1 as const, legal_persona_wechat: 'legal_wechat_id', legal_persona_name: '张三', component_phone: '13800000000' },
  }),
});

export interface FastRegisterViaOaResponse extends WeChatBaseResponse {
  appid?: string;
  authorization_code?: string;
  is_wx_verify_succ?: boolean | string;
  is_link_succ?: boolean | string;
}

/**
 * Registration via an official account, step 2: the ticket from the fastregisterauth page's redirect, with that
 * official account's token. 61058: the ticket is not valid (used, expired, or another account's).
 */
export const fastRegisterViaOa = endpoint<{ ticket: string }, FastRegisterViaOaResponse>({
  family: 'mp/register',
  method: 'POST',
  path: '/cgi-bin/account/fastregister',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  name: 'account/fastregister',
  idempotent: false,
  check: (b) => missingString(b, ['ticket']),
  example: () => ({ ticket: 'ticket_from_fastregisterauth' }),
});

/** WeChat's page where an official account's admin confirms registering a mini program (step 1 of "via an OA"). */
export const FAST_REGISTER_AUTH_PATH = '/cgi-bin/fastregisterauth';
export const FAST_REGISTER_AUTH_BASE = 'https://mp.weixin.qq.com';
