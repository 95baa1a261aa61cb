/**
 * Authorization links (reference §4): the PC page and the mobile link an authorizer's admin opens to authorize the
 * platform.
 */
import { WeChatInputError } from './errors';

export const DEFAULT_PC_AUTH_BASE_URL = 'https://mp.weixin.qq.com';
export const DEFAULT_MOBILE_AUTH_BASE_URL = 'https://open.weixin.qq.com';

/** 1 official accounts only, 2 mini programs only, 3 both (WeChat's default); 4–6 newer kinds. */
export type AuthType = 1 | 2 | 3 | 4 | 5 | 6;

export interface AuthUrlParams {
  componentAppid: string;
  preAuthCode: string;
  /** Where WeChat sends the admin back with ?auth_code=…&expires_in=600. */
  redirectUri: string;
  authType?: AuthType;
  /** Only this account's admin may authorize; wins over authType. */
  bizAppid?: string;
  /** Restrict the permission sets offered (sent as id1|id2). */
  categoryIdList?: readonly number[];
}

function requireFields(api: string, body: unknown, fields: readonly string[]): void {
  if (body === null || typeof body !== 'object') {
    throw new WeChatInputError(`${api}: the request body must be an object with ${fields.join(', ')}`);
  }
  const record = body as Record<string, unknown>;
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new WeChatInputError(`${api}: "${field}" is required and must be a non-empty string`);
    }
  }
}

function validateAuthParams(kind: string, p: AuthUrlParams): void {
  requireFields(kind, p, ['componentAppid', 'preAuthCode', 'redirectUri']);
  let redirect: URL;
  try {
    redirect = new URL(p.redirectUri);
  } catch {
    throw new WeChatInputError(`${kind}: redirectUri "${p.redirectUri}" is not an absolute URL`);
  }
  if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') {
    throw new WeChatInputError(`${kind}: redirectUri must be http(s), got ${redirect.protocol}`);
  }
  if (p.authType !== undefined && (!Number.isInteger(p.authType) || p.authType < 1 || p.authType > 6)) {
    throw new WeChatInputError(`${kind}: authType must be 1 (official accounts), 2 (mini programs), 3 (both) or 4–6, got ${p.authType}`);
  }
  if (p.bizAppid !== undefined) requireFields(kind, p, ['bizAppid']);
  if (p.categoryIdList !== undefined) {
    if (!Array.isArray(p.categoryIdList) || p.categoryIdList.length === 0) {
      throw new WeChatInputError(`${kind}: categoryIdList must be a non-empty list of permission-set ids, or absent`);
    }
    for (const id of p.categoryIdList) {
      if (!Number.isInteger(id) || id <= 0) {
        throw new WeChatInputError(`${kind}: categoryIdList holds "${String(id)}"; ids are positive integers`);
      }
    }
  }
}

function authQuery(p: AuthUrlParams, leading: [string, string][]): string {
  const params = new URLSearchParams(leading);
  params.set('component_appid', p.componentAppid);
  params.set('pre_auth_code', p.preAuthCode);
  params.set('redirect_uri', p.redirectUri);
  if (p.authType !== undefined) params.set('auth_type', String(p.authType));
  if (p.bizAppid !== undefined) params.set('biz_appid', p.bizAppid);
  if (p.categoryIdList !== undefined) params.set('category_id_list', p.categoryIdList.join('|'));
  return params.toString();
}

/** PC authorization page (QR code): mp.weixin.qq.com/cgi-bin/componentloginpage?… (reference §4.1). */
export function buildPcAuthUrl(params: AuthUrlParams, baseUrl: string = DEFAULT_PC_AUTH_BASE_URL): string {
  validateAuthParams('buildPcAuthUrl', params);
  return `${baseUrl.replace(/\/+$/, '')}/cgi-bin/componentloginpage?${authQuery(params, [])}`;
}

/** Mobile (H5) link, opened inside the WeChat client: open.weixin.qq.com/wxaopen/safe/bindcomponent (reference §4.2). */
export function buildMobileAuthUrl(params: AuthUrlParams, baseUrl: string = DEFAULT_MOBILE_AUTH_BASE_URL): string {
  validateAuthParams('buildMobileAuthUrl', params);
  const query = authQuery(params, [
    ['action', 'bindcomponent'],
    ['no_scan', '1'],
  ]);
  return `${baseUrl.replace(/\/+$/, '')}/wxaopen/safe/bindcomponent?${query}#wechat_redirect`;
}

