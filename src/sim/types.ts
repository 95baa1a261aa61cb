/** The simulator's public option and record types (src/sim/index.ts re-exports them). */
import type { AccountKind } from './accounts';
import type { PushRecord } from './pushes/delivery';

export interface SimulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Listen address; loopback by default. */
  host?: string;
  componentAppid?: string;
  componentSecret?: string;
  token?: string;
  encodingAesKey?: string;
  /** 授权事件接收URL: tickets and authorization events. */
  authEventUrl?: string | null;
  /** 消息与事件接收URL; `$APPID$` is replaced by the authorizer appid. */
  messageUrl?: string | null;
  /** Seconds between ticket pushes (default 600); 0 turns the timer off. The first ticket is pushed at start. */
  ticketIntervalSeconds?: number;
  /** Push a ticket right after start (default true). */
  pushTicketAtStart?: boolean;
  /** Accounts already authorized (default 20): even index official account, odd index mini program. */
  accounts?: number;
  /** Accounts offered on the authorization page, not yet authorized (default 5). */
  candidates?: number;
  /** The platform's IP whitelist; empty or absent: any IP. */
  allowIps?: string[];
  /** Seed for the deterministic accounts (default "wxopen-sim"). */
  seed?: string;
  /** How long a superseded token keeps working (default 300 s). */
  tokenGraceSeconds?: number;
  /** api_authorizer_token returns a new refresh token and invalidates the old one (default false). */
  rotateRefreshTokens?: boolean;
  /** Daily call limits by API path (e.g. {"/cgi-bin/component/api_query_auth": 3}). */
  dailyQuota?: Record<string, number>;
  /** Daily limit for paths not in dailyQuota (default 100000; api_component_token defaults to 2000). */
  defaultDailyQuota?: number;
  /** Per-minute limits by API path (45011). */
  minuteQuota?: Record<string, number>;
  pushTimeoutMs?: number;
  pushMaxAttempts?: number;
  pushRetryDelayMs?: number;
  /** Log lines (no secrets). Default: none. */
  log?: (line: string) => void;
}

/** The settings in force (options with their defaults; some can change after start). */
export type SimSettings = Required<
  Omit<SimulatorOptions, 'port' | 'host' | 'componentAppid' | 'componentSecret' | 'token' | 'encodingAesKey' | 'authEventUrl' | 'messageUrl' | 'log'>
> & {
  authEventUrl: string | null;
  messageUrl: string | null;
};

export interface SimulatorConfig {
  url: string;
  componentAppid: string;
  componentSecret: string;
  token: string;
  encodingAesKey: string;
}

export interface FaultRule {
  /** API path, exact (e.g. /cgi-bin/component/api_query_auth) or "*" for every API. */
  path: string;
  /** Share (0..1) of calls answered {"errcode":-1}. */
  systemErrorShare?: number;
  /** Share (0..1) of calls answered 45009. */
  quotaErrorShare?: number;
  /** Added latency before answering. */
  latencyMs?: number;
  /** Only calls made with these accounts' tokens (checked after the token; without it, every caller). */
  appids?: string[];
  /** Answer this errcode (e.g. 48001) for `errorShare` of the matching calls (default: all of them). */
  errcode?: number;
  errorShare?: number;
}

export interface FaultSettings {
  rules?: FaultRule[];
  /** Share (0..1) of pushes silently dropped (recorded with outcome "dropped"). */
  dropPushShare?: number;
}

export interface ApiCallRecord {
  rid: string;
  at: number;
  method: string;
  path: string;
  ip: string;
  errcode: number;
  ms: number;
  /** The appid the call was made for (component or authorizer), when the token said so. */
  appid: string | null;
}

export interface CustomMessageRecord {
  at: number;
  appid: string;
  touser: string;
  msgtype: string;
  /** text.content for text messages. */
  content: string | null;
  body: Record<string, unknown>;
  /** The auth code whose api_query_auth produced the access token used, if that is how it was obtained. */
  tokenFromAuthCode: string | null;
  tokenSource: 'query_auth' | 'refresh';
}

/** A template message the simulator accepted (message/template/send). */
export interface TemplateMessageRecord {
  at: number;
  appid: string;
  touser: string;
  templateId: string;
  msgid: number;
  body: Record<string, unknown>;
  /** Set when the TEMPLATESENDJOBFINISH push is sent. */
  finishStatus: string | null;
}

export interface AuthorizeResult {
  appid: string;
  infoType: 'authorized' | 'updateauthorized';
  authCode: string;
  authCodeExpiresAt: number;
  refreshToken: string;
  /** Resolves when the push to the auth-event URL is done (all attempts). */
  push: Promise<PushRecord>;
}

export interface UserMessageInput {
  appid: string;
  /** Defaults to a deterministic simulated user of that account. */
  openid?: string;
  msgType?: 'text' | 'event';
  content?: string;
  /** subscribe, unsubscribe, CLICK, VIEW, LOCATION, SCAN, … */
  event?: string;
  eventKey?: string;
  latitude?: number;
  longitude?: number;
  precision?: number;
  /** Extra elements for the inner XML. */
  extra?: Record<string, string | number>;
}

export interface FastRegisterInput {
  status?: number;
  msg?: string;
  name?: string;
  code?: string;
  codeType?: number;
  legalPersonaWechat?: string;
  legalPersonaName?: string;
  componentPhone?: string;
  /** Personal registration: info carries wxuser and idname instead. */
  personal?: { wxuser: string; idname: string };
  /** Finish this personal task (fastregisterpersonalweapp?action=create answered it): its wxuser, idname and taskid. */
  taskid?: string;
}

/** Finish a trial (beta) registration: notify_third_fastregisterbetaapp; status 0 creates and authorizes it. */
export interface FastRegisterBetaInput {
  uniqueId: string;
  status?: number;
  msg?: string;
}

/** Finish a trial mini program's verification (verifybetaweapp): notify_third_fastverifybetaapp. */
export interface FastVerifyBetaInput {
  appid: string;
  status?: number;
  msg?: string;
}

export interface ReleaseCaseResult {
  name: 'event_location' | 'text_passive' | 'text_api';
  passed: boolean;
  reason: string;
  reply?: string;
}

export interface ReleaseGroupResult {
  group: number;
  appid: string;
  userName: string;
  kind: AccountKind;
  passed: boolean;
  cases: ReleaseCaseResult[];
}

export interface ReleaseCheckResult {
  passed: boolean;
  groups: ReleaseGroupResult[];
}

export interface ReleaseCheckOptions {
  /** 1..5, or "all" (default 1). */
  group?: number | 'all';
  /** Which test account of the group: the official account (default), the mini program, or both. */
  accounts?: 'oa' | 'mp' | 'both';
  /** How long to wait for the custom/send call of the API case (default 10 s). */
  apiTimeoutMs?: number;
}
