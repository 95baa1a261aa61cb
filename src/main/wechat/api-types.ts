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

export type { AuthType, AuthUrlParams } from '../api/links';
