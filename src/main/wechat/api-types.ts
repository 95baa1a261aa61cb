/**
 * Request and response shapes of the WeChat APIs the client calls. They live with their endpoint specs in the
 * protocol module (src/wechat/endpoints/); this file keeps the names importable from where they always were.
 */
export type { WeChatBaseResponse, BinaryAnswer, FileInput } from '../../wechat';
export type {
  AuthorizationInfo,
  AuthorizerInfo,
  AuthorizerOptionName,
  AuthorizerTokenRequest,
  AuthorizerTokenResponse,
  ComponentTokenRequest,
  ComponentTokenResponse,
  CreatePreAuthCodeRequest,
  CreatePreAuthCodeResponse,
  FuncInfo,
  GetAuthorizerInfoRequest,
  GetAuthorizerInfoResponse,
  GetAuthorizerListRequest,
  GetAuthorizerListResponse,
  GetAuthorizerOptionRequest,
  GetAuthorizerOptionResponse,
  LegacyGetAuthorizerOptionRequest,
  LegacyGetAuthorizerOptionResponse,
  LegacySetAuthorizerOptionRequest,
  MiniProgramNetwork,
  QueryAuthRequest,
  QueryAuthResponse,
  SetAuthorizerOptionRequest,
  StartPushTicketRequest,
} from '../../wechat/endpoints/component';
export type { ApiQuotaRequest, ApiQuotaResponse, ClearQuotaRequest, ClearQuotaV2Request, RidRequest, RidResponse } from '../../wechat/endpoints/quota';
export type { LatestAuditStatusResponse } from '../../wechat/endpoints/mp-audit';
export type { CustomMessage, CustomMessageBase } from '../../wechat/endpoints/oa-custom-service';

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
