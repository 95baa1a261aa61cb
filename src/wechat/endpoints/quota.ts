/** Quota and rid APIs (reference §3.6, §9): clearing daily quotas, reading one API's quota, looking up a rid. */
import { z } from 'zod';
import { endpoint, missingString, requireStrings } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface ClearQuotaRequest {
  appid: string;
}
export interface ClearQuotaV2Request {
  component_appid: string;
  /** The component secret. */
  appsecret: string;
  /** An authorized account to clear the quota for; absent: the platform's own. */
  appid?: string;
}
export interface ApiQuotaRequest {
  cgi_path: string;
}
export interface ApiQuotaResponse extends WeChatBaseResponse {
  quota: { daily_limit: number; used: number; remain: number };
}
export interface RidRequest {
  rid: string;
}
export interface RidResponse extends WeChatBaseResponse {
  request: {
    invoke_time: number;
    cost_in_ms: number;
    request_url: string;
    request_body: string;
    response_body: string;
  };
}

/** clear_quota's own limit: clears a month per account, shared with clear_quota/v2; 48006 beyond it (reference §3.5). */
export const CLEARS_PER_MONTH = 10;

const cgiPath = (b: ApiQuotaRequest): string | null =>
  typeof b?.cgi_path !== 'string' || !b.cgi_path.startsWith('/')
    ? 'cgi_path must be an API path starting with "/", e.g. /cgi-bin/message/custom/send'
    : null;

/** Either token: a component token clears the platform's own quota, an authorizer token that account's. */
const either = { family: 'quota', method: 'POST', token: 'component_or_authorizer', tokenParam: 'access_token', request: 'json', answer: 'json' } as const;

export const clearQuota = endpoint<ClearQuotaRequest, WeChatBaseResponse>({
  ...either,
  name: 'clear_quota',
  path: '/cgi-bin/clear_quota',
  // Not idempotent: each clear uses one of 10 a month.
  idempotent: false,
  check: requireStrings('appid'),
  about: (b) => b.appid,
});

/** clear_quota/v2 authenticates with the component secret instead of a token. */
export const clearQuotaV2 = endpoint<ClearQuotaV2Request, WeChatBaseResponse>({
  name: 'clear_quota/v2',
  family: 'quota',
  method: 'POST',
  path: '/cgi-bin/component/clear_quota/v2',
  token: 'none',
  tokenParam: null,
  request: 'json',
  answer: 'json',
  idempotent: false,
  check: (b) => missingString(b, ['component_appid', 'appsecret']) ?? (b.appid !== undefined ? missingString(b, ['appid']) : null),
  about: (b) => b.appid ?? b.component_appid,
});

export const getApiQuota = endpoint<ApiQuotaRequest, ApiQuotaResponse>({
  ...either,
  name: 'openapi/quota/get',
  path: '/cgi-bin/openapi/quota/get',
  idempotent: true,
  check: cgiPath,
  response: z.looseObject({ quota: z.looseObject({ daily_limit: z.number(), used: z.number(), remain: z.number() }) }),
});

export const clearApiQuota = endpoint<ApiQuotaRequest, WeChatBaseResponse>({
  ...either,
  name: 'openapi/quota/clear',
  path: '/cgi-bin/openapi/quota/clear',
  idempotent: false,
  check: cgiPath,
});

export const getRid = endpoint<RidRequest, RidResponse>({
  ...either,
  name: 'openapi/rid/get',
  path: '/cgi-bin/openapi/rid/get',
  idempotent: true,
  check: requireStrings('rid'),
});
