/**
 * Plain domain types shared by the main process, the IPC contract and the renderer. No Node, no DOM.
 * Times are epoch milliseconds unless a name says otherwise (`createTime` is WeChat's epoch seconds).
 * Everything is keyed by the component (third-party platform) appid so several platforms and the demo
 * sandbox live side by side in one store.
 */

export const AUTHORIZER_KINDS = ['OA', 'MP'] as const;
/** OA = 公众号 (official account), MP = 小程序 (mini program). */
export type AuthorizerKind = (typeof AUTHORIZER_KINDS)[number];

export const AUTHORIZER_STATUSES = ['active', 'revoked', 'needs_reauth'] as const;
export type AuthorizerStatus = (typeof AUTHORIZER_STATUSES)[number];

export const EGRESS_MODES = ['direct', 'relay'] as const;
/** How the desktop reaches api.weixin.qq.com: directly, or through the relay's CONNECT tunnel. */
export type EgressMode = (typeof EGRESS_MODES)[number];

export type SortDirection = 'asc' | 'desc';

/** A page of rows with the total that matched the filter (offset pagination). */
export interface Page<T> {
  rows: T[];
  total: number;
}

/** A page of rows, newest first, with the id to pass as `beforeId` for the next page (null: no more). */
export interface KeysetPage<T> {
  rows: T[];
  nextBeforeId: number | null;
}

// ---------------------------------------------------------------- platforms

/** The public (non-secret) part of a platform's configuration. Safe to send to the renderer. */
export interface PlatformConfig {
  componentAppid: string;
  name: string;
  /** Base URL of the relay (wss/https), or null when none is configured yet. */
  relayUrl: string | null;
  egress: EgressMode;
  isDemo: boolean;
  createdAt: number;
  updatedAt: number;
  /** Which secrets are set; the values themselves never leave the main process. */
  hasAppSecret: boolean;
  hasToken: boolean;
  hasEncodingAesKey: boolean;
  hasDeskKey: boolean;
}

/** Decrypted platform secrets (main process only). null = not set. */
export interface PlatformSecrets {
  appSecret: string | null;
  /** The message-check Token (消息校验Token). */
  token: string | null;
  /** The 43-character EncodingAESKey (消息加解密Key). */
  encodingAesKey: string | null;
  /** The key the desktop uses to authenticate to the relay. */
  deskKey: string | null;
}

/**
 * Input to create or update a platform. For each secret: undefined = leave as is, null = clear, string = set.
 * On creation, omitted public fields take defaults (relayUrl null, egress 'direct', isDemo false).
 */
export interface PlatformInput {
  componentAppid: string;
  name: string;
  relayUrl?: string | null;
  egress?: EgressMode;
  isDemo?: boolean;
  appSecret?: string | null;
  token?: string | null;
  encodingAesKey?: string | null;
  deskKey?: string | null;
}

// ---------------------------------------------------------------- tickets and tokens

export interface TicketRecord {
  id: number;
  componentAppid: string;
  ticket: string;
  /** CreateTime from the push (epoch seconds). */
  createTime: number;
  receivedAt: number;
}

/** A component or authorizer access token as stored (the token itself is encrypted at rest). */
export interface TokenRecord {
  token: string;
  expiresAt: number;
  obtainedAt: number;
}

// ---------------------------------------------------------------- authorizers

export interface Authorizer {
  appid: string;
  componentAppid: string;
  kind: AuthorizerKind;
  nickName: string | null;
  /** Original id, gh_… */
  userName: string | null;
  principalName: string | null;
  headImg: string | null;
  alias: string | null;
  serviceType: number | null;
  verifyType: number | null;
  accountStatus: number | null;
  /** The full authorizer_info JSON as last fetched. */
  info: Record<string, unknown> | null;
  /** Permission-set ids (funcscope_category.id) granted. */
  funcInfo: number[];
  status: AuthorizerStatus;
  /** Whether a refresh token is stored (the value is read with getRefreshToken, main process only). */
  hasRefreshToken: boolean;
  authorizedAt: number;
  updatedAt: number;
  revokedAt: number | null;
  refreshTokenCheckedAt: number | null;
  /** Set when WeChat's authorizer list reported a refresh token different from the stored one. */
  refreshTokenMismatch: boolean;
}

/**
 * Input to authorizers.upsert. Omitted optional fields keep their stored value on update
 * (null clears). refreshToken: undefined = keep, null = clear, string = set (encrypted).
 */
export interface AuthorizerInput {
  appid: string;
  componentAppid: string;
  kind: AuthorizerKind;
  nickName?: string | null;
  userName?: string | null;
  principalName?: string | null;
  headImg?: string | null;
  alias?: string | null;
  serviceType?: number | null;
  verifyType?: number | null;
  accountStatus?: number | null;
  info?: Record<string, unknown> | null;
  funcInfo?: number[];
  status?: AuthorizerStatus;
  refreshToken?: string | null;
  /** Defaults to now on creation; kept on update unless given. */
  authorizedAt?: number;
  revokedAt?: number | null;
  refreshTokenCheckedAt?: number | null;
  refreshTokenMismatch?: boolean;
}

export const AUTHORIZER_SORT_COLUMNS = [
  'authorizedAt',
  'updatedAt',
  'nickName',
  'appid',
  'principalName',
  'status',
  'kind',
] as const;
export type AuthorizerSortColumn = (typeof AUTHORIZER_SORT_COLUMNS)[number];

export interface AuthorizerFilter {
  componentAppid: string;
  kind?: AuthorizerKind;
  status?: AuthorizerStatus;
  /** Only authorizers that granted this permission-set id. */
  funcId?: number;
  /** authorizedAt >= authorizedFrom */
  authorizedFrom?: number;
  /** authorizedAt < authorizedTo */
  authorizedTo?: number;
  /** Substring of appid, nickName, userName, principalName or alias (case-insensitive for ASCII). */
  search?: string;
  sort?: AuthorizerSortColumn;
  dir?: SortDirection;
  offset?: number;
  /** 1..1000, default 50. */
  limit?: number;
}

export type AuthorizerStatusCounts = Record<AuthorizerStatus, number> & { total: number };

// ---------------------------------------------------------------- authorization links

export const AUTH_LINK_STATUSES = ['pending', 'completed', 'expired'] as const;
export type AuthLinkStatus = (typeof AUTH_LINK_STATUSES)[number];

export interface AuthLink {
  id: string;
  componentAppid: string;
  preAuthCode: string;
  pcUrl: string;
  mobileUrl: string;
  /** auth_type of componentloginpage: 1 OA, 2 MP, 3 both, … */
  authType: number;
  bizAppid: string | null;
  /** category_id_list as given (pipe-separated ids), or null. */
  categoryIds: string | null;
  /** The relay's /authorize/:linkId page, when the link goes through the relay. */
  relayStartUrl: string | null;
  createdAt: number;
  expiresAt: number;
  status: AuthLinkStatus;
  authorizerAppid: string | null;
  completedAt: number | null;
}

export type AuthLinkInput = Omit<AuthLink, 'status' | 'authorizerAppid' | 'completedAt' | 'createdAt'> & {
  createdAt?: number;
};

// ---------------------------------------------------------------- events (inbox)

export const EVENT_KINDS = ['component', 'authorizer', 'auth_redirect', 'alert', 'local'] as const;
/** component/authorizer/auth_redirect come from the relay; alert and local are made on the desktop. */
export type EventKind = (typeof EVENT_KINDS)[number];

export type EventStatus = 'ok' | 'failed';

export interface EventVerdicts {
  signatureOk?: boolean;
  appidOk?: boolean;
  /** false when the body or the decrypted message is not usable XML (absent when it parsed). */
  parseOk?: boolean;
  [check: string]: unknown;
}

export interface EventRecord {
  id: number;
  componentAppid: string;
  /** The relay's seq, or null for events not delivered by the relay. */
  seq: number | null;
  kind: EventKind;
  /** The authorizer appid the push was for, if any. */
  appid: string | null;
  receivedAt: number;
  query: Record<string, string> | null;
  rawBody: string;
  /** Decrypted XML/JSON, or null when decryption failed or did not apply. */
  plaintext: string | null;
  status: EventStatus;
  /** Why the push failed (English); failReasonZh is the same in Chinese (null on events stored before it existed). */
  failReason: string | null;
  failReasonZh: string | null;
  infoType: string | null;
  msgType: string | null;
  event: string | null;
  fromUser: string | null;
  toUser: string | null;
  /** CreateTime from the message (epoch seconds). */
  createTime: number | null;
  msgId: string | null;
  /** Identifies a logical message across WeChat retries (e.g. MsgId, or FromUserName+CreateTime+Event). */
  dedupeKey: string | null;
  replyBody: string | null;
  replyMs: number | null;
  verdicts: EventVerdicts | null;
  /** What the handling did (English); handledNoteZh is the same in Chinese (null on events stored before it existed). */
  handledNote: string | null;
  handledNoteZh: string | null;
}

/** Fields of an event that may be left out of events.insert (they default to null, status to 'ok'). */
type OptionalEventField = Exclude<keyof EventRecord, 'id' | 'componentAppid' | 'kind' | 'receivedAt' | 'rawBody'>;

/** Input to events.insert: everything but the id; reply fields may be filled later with setReply. */
export type EventInput = Omit<EventRecord, 'id' | OptionalEventField> & Partial<Pick<EventRecord, OptionalEventField>>;

export interface EventInsertResult {
  /** false when the event was a duplicate (same seq, or same dedupe key) of a stored one. */
  inserted: boolean;
  /** The id of the new row, or of the stored row it duplicates. */
  id: number;
}

export interface EventFilter {
  componentAppid: string;
  kind?: EventKind;
  infoType?: string;
  msgType?: string;
  event?: string;
  appid?: string;
  /** receivedAt >= from */
  from?: number;
  /** receivedAt < to */
  to?: number;
  failedOnly?: boolean;
  /** Full-text search over plaintext, raw body and key fields (Chinese works). */
  search?: string;
  /** Keyset pagination: only events with id < beforeId. */
  beforeId?: number;
  /** 1..500, default 50. */
  limit?: number;
}

export interface MinuteCount {
  /** Start of the minute, epoch ms. */
  minute: number;
  count: number;
  failed: number;
}

// ---------------------------------------------------------------- API call log

export interface ApiCallRecord {
  id: number;
  componentAppid: string;
  at: number;
  /** e.g. /cgi-bin/component/api_component_token (no query string: it would carry tokens). */
  path: string;
  /** The authorizer the call was made for, if any. */
  appid: string | null;
  /** WeChat's errcode (0 = ok), or null for a transport failure with no WeChat answer. */
  errcode: number | null;
  errmsg: string | null;
  rid: string | null;
  latencyMs: number;
  /** 1 for the first try, 2 for the retry after a token refresh, … */
  attempt: number;
}

/** One API call with what was sent and answered (apilog/get). Bodies are bounded and have their secrets redacted. */
export interface ApiCallFull extends ApiCallRecord {
  /** null for calls logged before bodies were kept. */
  method: 'GET' | 'POST' | null;
  /** The query parameter the token went in (access_token / component_access_token), or null for none. */
  tokenParam: string | null;
  requestBody: string | null;
  /** WeChat's answer; for a file, its type and size (responseBinary). */
  responseBody: string | null;
  responseBinary: boolean;
}

type ApiCallBodies = Partial<Pick<ApiCallFull, 'method' | 'tokenParam' | 'requestBody' | 'responseBody' | 'responseBinary'>>;

export type ApiCallInput = Omit<ApiCallRecord, 'id' | 'appid' | 'errcode' | 'errmsg' | 'rid' | 'attempt'> &
  Partial<Pick<ApiCallRecord, 'appid' | 'errcode' | 'errmsg' | 'rid' | 'attempt'>> &
  ApiCallBodies;

export interface ApiCallFilter {
  componentAppid: string;
  path?: string;
  errcode?: number;
  appid?: string;
  from?: number;
  to?: number;
  /** errcode not 0 (including transport failures). */
  errorsOnly?: boolean;
  beforeId?: number;
  /** 1..500, default 50. */
  limit?: number;
}

export interface ErrcodeMinuteCount {
  minute: number;
  /** null = transport failure. */
  errcode: number | null;
  count: number;
}
