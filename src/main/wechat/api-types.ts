/**
 * Request and response shapes of the component APIs (reference §3) and message/custom/send (§6).
 * Field names are WeChat's own (snake_case), so a body can be compared with the reference line by line.
 */

/** Every WeChat JSON answer may carry these; success omits errcode or sends 0. */
export interface WeChatBaseResponse {
  errcode?: number;
  errmsg?: string;
}

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

// --- quota -----------------------------------------------------------------------------------------------------
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

// --- wxa/get_latest_auditstatus (mini-program code audit) ------------------------------------------------------
/** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
export interface LatestAuditStatusResponse extends WeChatBaseResponse {
  auditid: number;
  status: number;
  reason?: string;
  /**
   * Rejection screenshots' media ids ("id|id"). The current docs and WxJava send `screenshot`; SKIT's older sample
   * `ScreenShot`: the client fills this from either.
   */
  screenshot?: string;
  ScreenShot?: string;
  user_version?: string;
  user_desc?: string;
  submit_audit_time?: number;
}

// --- message/custom/send ---------------------------------------------------------------------------------------
export interface CustomMessageBase {
  touser: string;
  customservice?: { kf_account: string };
}
export type CustomMessage = CustomMessageBase &
  (
    | { msgtype: 'text'; text: { content: string } }
    | { msgtype: 'image'; image: { media_id: string } }
    | { msgtype: 'voice'; voice: { media_id: string } }
    | { msgtype: 'video'; video: { media_id: string; thumb_media_id?: string; title?: string; description?: string } }
    | {
        msgtype: 'music';
        music: { title?: string; description?: string; musicurl: string; hqmusicurl: string; thumb_media_id: string };
      }
    | { msgtype: 'news'; news: { articles: { title: string; description?: string; url?: string; picurl?: string }[] } }
    | { msgtype: 'mpnews'; mpnews: { media_id: string } }
    | { msgtype: 'mpnewsarticle'; mpnewsarticle: { article_id: string } }
    | { msgtype: 'msgmenu'; msgmenu: Record<string, unknown> }
    | { msgtype: 'wxcard'; wxcard: { card_id: string } }
    | {
        msgtype: 'miniprogrampage';
        miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string };
      }
  );

// --- authorization links (reference §4) -------------------------------------------------------------------------
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
