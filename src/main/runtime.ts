/**
 * What the console's services need from the engine (authorization lifecycle, inbox pipeline, relay client, token
 * manager) for ONE platform. The engine (./engine.ts) implements `PlatformRuntime`; the entry points (Electron main,
 * console mode) hand `createPlatformEngine` to the services' host as its `PlatformRuntimeFactory`. Services and the
 * IPC router only ever see these interfaces, so tests can plug in a fake, and neither side imports the other.
 */
import type { BatchRunner } from './batch/runner';
import type { MpRegistration } from './mp/register';
import type { AuditBook } from './mp/audits';
import type { EndpointSpec } from '../wechat/spec';
import type {
  AppEventName,
  AppEvents,
  AuthType,
  AuthorizerOptionName,
  OpenAlert,
  RefreshTokenHealth,
  RelayRefusals,
  RelayStatus,
  SamplePush,
  SetupCheckResult,
  SyncResult,
} from '../shared/contract';
import type { AuthLink, EventRecord } from '../shared/domain';
import type { Store } from './store';

/** The parts of the store the services read. */
export type ConsoleStore = Pick<Store, 'platforms' | 'tickets' | 'tokens' | 'authorizers' | 'authLinks' | 'events' | 'apiLog' | 'settings'>;

/** Sends an event to every connected UI (Electron window and/or console-mode WebSockets). */
export type EmitEvent = <E extends AppEventName>(event: E, payload: AppEvents[E]) => void;

/** Live state the store does not hold, for the dashboard. */
export interface RuntimeStatus {
  relay: RelayStatus;
  /** How often WeChat pushes component_verify_ticket (600 000 ms in production; the demo pushes every 30 s). */
  ticketIntervalMs: number;
  /** Alerts raised and not resolved since (absent: none tracked). */
  alerts?: OpenAlert[];
}

/** The outcome of one setup check; the service adds `check` and `durationMs`. */
export type SetupCheckOutcome = Omit<SetupCheckResult, 'check' | 'durationMs'>;

/** Options of `PlatformRuntime.createAuthLink` (the args of `auth/createLink`). */
export interface CreateAuthLinkOptions {
  authType: AuthType;
  bizAppid?: string;
  categoryIds?: string;
}

/** Progress callback of `syncAuthorizers`; feeds the 'sync:progress' event. */
export type SyncProgress = (progress: AppEvents['sync:progress']) => void;

/**
 * One running platform: its relay connection, token manager and inbox pipeline.
 * Methods that talk to WeChat throw the API client's error (with a numeric `errcode`, `errmsg`, optional `rid` and
 * `path`) when WeChat refuses; the router turns that into a `wechat_error` envelope with the explanation.
 * Other failures should be `ServiceError` (src/main/errors.ts) so the user sees a clear code and sentence.
 */
export interface PlatformRuntime {
  /** The platform (component) appid this runtime serves. */
  readonly componentAppid: string;
  /** Where WeChat API calls go (https://api.weixin.qq.com, or the simulator's URL); absent: the default. */
  readonly apiBaseUrl?: string;
  /** The store the runtime writes to (shared with the services, which read from it). */
  readonly store: ConsoleStore;
  /** Live status for the dashboard: relay connection state and the expected ticket interval. */
  status(): RuntimeStatus;
  /** Gets a pre_auth_code and stores a new authorization link (PC + mobile URLs; relay start page if a relay is set). */
  createAuthLink(opts: CreateAuthLinkOptions): Promise<AuthLink>;
  /** Pulls WeChat's authorizer list and each account's details into the store, reporting progress. */
  syncAuthorizers(onProgress: SyncProgress): Promise<SyncResult>;
  /** Runs a stored event through the inbox pipeline again; resolves to the event as now stored. */
  rerunEvent(id: number): Promise<EventRecord>;
  /** Decrypts `sample` (or the newest stored push when absent) with the saved Token and EncodingAESKey. */
  testDecrypt(sample?: SamplePush): Promise<SetupCheckOutcome>;
  /** Obtains a component_access_token with the saved AppSecret and the newest ticket. */
  testComponentToken(): Promise<SetupCheckOutcome>;
  /** Reaches the relay (healthz) and authenticates with the desk key. */
  testRelay(): Promise<SetupCheckOutcome>;
  /** Reads an authorizer option (location_report, voice_recognize, customer_service); WeChat returns a string. */
  getAuthorizerOption(appid: string, optionName: AuthorizerOptionName): Promise<string>;
  /** Sets an authorizer option. */
  setAuthorizerOption(appid: string, optionName: AuthorizerOptionName, optionValue: string): Promise<void>;
  /** Tests the stored refresh token by obtaining an authorizer token with it; records the outcome in the store. */
  checkRefreshToken(appid: string): Promise<RefreshTokenHealth>;
  /** The relay's latest refusals summary, or null before one arrived (absent: a runtime without a relay link). */
  relayRefusals?(): RelayRefusals | null;
  /**
   * Calls any WeChat API with the right token: the authorizer's (appid given) or the platform's (appid null). The
   * call goes through the client: retries, token refresh, the API log.
   */
  invokeAs<Req, Res>(spec: EndpointSpec<Req, Res>, appid: string | null, req: Req): Promise<Res>;
  /** Batch runs of this platform (one change applied to many accounts). */
  readonly batch: BatchRunner;
  /** Registration tasks of mini programs (absent: a runtime without them, e.g. a test fake). */
  readonly mpRegister?: MpRegistration;
  /** Mini-program code audits: submitted by the console, decided by pushes or polls (src/main/mp/audits.ts). */
  readonly audits: AuditBook;
  /** Disconnects from the relay, stops timers. Idempotent. Does not close the store. */
  stop(): Promise<void>;
}

/** Everything a `PlatformRuntimeFactory` gets. */
export interface CreatePlatformRuntimeOptions {
  store: Store;
  componentAppid: string;
  /** Where events for the UI go ('event:new', 'event:updated', 'relay:state', 'auth:completed', 'alert:new', …). */
  emit: EmitEvent;
  /**
   * Base URL of the WeChat API: https://api.weixin.qq.com in production, the simulator's URL in the demo sandbox.
   */
  apiBaseUrl: string;
  /** Expected component_verify_ticket interval (ms); default 600 000. The demo passes 30 000. */
  ticketIntervalMs?: number;
}

/** Builds one platform's runtime; the entry points pass `createPlatformEngine` (src/main/engine.ts). */
export type PlatformRuntimeFactory = (options: CreatePlatformRuntimeOptions) => Promise<PlatformRuntime>;
