/**
 * The one typed contract between the console UI (renderer, or a browser in console mode) and the main process.
 *
 * - Methods are named `domain/verb`. `ApiContract[M]` gives each method's `args` and `result`.
 * - Every call answers with one envelope: `{ ok: true, result } | { ok: false, error: { code, message, details? } }`.
 * - Events flow main → UI only; `AppEvents[E]` gives each event's payload.
 * - Transports: Electron IPC through the preload's `window.api`, or HTTP (POST /api/<method>) + WebSocket (/events)
 *   in console mode. Both carry exactly these shapes.
 * - Nothing secret ever crosses this contract: platforms say which secrets are set (`hasAppSecret`, …), never values.
 *   Secrets travel one way only, UI → main, inside `platform/save`.
 *
 * This file is stable: add methods and fields, never rename or remove them. No Node, no DOM.
 */
import type {
  ApiCallFilter,
  ApiCallRecord,
  AuthLink,
  Authorizer,
  AuthorizerFilter,
  AuthorizerKind,
  AuthorizerSortColumn,
  AuthorizerStatus,
  AuthorizerStatusCounts,
  EgressMode,
  ErrcodeMinuteCount,
  EventFilter,
  EventKind,
  EventRecord,
  KeysetPage,
  MinuteCount,
  Page,
  PlatformConfig,
  SortDirection,
} from './domain';
import type { Refusal } from './relay-protocol';

// ---------------------------------------------------------------- envelope and errors

export const API_ERROR_CODES = [
  /** The method name is not in the contract. */
  'unknown_method',
  /** The arguments do not match the method's schema; `details.issues` lists each field and what is wrong. */
  'invalid_arguments',
  /** The caller is not the console's own window / does not hold the session token. */
  'forbidden',
  /** No platform is selected (or the selected one is not running yet). Configure one under Setup, or open the demo. */
  'no_platform',
  /** The thing asked for (event, authorizer, link, platform) does not exist. */
  'not_found',
  /** WeChat answered with an errcode; `details` is a `WechatErrorDetails`. */
  'wechat_error',
  /** Secrets cannot be stored safely here (e.g. Linux basic_text) and the user has not opted in. */
  'secret_storage',
  /** A dependency (relay, simulator, WeChat) could not be reached. */
  'unavailable',
  /** The request conflicts with the current state (e.g. a sync is already running). */
  'conflict',
  /** A bug or an unexpected failure; the message says what was being done. */
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiError {
  code: ApiErrorCode;
  /** One sentence a person understands: what went wrong and what to do. */
  message: string;
  details?: unknown;
}

export type ApiEnvelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };

/** A WeChat errcode explained for people, in Chinese and English (`code`, `known`, `zh`, `en`, `action?`). */
import type { ErrcodeExplanation } from './errcodes';
export type { ErrcodeExplanation, ErrcodeAction } from './errcodes';

/** `details` of a `wechat_error`. */
export interface WechatErrorDetails {
  /** The WeChat API path, e.g. /cgi-bin/component/api_query_auth. */
  path: string | null;
  errcode: number;
  errmsg: string;
  rid: string | null;
  explanation: ErrcodeExplanation | null;
}

/** `details` of an `invalid_arguments` error: one entry per problem, `path` names the field (e.g. "limit"). */
export interface InvalidArgumentsDetails {
  issues: { path: string; message: string }[];
}

// ---------------------------------------------------------------- shared result shapes

/** Where this UI runs. */
export type AppMode = 'electron' | 'console';

/** How secrets are protected at rest on this machine. */
export interface SecretStorageInfo {
  /** e.g. 'electron-safe-storage', 'electron-basic-text', 'node-aes-256-gcm'. */
  kind: string;
  /** True where the OS offers no real keyring (Linux basic_text): secrets would be obfuscated, not encrypted. */
  insecure: boolean;
  /** Whether secrets may be saved now (false when insecure and the user has not opted in via settings). */
  secretsAllowed: boolean;
  /** A sentence to show the user when insecure, else null. */
  warning: string | null;
}

export interface AppInfo {
  version: string;
  mode: AppMode;
  /** The OS (process.platform). */
  os: string;
  /** Where the database and key file live. */
  dataDir: string;
  secretStorage: SecretStorageInfo;
  /** The selected platform's appid, or null when none is configured. */
  selectedAppid: string | null;
  /** True when the selected platform is the demo sandbox (simulator + local relay). */
  demo: boolean;
  /**
   * Alerts about conditions that last until someone acts (e.g. the database failed its integrity check at start),
   * for a UI that connects after they were raised.
   */
  alerts?: AppEvents['alert:new'][];
}

/** App-wide settings the UI can change. */
export interface AppSettings {
  /** Opt-in: store secrets even where the OS offers only basic_text (Linux without a keyring). */
  allowInsecureSecretStorage: boolean;
  /** UI language; null = follow the system. */
  language: 'zh-CN' | 'en' | null;
}

export type RelayConnectionState = 'not_configured' | 'connecting' | 'connected' | 'disconnected';

export interface RelayStatus {
  state: RelayConnectionState;
  /** The relay base URL (no credentials), or null. */
  url: string | null;
  /** When the current state began (epoch ms). */
  since: number;
  /** The highest seq durably processed. */
  cursor: number;
  /** The last connection problem, as a sentence, or null. */
  lastError: string | null;
  /** When the next reconnect attempt is due, while disconnected. */
  nextRetryAt: number | null;
}

export interface DashboardStatus {
  componentAppid: string;
  platformName: string;
  demo: boolean;
  now: number;
  ticket: {
    /** When the newest component_verify_ticket arrived, or null if none yet. */
    lastReceivedAt: number | null;
    /** now − lastReceivedAt, or null. */
    ageMs: number | null;
    /** When the next push is expected (WeChat pushes every 10 minutes), or null. */
    nextExpectedAt: number | null;
    /** True when the ticket is older than expected (missed pushes): check the relay and the 授权事件接收URL. */
    overdue: boolean;
  };
  componentToken: {
    /** Whether a component_access_token is cached. */
    present: boolean;
    expiresAt: number | null;
    /** expiresAt − now (negative: expired), or null. */
    msLeft: number | null;
  };
  relay: RelayStatus;
  authorizers: AuthorizerStatusCounts;
  /** Events per minute over the last hour (minutes with none omitted). */
  eventsPerMinute: MinuteCount[];
  /** API calls per minute and errcode over the last hour (errcode 0 = ok; null = transport failure). */
  apiErrorsPerMinute: ErrcodeMinuteCount[];
  /** Failed events in the last 24 h. */
  failedEvents24h: number;
  /** Refresh tokens flagged as mismatching WeChat's list. */
  refreshTokenMismatches: number;
  /** Alerts raised by the running platform and not resolved since (token refresh failing, stale ticket, …). */
  alerts?: OpenAlert[];
}

/** An alert the running platform raised and has not resolved yet. */
export type OpenAlert = AppEvents['alert:new'];
/** The relay's latest summary of the requests it refused (4xx, not stored), as the desk last received it. */
export interface RelayRefusals {
  /** When the desk received this summary (epoch ms). */
  receivedAt: number;
  /** The window the counts cover (24 h). */
  windowMs: number;
  total: number;
  /** Refusals per reason (a RefusalReason, or a newer relay's code). */
  counts: Record<string, number>;
  /** The most frequent reason in the window, or null when there were none. */
  topReason: string | null;
  /** Newest first, at most 20. */
  recent: Refusal[];
}

/** An event without its large bodies, for lists and the live feed. Fetch the full record with events/get. */
export type EventSummary = Omit<EventRecord, 'rawBody' | 'plaintext' | 'replyBody' | 'query'>;

export interface EventDetail extends EventRecord {
  /** Explanation of `failReason` or of a WeChat error the handling hit, when there is one. */
  explanation: ErrcodeExplanation | null;
}

export interface ApiCallRow extends ApiCallRecord {
  /** The errcode explained (null for 0 and transport failures). */
  explanation: ErrcodeExplanation | null;
}

export interface SyncResult {
  /** total_count WeChat reported. */
  total: number;
  added: number;
  updated: number;
  /** Stored authorizers no longer in WeChat's list, now marked revoked. */
  revoked: number;
  /** Refresh tokens that differ from WeChat's list (flagged). */
  refreshTokenMismatches: number;
  /** Accounts whose details could not be fetched; the rest were synced. */
  failed: { appid: string; message: string }[];
  startedAt: number;
  finishedAt: number;
}

export interface RefreshTokenHealth {
  appid: string;
  /** True when WeChat accepted the stored refresh token (an authorizer token was obtained). */
  ok: boolean;
  checkedAt: number;
  /** Present when WeChat refused it. */
  errcode: number | null;
  message: string;
  /** The authorizer's status after the check (e.g. needs_reauth when WeChat refused the token). */
  status: AuthorizerStatus;
}

export const AUTHORIZER_OPTION_NAMES = ['location_report', 'voice_recognize', 'customer_service'] as const;
export type AuthorizerOptionName = (typeof AUTHORIZER_OPTION_NAMES)[number];

export interface AuthorizerOption {
  appid: string;
  optionName: AuthorizerOptionName;
  /** As WeChat returns it: a string such as "0" or "1". */
  optionValue: string;
}

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Columns an export may hold, in their default order (no secrets: refresh tokens are never exported). */
export const EXPORT_COLUMNS = [
  'appid',
  'kind',
  'nickName',
  'userName',
  'principalName',
  'alias',
  'status',
  'serviceType',
  'verifyType',
  'accountStatus',
  'funcInfo',
  'authorizedAt',
  'revokedAt',
  'refreshTokenMismatch',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

export interface ExportResult {
  fileName: string;
  mimeType: string;
  /** The whole file: UTF-8 text (CSV starts with a BOM so Excel shows Chinese correctly), or base64 for XLSX. */
  content: string;
  encoding: 'utf8' | 'base64';
  rows: number;
}

export const SETUP_CHECKS = ['decrypt', 'componentToken', 'relay'] as const;
export type SetupCheck = (typeof SETUP_CHECKS)[number];

/** A captured push to test decryption with (what WeChat would POST). */
export interface SamplePush {
  timestamp: string;
  nonce: string;
  msgSignature: string;
  /** The raw XML body with its <Encrypt> element. */
  body: string;
}

/** A copy of the database made with SQLite's online backup (`setup/backup`). */
export interface SetupBackupResult {
  /** Where the copy is: under the data folder's backups/ folder. */
  path: string;
  bytes: number;
  /** quick_check of the copy; false when the database itself is damaged (the copy keeps what could be read). */
  ok: boolean;
  problems: string[];
}

export interface SetupCheckResult {
  check: SetupCheck;
  ok: boolean;
  /** One sentence: what was checked and the outcome, with what to do when it failed. */
  message: string;
  /** The same sentence in Chinese (the UI shows it when the language is zh-CN). */
  messageZh?: string;
  /** e.g. the decrypted plaintext, the token's expiry, the relay's healthz. Never secrets. */
  details?: Record<string, unknown>;
  explanation?: ErrcodeExplanation | null;
  durationMs: number;
}

/** auth_type of componentloginpage: 1 official accounts, 2 mini programs, 3 both, 4–6 newer account kinds. */
export type AuthType = 1 | 2 | 3 | 4 | 5 | 6;

// ---------------------------------------------------------------- the method map

/** Arguments of methods that take none. */
export type NoArgs = Record<string, never>;

export interface ApiContract {
  // app and settings
  /** Version, mode, data dir, secret storage state, selected platform. */
  'app/info': { args: NoArgs; result: AppInfo };
  'settings/get': { args: NoArgs; result: AppSettings };
  /** Changes some settings; returns all of them. */
  'settings/set': { args: Partial<AppSettings>; result: AppSettings };
  /** Opens an https URL in the system browser; only WeChat / the configured relay hosts are allowed. */
  'shell/openExternal': { args: { url: string }; result: { opened: boolean } };

  // platforms
  /** Every configured platform (public parts only) and which one is selected. */
  'platform/list': { args: NoArgs; result: { platforms: PlatformConfig[]; selectedAppid: string | null } };
  'platform/get': { args: { componentAppid: string }; result: PlatformConfig };
  /**
   * Creates or updates a platform. Secrets: omitted = keep, null = clear, string = set. Returns the public part.
   * Fails with `secret_storage` when secrets cannot be stored safely and the user has not opted in.
   */
  'platform/save': {
    args: {
      componentAppid: string;
      name: string;
      relayUrl?: string | null;
      egress?: EgressMode;
      appSecret?: string | null;
      token?: string | null;
      encodingAesKey?: string | null;
      deskKey?: string | null;
    };
    result: PlatformConfig;
  };
  /** Makes a platform the active one (starts its runtime, stops the previous one). */
  'platform/select': { args: { componentAppid: string }; result: PlatformConfig };
  /** Deletes a platform and all its data. The demo platform cannot be deleted while selected. */
  'platform/delete': { args: { componentAppid: string }; result: { deleted: boolean } };

  // dashboard
  'dashboard/get': { args: NoArgs; result: DashboardStatus };

  // relay
  /** What the relay refused lately (from its `refusals` frames); null until a relay sent a summary. */
  'relay/refusals': { args: NoArgs; result: RelayRefusals | null };

  // events (the inbox)
  /** Newest first, keyset pagination (pass the previous page's nextBeforeId as beforeId). */
  'events/list': {
    args: Omit<EventFilter, 'componentAppid'>;
    result: KeysetPage<EventSummary>;
  };
  'events/get': { args: { id: number }; result: EventDetail };
  /** Runs a stored event through the pipeline again (e.g. after fixing a key); returns the event as now stored. */
  'events/rerun': { args: { id: number }; result: EventDetail };

  // authorizers
  'authorizers/list': {
    args: Omit<AuthorizerFilter, 'componentAppid'>;
    result: Page<Authorizer> & { counts: AuthorizerStatusCounts };
  };
  'authorizers/get': { args: { appid: string }; result: Authorizer };
  /** Pulls WeChat's authorizer list and details into the store; progress arrives as 'sync:progress'. */
  'authorizers/sync': { args: NoArgs; result: SyncResult };
  /** Exports the authorizers matching the filter; progress arrives as 'export:progress'. */
  'authorizers/export': {
    args: {
      format: ExportFormat;
      /** Default: every column in EXPORT_COLUMNS order. */
      columns?: ExportColumn[];
      /** The selected rows; when given, the filter fields are ignored. */
      appids?: string[];
      kind?: AuthorizerKind;
      status?: AuthorizerStatus;
      funcId?: number;
      authorizedFrom?: number;
      authorizedTo?: number;
      search?: string;
    };
    result: ExportResult;
  };
  'authorizers/getOption': { args: { appid: string; optionName: AuthorizerOptionName }; result: AuthorizerOption };
  'authorizers/setOption': {
    args: { appid: string; optionName: AuthorizerOptionName; optionValue: string };
    result: AuthorizerOption;
  };
  /** Tests the stored refresh token by obtaining an authorizer token with it. */
  'authorizers/checkRefreshToken': { args: { appid: string }; result: RefreshTokenHealth };

  // authorization links
  /** Gets a pre_auth_code and builds the PC (QR) and mobile links, plus the relay start page when a relay is set. */
  'auth/createLink': {
    args: { authType: AuthType; bizAppid?: string; categoryIds?: string };
    result: AuthLink;
  };
  /** Newest first. */
  'auth/listLinks': { args: { limit?: number }; result: AuthLink[] };

  // API call log
  'apilog/list': {
    args: Omit<ApiCallFilter, 'componentAppid'>;
    result: KeysetPage<ApiCallRow>;
  };

  // WeChat error codes
  /** Explains a WeChat errcode in Chinese and English (unknown codes get a generic sentence). */
  'errcode/explain': { args: { errcode: number }; result: ErrcodeExplanation };

  // setup checks
  /**
   * decrypt: decrypts `sample` (or the newest stored push) with the saved Token/EncodingAESKey;
   * componentToken: obtains a component_access_token with the saved AppSecret and newest ticket;
   * relay: reaches the relay's /healthz and authenticates with the desk key.
   */
  'setup/test': { args: { check: SetupCheck; sample?: SamplePush }; result: SetupCheckResult };
  /** Backs the database up into <data folder>/backups/ (SQLite online backup, a 0600 file); reports the path. */
  'setup/backup': { args: NoArgs; result: SetupBackupResult };
}

export type ApiMethod = keyof ApiContract;
export type ApiArgs<M extends ApiMethod> = ApiContract[M]['args'];
export type ApiResult<M extends ApiMethod> = ApiContract[M]['result'];

/** Every method name, at run time (the router and tests check it against the handler map and schemas). */
export const API_METHODS = [
  'app/info',
  'settings/get',
  'settings/set',
  'shell/openExternal',
  'platform/list',
  'platform/get',
  'platform/save',
  'platform/select',
  'platform/delete',
  'dashboard/get',
  'relay/refusals',
  'events/list',
  'events/get',
  'events/rerun',
  'authorizers/list',
  'authorizers/get',
  'authorizers/sync',
  'authorizers/export',
  'authorizers/getOption',
  'authorizers/setOption',
  'authorizers/checkRefreshToken',
  'auth/createLink',
  'auth/listLinks',
  'apilog/list',
  'errcode/explain',
  'setup/test',
  'setup/backup',
] as const satisfies readonly ApiMethod[];

// Compile-time check that API_METHODS lists every method exactly (a missing one makes this `false`).
type MissingFromList = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allMethodsListed: [MissingFromList] extends [never] ? true : false = true;
void _allMethodsListed;

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------- events (main → UI)

export interface AppEvents {
  /** A new event was stored (pushed via the relay, or made locally). */
  'event:new': EventSummary;
  /** A stored event changed (its handling note after an asynchronous effect, a re-run): replace it where shown. */
  'event:updated': EventSummary;
  /** The relay connection changed state. */
  'relay:state': RelayStatus & { componentAppid: string };
  /** Progress of authorizers/sync. */
  'sync:progress': { phase: 'list' | 'details' | 'done'; done: number; total: number };
  /** Progress of authorizers/export. */
  'export:progress': { done: number; total: number };
  /** An account finished authorizing (authorized / updateauthorized push, or the redirect landing). */
  'auth:completed': { linkId: string | null; authorizerAppid: string; nickName: string | null; kind: AuthorizerKind | null };
  /** An authorization link changed status (completed, or expired unused): the link as now stored. */
  'link:changed': AuthLink;
  /** The selected platform changed (or its configuration was saved). */
  'platform:changed': { selectedAppid: string | null };
  /** Something the operator should know now (missed tickets, relay auth failure, insecure secret storage, …). */
  'alert:new': {
    level: 'info' | 'warning' | 'error';
    code: string;
    message: string;
    messageZh?: string;
    at: number;
    /** Names the condition (e.g. `token_refresh_failed:component`) so 'alert:resolved' can clear it; default: code. */
    key?: string;
  };
  /** The condition behind an earlier alert with this key is over (e.g. a token refresh worked again, a ticket came). */
  'alert:resolved': { code: string; key: string; at: number };
}

export type AppEventName = keyof AppEvents;

export const APP_EVENTS = [
  'event:new',
  'event:updated',
  'relay:state',
  'sync:progress',
  'export:progress',
  'auth:completed',
  'link:changed',
  'platform:changed',
  'alert:new',
  'alert:resolved',
] as const satisfies readonly AppEventName[];

type MissingEvents = Exclude<AppEventName, (typeof APP_EVENTS)[number]>;
const _allEventsListed: [MissingEvents] extends [never] ? true : false = true;
void _allEventsListed;

export function isAppEventName(name: unknown): name is AppEventName {
  return typeof name === 'string' && (APP_EVENTS as readonly string[]).includes(name);
}

/** One event as sent over the wire (IPC channel payload, or a WebSocket text frame in console mode). */
export interface AppEventMessage<E extends AppEventName = AppEventName> {
  event: E;
  payload: AppEvents[E];
}

// ---------------------------------------------------------------- what the renderer sees

/**
 * `window.api` in Electron (from the preload), and the same shape built over HTTP + WebSocket in console mode.
 * `invoke` never rejects for API errors: it resolves to the envelope. `on` returns an unsubscribe function.
 */
export interface WindowApi {
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiEnvelope<ApiResult<M>>>;
  on<E extends AppEventName>(event: E, callback: (payload: AppEvents[E]) => void): () => void;
}

// ---------------------------------------------------------------- wire constants

/** Electron IPC channel for invoke (one channel; the method travels inside). */
export const IPC_INVOKE_CHANNEL = 'wxopen:invoke';
/** Electron IPC channel for events (main → renderer), payload AppEventMessage. */
export const IPC_EVENT_CHANNEL = 'wxopen:event';
/** Console mode: the header that carries the session token on POST /api/<method>. */
export const SESSION_TOKEN_HEADER = 'x-wxopen-token';
/** Console mode: the query parameter that carries the session token in the page URL and the /events WebSocket URL. */
export const SESSION_TOKEN_PARAM = 'token';
/** Console mode: the API path prefix (POST /api/<domain>/<verb>). */
export const HTTP_API_PREFIX = '/api/';
/** Console mode: the WebSocket path for events. */
export const HTTP_EVENTS_PATH = '/events';
