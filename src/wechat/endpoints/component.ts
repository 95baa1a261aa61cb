/**
 * The component APIs (reference §3): the platform's own token, pre-auth codes, the authorization-code exchange,
 * authorizer tokens, info, the list and the options. Field names are WeChat's own (snake_case).
 */
import { z } from 'zod';
import { endpoint, missingString, requireStrings } from '../spec';
import type { WeChatBaseResponse } from './common';

// --- api_component_token ---------------------------------------------------------------------------------------
export interface ComponentTokenRequest {
  component_appid: string;
  component_appsecret: string;
  component_verify_ticket: string;
}
export interface ComponentTokenResponse extends WeChatBaseResponse {
  component_access_token: string;
  expires_in: number;
}

// --- api_start_push_ticket -------------------------------------------------------------------------------------
export interface StartPushTicketRequest {
  component_appid: string;
  /** Named component_secret here, not component_appsecret (reference §2.1). */
  component_secret: string;
}

// --- api_create_preauthcode ------------------------------------------------------------------------------------
export interface CreatePreAuthCodeRequest {
  component_appid: string;
}
export interface CreatePreAuthCodeResponse extends WeChatBaseResponse {
  pre_auth_code: string;
  expires_in: number;
}

// --- api_query_auth --------------------------------------------------------------------------------------------
export interface FuncInfo {
  funcscope_category: { id: number };
  confirm_info?: { need_confirm?: number; already_confirm?: number; can_confirm?: number };
}
export interface AuthorizationInfo {
  authorizer_appid: string;
  /** Present only when the authorizer granted API permissions. */
  authorizer_access_token?: string;
  expires_in?: number;
  authorizer_refresh_token?: string;
  func_info?: FuncInfo[];
}
export interface QueryAuthRequest {
  component_appid: string;
  authorization_code: string;
}
export interface QueryAuthResponse extends WeChatBaseResponse {
  authorization_info: AuthorizationInfo;
}

// --- api_authorizer_token --------------------------------------------------------------------------------------
export interface AuthorizerTokenRequest {
  component_appid: string;
  authorizer_appid: string;
  authorizer_refresh_token: string;
}
export interface AuthorizerTokenResponse extends WeChatBaseResponse {
  authorizer_access_token: string;
  expires_in: number;
  /** WeChat may hand out a new refresh token; it then replaces the stored one. */
  authorizer_refresh_token?: string;
}

// --- api_get_authorizer_info -----------------------------------------------------------------------------------
export interface GetAuthorizerInfoRequest {
  component_appid: string;
  authorizer_appid: string;
}
export interface MiniProgramNetwork {
  RequestDomain?: string[];
  WsRequestDomain?: string[];
  UploadDomain?: string[];
  DownloadDomain?: string[];
  BizDomain?: string[];
  UDPDomain?: string[];
}
export interface AuthorizerInfo {
  nick_name?: string;
  head_img?: string;
  service_type_info?: { id: number; name?: string };
  verify_type_info?: { id: number; name?: string };
  user_name?: string;
  principal_name?: string;
  alias?: string;
  qrcode_url?: string;
  business_info?: Partial<Record<'open_store' | 'open_scan' | 'open_pay' | 'open_card' | 'open_shake', number>>;
  account_status?: number;
  signature?: string;
  idc?: number;
  register_type?: number;
  basic_config?: { is_phone_configured?: boolean; is_email_configured?: boolean };
  /** Present only for mini programs: the way to tell the two kinds apart. Note the CamelCase key. */
  MiniProgramInfo?: {
    network?: MiniProgramNetwork;
    categories?: { first: string; second: string }[];
    visit_status?: number;
  };
  channels_info?: Record<string, unknown>;
  store_info?: Record<string, unknown>;
  talent_info?: Record<string, unknown>;
  supplier_info?: Record<string, unknown>;
}
export interface GetAuthorizerInfoResponse extends WeChatBaseResponse {
  authorizer_info: AuthorizerInfo;
  authorization_info: {
    authorizer_appid?: string;
    /** Older samples used `appid`. */
    appid?: string;
    authorizer_refresh_token?: string;
    func_info?: FuncInfo[];
  };
}

// --- api_get_authorizer_list -----------------------------------------------------------------------------------
export interface GetAuthorizerListRequest {
  component_appid: string;
  offset: number;
  /** At most 500. */
  count: number;
}
export interface GetAuthorizerListResponse extends WeChatBaseResponse {
  total_count: number;
  list: { authorizer_appid: string; refresh_token: string; auth_time: number }[];
}

// --- options ---------------------------------------------------------------------------------------------------
export type AuthorizerOptionName = 'location_report' | 'voice_recognize' | 'customer_service';

export interface LegacyGetAuthorizerOptionRequest {
  component_appid: string;
  authorizer_appid: string;
  option_name: AuthorizerOptionName | string;
}
export interface LegacyGetAuthorizerOptionResponse extends WeChatBaseResponse {
  authorizer_appid: string;
  option_name: string;
  option_value: string;
}
export interface LegacySetAuthorizerOptionRequest extends LegacyGetAuthorizerOptionRequest {
  /** A string in the JSON, e.g. "1". */
  option_value: string;
}
export interface GetAuthorizerOptionRequest {
  option_name: AuthorizerOptionName | string;
}
export interface GetAuthorizerOptionResponse extends WeChatBaseResponse {
  option_name: string;
  option_value: string;
}
export interface SetAuthorizerOptionRequest {
  option_name: AuthorizerOptionName | string;
  option_value: string;
}

// --- specs -----------------------------------------------------------------------------------------------------

const nonEmpty = z.string().min(1);
const C = '/cgi-bin/component/';
/** Legacy name; WxJava and wechatpy send it, and WeChat accepts both on component APIs (reference §0). */
const component = { token: 'component', tokenParam: 'component_access_token', request: 'json', answer: 'json' } as const;

export const apiComponentToken = endpoint<ComponentTokenRequest, ComponentTokenResponse>({
  name: 'api_component_token',
  family: 'component',
  method: 'POST',
  path: `${C}api_component_token`,
  token: 'none',
  tokenParam: null,
  request: 'json',
  answer: 'json',
  // A lost answer only costs a token nobody saw; asking again is safe.
  idempotent: true,
  check: requireStrings('component_appid', 'component_appsecret', 'component_verify_ticket'),
  response: z.looseObject({ component_access_token: nonEmpty }),
  about: (b) => b.component_appid,
});

export const apiStartPushTicket = endpoint<StartPushTicketRequest, WeChatBaseResponse>({
  name: 'api_start_push_ticket',
  family: 'component',
  method: 'POST',
  path: `${C}api_start_push_ticket`,
  token: 'none',
  tokenParam: null,
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: requireStrings('component_appid', 'component_secret'),
  about: (b) => b.component_appid,
});

export const apiCreatePreAuthCode = endpoint<CreatePreAuthCodeRequest, CreatePreAuthCodeResponse>({
  ...component,
  name: 'api_create_preauthcode',
  family: 'component',
  method: 'POST',
  path: `${C}api_create_preauthcode`,
  idempotent: true,
  check: requireStrings('component_appid'),
  response: z.looseObject({ pre_auth_code: nonEmpty }),
  about: (b) => b.component_appid,
});

export const apiQueryAuth = endpoint<QueryAuthRequest, QueryAuthResponse>({
  ...component,
  name: 'api_query_auth',
  family: 'component',
  method: 'POST',
  path: `${C}api_query_auth`,
  // Not idempotent: the authorization code is single-use.
  idempotent: false,
  check: requireStrings('component_appid', 'authorization_code'),
  response: z.looseObject({ authorization_info: z.looseObject({ authorizer_appid: nonEmpty }) }),
  about: (b) => b.component_appid,
});

export const apiAuthorizerToken = endpoint<AuthorizerTokenRequest, AuthorizerTokenResponse>({
  ...component,
  name: 'api_authorizer_token',
  family: 'component',
  method: 'POST',
  path: `${C}api_authorizer_token`,
  idempotent: true,
  check: requireStrings('component_appid', 'authorizer_appid', 'authorizer_refresh_token'),
  response: z.looseObject({ authorizer_access_token: nonEmpty }),
  about: (b) => b.authorizer_appid,
  reauthOn61023: true,
});

export const apiGetAuthorizerInfo = endpoint<GetAuthorizerInfoRequest, GetAuthorizerInfoResponse>({
  ...component,
  name: 'api_get_authorizer_info',
  family: 'component',
  method: 'POST',
  path: `${C}api_get_authorizer_info`,
  idempotent: true,
  check: requireStrings('component_appid', 'authorizer_appid'),
  about: (b) => b.authorizer_appid,
});

export const apiGetAuthorizerList = endpoint<GetAuthorizerListRequest, GetAuthorizerListResponse>({
  ...component,
  name: 'api_get_authorizer_list',
  family: 'component',
  method: 'POST',
  path: `${C}api_get_authorizer_list`,
  idempotent: true,
  check: (b) => {
    const missing = missingString(b, ['component_appid']);
    if (missing) return missing;
    if (!Number.isInteger(b.offset) || b.offset < 0) return `offset must be an integer ≥ 0, got ${b.offset}`;
    if (!Number.isInteger(b.count) || b.count < 1 || b.count > 500) return `count must be an integer 1–500 (WeChat's limit), got ${b.count}`;
    return null;
  },
  // The entries are not checked one by one: a page has up to 500 and a full sync thousands of pages.
  response: z.looseObject({ total_count: z.number(), list: z.array(z.unknown()) }),
  about: (b) => b.component_appid,
});

/** Legacy option API, component token. */
export const apiGetAuthorizerOption = endpoint<LegacyGetAuthorizerOptionRequest, LegacyGetAuthorizerOptionResponse>({
  ...component,
  name: 'api_get_authorizer_option',
  family: 'component',
  method: 'POST',
  path: `${C}api_get_authorizer_option`,
  idempotent: true,
  check: requireStrings('component_appid', 'authorizer_appid', 'option_name'),
  about: (b) => b.authorizer_appid,
});

/** Legacy option API, component token. */
export const apiSetAuthorizerOption = endpoint<LegacySetAuthorizerOptionRequest, WeChatBaseResponse>({
  ...component,
  name: 'api_set_authorizer_option',
  family: 'component',
  method: 'POST',
  path: `${C}api_set_authorizer_option`,
  idempotent: true,
  check: requireStrings('component_appid', 'authorizer_appid', 'option_name', 'option_value'),
  about: (b) => b.authorizer_appid,
});

/** New option API, authorizer token. */
export const getAuthorizerOption = endpoint<GetAuthorizerOptionRequest, GetAuthorizerOptionResponse>({
  name: 'get_authorizer_option',
  family: 'component',
  method: 'POST',
  path: `${C}get_authorizer_option`,
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: requireStrings('option_name'),
});

/** New option API, authorizer token. */
export const setAuthorizerOption = endpoint<SetAuthorizerOptionRequest, WeChatBaseResponse>({
  name: 'set_authorizer_option',
  family: 'component',
  method: 'POST',
  path: `${C}set_authorizer_option`,
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  idempotent: true,
  check: requireStrings('option_name', 'option_value'),
});
