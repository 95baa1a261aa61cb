/**
 * A faithful local WeChat for a third-party platform: the component and authorizer APIs at WeChat's own paths, encrypted
 * pushes, the authorization pages, and the full-network release check (reference §0–§5, §8–§10).
 *
 * State lives in memory. The clock is real time plus an offset that tests advance, and every lifetime is judged by it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { MsgCrypt, decodeAesKey, randomAlnum } from '../main/wechat/crypto';
import { buildXml, type XmlInputObject } from '../main/wechat/xml';
import {
  MP_FUNC_IDS,
  OA_FUNC_IDS,
  RELEASE_TEST_GROUPS,
  hashHex,
  seededProfile,
  testGroupProfiles,
  userOpenid,
  type AccountKind,
  type AccountProfile,
} from './accounts';
import { ApiError, errorBody, newRid } from './errors';
import { renderAuthPage, renderErrorPage, type AuthPageAccount, type AuthPageParams } from './pages';
import { buildPushRequest, deliver, withQuery, type PushKind, type PushRecord, type PushSettings } from './push';

// ---------------------------------------------------------------------------------------------------------------------
// Options and public types

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

// ---------------------------------------------------------------------------------------------------------------------
// Internal state types

interface ComponentTokenRec {
  token: string;
  issuedAt: number;
  expiresAt: number;
  supersededAt: number | null;
}

interface AuthorizerTokenRec {
  token: string;
  appid: string;
  issuedAt: number;
  expiresAt: number;
  supersededAt: number | null;
  revoked: boolean;
  source: 'query_auth' | 'refresh';
  authCode: string | null;
}

interface Authorization {
  appid: string;
  /** '' for seeded accounts until first read (computing 100k HMACs at start would slow it down). */
  refreshToken: string;
  authTime: number;
  funcIds: number[];
  generation: number;
}

interface CodeRec {
  expiresAt: number;
  used: boolean;
}
interface AuthCodeRec extends CodeRec {
  appid: string;
}

interface AuditRec {
  auditid: number;
  status: number;
  reason: string;
  screenshot: string;
  userVersion: string;
  userDesc: string;
  submitTime: number;
  released: boolean;
}

interface MpState {
  commit: { templateId: string; userVersion: string; userDesc: string; extJson: string } | null;
  audits: AuditRec[];
}

interface RidRec {
  invoke_time: number;
  cost_in_ms: number;
  request_url: string;
  request_body: string;
  response_body: string;
  client_ip: string;
}

type Principal = { kind: 'component'; appid: string } | { kind: 'authorizer'; appid: string; tokenRec: AuthorizerTokenRec } | { kind: 'none'; appid: string };

interface ApiCtx {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  principal: Principal;
  ip: string;
}

type AuthMode = 'none' | 'component' | 'authorizer' | 'any';
interface Route {
  auth: AuthMode;
  ipCheck: boolean;
  handler: (ctx: ApiCtx) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

const TICKET_LIFE_S = 12 * 3600;
const TOKEN_LIFE_S = 7200;
const PRE_AUTH_LIFE_S = 600;
const AUTH_CODE_REDIRECT_S = 600;
/** The push says about CreateTime + 3600 (reference §2.2); the simulator honours that. */
const AUTH_CODE_LIFE_S = 3600;
const CLEARS_PER_MONTH = 10;
const MAX_RECORDS = 10_000;
const OPTION_VALUES: Record<string, string[]> = { location_report: ['0', '1', '2'], voice_recognize: ['0', '1'], customer_service: ['0', '1'] };
/** The header every /__sim/ control request must carry with the value 1 (lower case: Node's header keys). */
export const SIM_CONTROL_HEADER = 'x-wxopen-sim';
/** Headers for fetch() calls to the control endpoints. */
export const SIM_CONTROL_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [SIM_CONTROL_HEADER]: '1' });

const MENU_TYPES = new Set([
  'click', 'view', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select',
  'media_id', 'view_limited', 'article_id', 'article_view_limited', 'miniprogram',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function str(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A required body field: appid-ish → 41002, secret-ish → 41004, anything else → 47001 naming it. */
function need(body: Record<string, unknown>, name: string): string {
  const v = str(body, name);
  if (v !== undefined) return v;
  if (/appid$/.test(name)) throw new ApiError(41002, `appid missing: ${name}`);
  if (/secret$/.test(name)) throw new ApiError(41004, `appsecret missing: ${name}`);
  throw new ApiError(47001, `data format error: ${name} missing`);
}

function normaliseIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function generatedConfig(): Omit<SimulatorConfig, 'url'> {
  return {
    componentAppid: `wx${randomBytes(8).toString('hex')}`,
    componentSecret: randomBytes(16).toString('hex'),
    token: randomAlnum(32),
    encodingAesKey: randomBytes(32).toString('base64').slice(0, 43),
  };
}

/** Deterministic fractional shares: with share s, exactly floor(n*s) of n calls are hit, evenly spread. */
class ShareCounter {
  private acc = new Map<string, number>();
  hit(key: string, share: number | undefined): boolean {
    if (!share || share <= 0) return false;
    const next = (this.acc.get(key) ?? 0) + Math.min(share, 1);
    if (next >= 1 - 1e-9) {
      this.acc.set(key, next - 1);
      return true;
    }
    this.acc.set(key, next);
    return false;
  }
  clear(): void {
    this.acc.clear();
  }
}

// ---------------------------------------------------------------------------------------------------------------------

export class Simulator {
  readonly config: SimulatorConfig;
  readonly crypt: MsgCrypt;
  private server: Server;
  private readonly opts: Required<Omit<SimulatorOptions, 'port' | 'host' | 'componentAppid' | 'componentSecret' | 'token' | 'encodingAesKey' | 'authEventUrl' | 'messageUrl' | 'log'>> & {
    authEventUrl: string | null;
    messageUrl: string | null;
  };
  private readonly log: (line: string) => void;
  private ticketTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly stopPushes = new AbortController();
  private readonly routes: Record<string, Route>;

  // State (reset() rebuilds it)
  private clockOffsetMs = 0;
  private tickets: { value: string; issuedAt: number }[] = [];
  private componentTokens = new Map<string, ComponentTokenRec>();
  private authorizerTokens = new Map<string, AuthorizerTokenRec>();
  private preAuthCodes = new Map<string, CodeRec>();
  private authCodes = new Map<string, AuthCodeRec>();
  private profileIndex = new Map<string, number>();
  private extraProfiles = new Map<string, AccountProfile>();
  private authorizations = new Map<string, Authorization>();
  /** Authorized appids in the order api_get_authorizer_list pages through them. */
  private authorizedOrder: string[] = [];
  private options = new Map<string, Record<string, string>>();
  private menus = new Map<string, { button: unknown[]; menuid: number }>();
  private mpStates = new Map<string, MpState>();
  private quotaUsage = new Map<string, number>();
  private minuteUsage = new Map<string, number>();
  private clearCounts = new Map<string, number>();
  private rids = new Map<string, RidRec>();
  private calls: ApiCallRecord[] = [];
  private pushes: PushRecord[] = [];
  private customMessages: CustomMessageRecord[] = [];
  private faults: FaultSettings = {};
  private shares = new ShareCounter();
  private counter = 0;
  private pushSeq = 0;
  private templates = [
    { create_time: 1700000000, user_version: 'v1.0.0', user_desc: '首个版本 first release', template_id: 1, template_type: 0 },
    { create_time: 1710000000, user_version: 'v1.1.0', user_desc: '商城模板 store template', template_id: 2, template_type: 0 },
    { create_time: 1720000000, user_version: 'v2.0.0', user_desc: '标准模板 standard template', template_id: 3, template_type: 1 },
  ];

  constructor(options: SimulatorOptions = {}) {
    const gen = generatedConfig();
    const creds = {
      componentAppid: options.componentAppid ?? gen.componentAppid,
      componentSecret: options.componentSecret ?? gen.componentSecret,
      token: options.token ?? gen.token,
      encodingAesKey: options.encodingAesKey ?? gen.encodingAesKey,
    };
    decodeAesKey(creds.encodingAesKey);
    this.config = { url: '', ...creds };
    this.crypt = new MsgCrypt({ token: creds.token, encodingAesKey: creds.encodingAesKey, appid: creds.componentAppid });
    const count = (v: number | undefined, d: number, name: string, max: number) => {
      const n = v ?? d;
      if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`${name} must be an integer 0..${max} (got ${v})`);
      return n;
    };
    for (const ip of options.allowIps ?? []) if (!isIP(ip)) throw new RangeError(`allowIps: "${ip}" is not an IP address`);
    this.opts = {
      authEventUrl: options.authEventUrl ?? null,
      messageUrl: options.messageUrl ?? null,
      ticketIntervalSeconds: count(options.ticketIntervalSeconds, 600, 'ticketIntervalSeconds', 86400),
      pushTicketAtStart: options.pushTicketAtStart ?? true,
      accounts: count(options.accounts, 20, 'accounts', 1_000_000),
      candidates: count(options.candidates, 5, 'candidates', 10_000),
      allowIps: options.allowIps ?? [],
      seed: options.seed ?? 'wxopen-sim',
      tokenGraceSeconds: count(options.tokenGraceSeconds, 300, 'tokenGraceSeconds', 7200),
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
      dailyQuota: { '/cgi-bin/component/api_component_token': 2000, ...options.dailyQuota },
      defaultDailyQuota: options.defaultDailyQuota ?? 100_000,
      minuteQuota: options.minuteQuota ?? {},
      pushTimeoutMs: options.pushTimeoutMs ?? 5000,
      pushMaxAttempts: options.pushMaxAttempts ?? 3,
      pushRetryDelayMs: options.pushRetryDelayMs ?? 500,
    };
    this.log = options.log ?? (() => {});
    this.routes = this.buildRoutes();
    this.seedState();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log(`sim: internal error on ${req.method} ${req.url?.split('?')[0]}: ${(err as Error).message}`);
        if (!res.headersSent) sendJson(res, 500, errorBody(-1, newRid()));
        else res.end();
      });
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    (this.config as { url: string }).url = `http://${h}:${addr.port}`;
    if (this.opts.pushTicketAtStart) this.track(this.pushTicket());
    this.startTicketTimer();
  }

  get url(): string {
    return this.config.url;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticketTimer) clearInterval(this.ticketTimer);
    this.stopPushes.abort();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // In-flight pushes end at their own timeout; don't leave them dangling past close.
    await Promise.allSettled([...this.inflight]);
  }

  // --- settings that may change after start -------------------------------------------------------------------------

  setAuthEventUrl(url: string | null): void {
    this.opts.authEventUrl = url ? checkUrl(url, 'authEventUrl') : null;
  }
  setMessageUrl(url: string | null): void {
    this.opts.messageUrl = url ? checkUrl(url, 'messageUrl') : null;
  }
  setAllowIps(ips: string[]): void {
    for (const ip of ips) if (!isIP(ip)) throw new RangeError(`allowIps: "${ip}" is not an IP address`);
    this.opts.allowIps = [...ips];
  }
  setQuota(q: { dailyQuota?: Record<string, number>; minuteQuota?: Record<string, number>; defaultDailyQuota?: number }): void {
    if (q.dailyQuota) this.opts.dailyQuota = { ...this.opts.dailyQuota, ...q.dailyQuota };
    if (q.minuteQuota) this.opts.minuteQuota = { ...this.opts.minuteQuota, ...q.minuteQuota };
    if (q.defaultDailyQuota !== undefined) this.opts.defaultDailyQuota = q.defaultDailyQuota;
  }
  setTokenGraceSeconds(s: number): void {
    this.opts.tokenGraceSeconds = s;
  }
  setRotateRefreshTokens(on: boolean): void {
    this.opts.rotateRefreshTokens = on;
  }
  setFaults(f: FaultSettings): void {
    for (const r of f.rules ?? []) {
      if (typeof r.path !== 'string' || !r.path) throw new RangeError('each fault rule needs a path (or "*")');
      for (const k of ['systemErrorShare', 'quotaErrorShare'] as const) {
        const v = r[k];
        if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw new RangeError(`${k} must be a number 0..1`);
      }
      if (r.latencyMs !== undefined && (typeof r.latencyMs !== 'number' || r.latencyMs < 0 || r.latencyMs > 60_000)) {
        throw new RangeError('latencyMs must be 0..60000');
      }
    }
    if (f.dropPushShare !== undefined && (typeof f.dropPushShare !== 'number' || f.dropPushShare < 0 || f.dropPushShare > 1)) {
      throw new RangeError('dropPushShare must be a number 0..1');
    }
    this.faults = { rules: f.rules ?? [], dropPushShare: f.dropPushShare ?? 0 };
    this.shares.clear();
  }
  getSettings() {
    return {
      authEventUrl: this.opts.authEventUrl,
      messageUrl: this.opts.messageUrl,
      ticketIntervalSeconds: this.opts.ticketIntervalSeconds,
      allowIps: this.opts.allowIps,
      tokenGraceSeconds: this.opts.tokenGraceSeconds,
      rotateRefreshTokens: this.opts.rotateRefreshTokens,
      dailyQuota: this.opts.dailyQuota,
      defaultDailyQuota: this.opts.defaultDailyQuota,
      minuteQuota: this.opts.minuteQuota,
      faults: this.faults,
      accounts: this.opts.accounts,
      candidates: this.opts.candidates,
      seed: this.opts.seed,
    };
  }

  // --- clock --------------------------------------------------------------------------------------------------------

  /** The simulator clock in ms. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }
  private nowS(): number {
    return Math.floor(this.now() / 1000);
  }
  /** Move the simulator clock forward; returns the new time (ms). */
  advanceClock(seconds: number): number {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a number ≥ 0');
    this.clockOffsetMs += seconds * 1000;
    return this.now();
  }

  // --- state and inspection -----------------------------------------------------------------------------------------

  /** Forget everything and re-seed (settings and the listening port stay). */
  reset(): void {
    this.clockOffsetMs = 0;
    this.tickets = [];
    this.componentTokens.clear();
    this.authorizerTokens.clear();
    this.preAuthCodes.clear();
    this.authCodes.clear();
    this.profileIndex.clear();
    this.extraProfiles.clear();
    this.authorizations.clear();
    this.authorizedOrder = [];
    this.options.clear();
    this.menus.clear();
    this.mpStates.clear();
    this.quotaUsage.clear();
    this.minuteUsage.clear();
    this.clearCounts.clear();
    this.rids.clear();
    this.calls = [];
    this.pushes = [];
    this.customMessages = [];
    this.faults = {};
    this.shares.clear();
    this.seedState();
  }

  private seedState(): void {
    const { accounts, candidates, seed } = this.opts;
    const base = this.nowS() - 86400 * 30;
    for (let i = 0; i < accounts + candidates; i++) {
      const appid = `wx${hashHex(seed, 'account', i).slice(0, 16)}`;
      this.profileIndex.set(appid, i);
      if (i < accounts) {
        // Even index: official account, odd: mini program (as seededProfile decides).
        const funcIds = i % 2 === 0 ? OA_FUNC_IDS : MP_FUNC_IDS;
        this.authorizations.set(appid, { appid, refreshToken: '', authTime: base + i * 7, funcIds, generation: 0 });
        this.authorizedOrder.push(appid);
      }
    }
    for (const p of testGroupProfiles(seed)) this.extraProfiles.set(p.appid, p);
  }

  /** The authorization's current refresh token (seeded ones are derived on first use). */
  private rt(a: Authorization): string {
    if (!a.refreshToken) a.refreshToken = this.refreshTokenFor(a.appid, a.generation);
    return a.refreshToken;
  }

  private refreshTokenFor(appid: string, generation: number): string {
    const mac = createHmac('sha256', this.opts.seed).update(`${appid}:${generation}`).digest('base64url');
    return `refreshtoken@@@${mac.slice(0, 43)}`;
  }

  profile(appid: string): AccountProfile | undefined {
    const extra = this.extraProfiles.get(appid);
    if (extra) return this.localImages(extra);
    const i = this.profileIndex.get(appid);
    return i === undefined ? undefined : this.localImages(seededProfile(this.opts.seed, i));
  }

  /** Image URLs point at the simulator itself (same paths as WeChat's CDNs) so pages and consoles work offline. */
  private localImages(p: AccountProfile): AccountProfile {
    const local = (u: string) => u.replace(/^https?:\/\/[^/]+/, this.config.url);
    return { ...p, headImg: local(p.headImg), qrcodeUrl: local(p.qrcodeUrl) };
  }

  /** Candidates offered on the authorization page (seeded candidates not yet authorized, in seed order). */
  candidateProfiles(): AccountProfile[] {
    const out: AccountProfile[] = [];
    for (let i = this.opts.accounts; i < this.opts.accounts + this.opts.candidates; i++) out.push(this.localImages(seededProfile(this.opts.seed, i)));
    return out;
  }

  /** Seeded authorized account `index` (0-based): official accounts at even, mini programs at odd indexes. */
  seededAccount(index: number): AccountProfile {
    return this.localImages(seededProfile(this.opts.seed, index));
  }

  testGroups() {
    return RELEASE_TEST_GROUPS.map((g) => ({
      ...g,
      oaOpenid: this.extraProfiles.get(g.oa.appid)?.testOpenid,
      mpOpenid: this.extraProfiles.get(g.mp.appid)?.testOpenid,
    }));
  }

  isAuthorized(appid: string): boolean {
    return this.authorizations.has(appid);
  }

  authorizer(appid: string) {
    const p = this.profile(appid);
    if (!p) return null;
    const a = this.authorizations.get(appid);
    return {
      ...p,
      authorized: !!a,
      refreshToken: a ? this.rt(a) : null,
      authTime: a?.authTime ?? null,
      grantedFuncIds: a?.funcIds ?? [],
      latestAccessToken: a ? this.latestAuthorizerToken(appid)?.token ?? null : null,
    };
  }

  listAuthorizers(offset = 0, count = 100) {
    const slice = this.authorizedOrder.slice(offset, offset + count);
    return { total: this.authorizedOrder.length, list: slice.map((appid) => this.authorizer(appid)!) };
  }

  tokens() {
    const now = this.now();
    const status = (r: { expiresAt: number; supersededAt: number | null; revoked?: boolean }) =>
      r.revoked ? 'revoked' : r.expiresAt <= now ? 'expired' : r.supersededAt !== null && r.supersededAt + this.opts.tokenGraceSeconds * 1000 <= now ? 'superseded' : 'valid';
    return {
      now,
      tickets: this.tickets.map((t) => ({ ...t, valid: now - t.issuedAt < TICKET_LIFE_S * 1000 })),
      componentTokens: [...this.componentTokens.values()].map((r) => ({ ...r, status: status(r) })),
      authorizerTokens: [...this.authorizerTokens.values()].map((r) => ({ ...r, status: status(r) })),
      preAuthCodes: [...this.preAuthCodes.entries()].map(([code, r]) => ({ code, ...r })),
      authCodes: [...this.authCodes.entries()].map(([code, r]) => ({ code, ...r })),
    };
  }

  latestTicket(): string | null {
    return this.tickets.at(-1)?.value ?? null;
  }

  getPushes(filter: { kind?: PushKind; type?: string; appid?: string } = {}): PushRecord[] {
    return this.pushes.filter((p) => (!filter.kind || p.kind === filter.kind) && (!filter.type || p.type === filter.type) && (!filter.appid || p.appid === filter.appid));
  }
  getCustomMessages(appid?: string): CustomMessageRecord[] {
    return appid ? this.customMessages.filter((m) => m.appid === appid) : [...this.customMessages];
  }
  getCalls(path?: string): ApiCallRecord[] {
    return path ? this.calls.filter((c) => c.path === path) : [...this.calls];
  }
  summary() {
    return {
      now: this.now(),
      clockOffsetMs: this.clockOffsetMs,
      componentAppid: this.config.componentAppid,
      authorizedCount: this.authorizedOrder.length,
      candidates: this.candidateProfiles().map((p) => ({ appid: p.appid, kind: p.kind, nickName: p.nickName, authorized: this.isAuthorized(p.appid) })),
      latestTicketAt: this.tickets.at(-1)?.issuedAt ?? null,
      pushes: this.pushes.length,
      calls: this.calls.length,
      customMessages: this.customMessages.length,
      settings: this.getSettings(),
    };
  }

  // --- tickets and pushes -------------------------------------------------------------------------------------------

  private startTicketTimer(): void {
    if (this.opts.ticketIntervalSeconds > 0) {
      this.ticketTimer = setInterval(() => this.track(this.pushTicket()), this.opts.ticketIntervalSeconds * 1000);
      this.ticketTimer.unref();
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Issue a new component_verify_ticket and push it to the auth-event URL. */
  pushTicket(): Promise<PushRecord> {
    const value = `ticket@@@${randomBytes(32).toString('base64url')}`;
    this.tickets.push({ value, issuedAt: this.now() });
    if (this.tickets.length > 200) this.tickets.shift();
    return this.pushComponent('component_verify_ticket', { ComponentVerifyTicket: value });
  }

  private pushComponent(infoType: string, fields: XmlInputObject, appid: string | null = null): Promise<PushRecord> {
    const plaintext = buildXml({ AppId: this.config.componentAppid, CreateTime: this.nowS(), InfoType: infoType, ...fields });
    return this.push('component', infoType, appid, this.opts.authEventUrl, plaintext, {});
  }

  private push(kind: PushKind, type: string, appid: string | null, url: string | null, plaintext: string, extra: { toUserName?: string; openid?: string }): Promise<PushRecord> {
    const record: PushRecord = { id: ++this.pushSeq, kind, type, appid, url, plaintext, createdAt: this.now(), attempts: [], outcome: 'pending' };
    this.pushes.push(record);
    if (this.pushes.length > MAX_RECORDS) this.pushes.shift();
    if (!url) {
      record.outcome = 'no_url';
      record.reason = kind === 'component' ? 'no auth-event URL configured' : 'no message URL configured';
      this.log(`push #${record.id} ${kind} ${type}${appid ? ` ${appid}` : ''}: not sent (${record.reason})`);
      return Promise.resolve(record);
    }
    if (this.shares.hit('push', this.faults.dropPushShare)) {
      record.outcome = 'dropped';
      record.reason = 'dropped by fault injection';
      this.log(`push #${record.id} ${kind} ${type}${appid ? ` ${appid}` : ''}: dropped (fault injection)`);
      return Promise.resolve(record);
    }
    // Real time in the query: receivers check it against their own clock (the simulator clock only judges lifetimes).
    const { query, body } = buildPushRequest(this.crypt, plaintext, {
      kind,
      nowSeconds: Math.floor(Date.now() / 1000),
      componentAppid: this.config.componentAppid,
      ...extra,
    });
    const settings: PushSettings = { timeoutMs: this.opts.pushTimeoutMs, maxAttempts: this.opts.pushMaxAttempts, retryDelayMs: this.opts.pushRetryDelayMs };
    return this.track(
      deliver(record, { url: withQuery(url, query), body }, settings, this.crypt, this.stopPushes.signal).then((r) => {
        this.log(`push #${r.id} ${kind} ${type}${appid ? ` ${appid}` : ''}: ${r.outcome} after ${r.attempts.length} attempt(s)${r.reason ? ` (${r.reason})` : ''}`);
        return r;
      }),
    );
  }

  // --- authorization ------------------------------------------------------------------------------------------------

  /**
   * Authorize (or re-authorize) an account as the approval page does: a new refresh token supersedes the old one, an
   * auth code is issued, and the authorized/updateauthorized push goes out.
   */
  authorize(appid: string, opts: { funcIds?: number[]; preAuthCode?: string; push?: boolean } = {}): AuthorizeResult {
    const p = this.profile(appid);
    if (!p) throw new RangeError(`unknown account ${appid}`);
    const prev = this.authorizations.get(appid);
    const generation = prev ? prev.generation + 1 : Math.max(1, this.counter++ + 1);
    const funcIds = opts.funcIds && opts.funcIds.length ? [...opts.funcIds] : [...p.funcIds];
    const auth: Authorization = { appid, refreshToken: this.refreshTokenFor(appid, generation + 1000 * this.counter++), authTime: this.nowS(), funcIds, generation };
    this.authorizations.set(appid, auth);
    if (!prev) this.authorizedOrder.push(appid);
    const authCode = this.issueAuthCode(appid);
    const rec = this.authCodes.get(authCode)!;
    const infoType = prev ? 'updateauthorized' : 'authorized';
    const push =
      opts.push === false
        ? Promise.resolve(null as unknown as PushRecord)
        : this.pushComponent(
            infoType,
            {
              AuthorizerAppid: appid,
              AuthorizationCode: authCode,
              AuthorizationCodeExpiredTime: Math.floor(rec.expiresAt / 1000),
              PreAuthCode: opts.preAuthCode ?? '',
            },
            appid,
          );
    this.log(`${infoType}: ${appid} (${p.kind === 'oa' ? 'official account' : 'mini program'})`);
    return { appid, infoType, authCode, authCodeExpiresAt: rec.expiresAt, refreshToken: this.rt(auth), push };
  }

  private issueAuthCode(appid: string): string {
    const code = `queryauthcode@@@${randomBytes(30).toString('base64url')}`;
    this.authCodes.set(code, { appid, expiresAt: this.now() + AUTH_CODE_LIFE_S * 1000, used: false });
    return code;
  }

  /** Cancel an authorization: tokens stop working, the refresh token gives 61023, and the unauthorized push goes out. */
  unauthorize(appid: string): { appid: string; push: Promise<PushRecord> } {
    if (!this.authorizations.has(appid)) throw new RangeError(`${appid} is not authorized`);
    this.authorizations.delete(appid);
    const i = this.authorizedOrder.indexOf(appid);
    if (i >= 0) this.authorizedOrder.splice(i, 1);
    for (const t of this.authorizerTokens.values()) if (t.appid === appid) t.revoked = true;
    this.log(`unauthorized: ${appid}`);
    return { appid, push: this.pushComponent('unauthorized', { AuthorizerAppid: appid }, appid) };
  }

  /** Push a notify_third_fasteregister result (§2.3); on status 0 a new mini program is authorized. */
  fastRegister(input: FastRegisterInput = {}): { appid: string | null; authCode: string | null; push: Promise<PushRecord> } {
    const status = input.status ?? 0;
    let appid: string | null = null;
    let authCode: string | null = null;
    const name = input.name ?? '深圳市新注册科技有限公司';
    if (status === 0) {
      const h = hashHex(this.opts.seed, 'fastregister', this.counter++, Date.now());
      appid = `wx${h.slice(0, 16)}`;
      this.extraProfiles.set(appid, {
        ...seededProfile(this.opts.seed, 1),
        appid,
        nickName: `${name.replace(/有限公司$/, '')}小程序`,
        principalName: name,
        userName: `gh_${h.slice(16, 28)}`,
        verifyType: -1,
      });
      authCode = this.authorize(appid, { push: false }).authCode;
    }
    const info: XmlInputObject = input.personal
      ? { wxuser: input.personal.wxuser, idname: input.personal.idname, component_phone: input.componentPhone ?? '' }
      : {
          name,
          code: input.code ?? '91440300MA5FXXXXXX',
          code_type: input.codeType ?? 1,
          legal_persona_wechat: input.legalPersonaWechat ?? 'legal_wx_001',
          legal_persona_name: input.legalPersonaName ?? '张三',
          component_phone: input.componentPhone ?? '',
        };
    const fields: XmlInputObject = { appid: appid ?? '', status, auth_code: authCode ?? '', msg: input.msg ?? (status === 0 ? 'OK' : 'open verity failed'), info };
    return { appid, authCode, push: this.pushComponent('notify_third_fasteregister', fields, appid) };
  }

  // --- authorizer messages ------------------------------------------------------------------------------------------

  /** Push a user message or event for an authorizer to the message URL; resolves with the record (reply included). */
  sendUserMessage(input: UserMessageInput): Promise<PushRecord> {
    const p = this.profile(input.appid);
    if (!p) throw new RangeError(`unknown account ${input.appid}`);
    const openid = input.openid ?? p.testOpenid ?? userOpenid(this.opts.seed, p.appid);
    const msgType = input.msgType ?? (input.event ? 'event' : 'text');
    if (msgType !== 'text' && msgType !== 'event') throw new RangeError('msgType must be "text" or "event"');
    if (input.extra !== undefined && (typeof input.extra !== 'object' || input.extra === null || Array.isArray(input.extra))) throw new RangeError('extra must be an object of element names to values');
    const fields: XmlInputObject = { ToUserName: p.userName, FromUserName: openid, CreateTime: this.nowS(), MsgType: msgType };
    if (msgType === 'text') {
      fields.Content = input.content ?? '你好';
      fields.MsgId = String(BigInt(this.nowS()) * 1_000_000n + BigInt(++this.counter % 1_000_000));
    } else {
      if (!input.event) throw new RangeError('an event message needs event');
      fields.Event = input.event;
      if (input.event === 'LOCATION') {
        fields.Latitude = String(input.latitude ?? 22.543099);
        fields.Longitude = String(input.longitude ?? 114.057868);
        fields.Precision = String(input.precision ?? 65.0);
      } else if (input.eventKey !== undefined || ['CLICK', 'VIEW', 'SCAN'].includes(input.event)) {
        fields.EventKey = input.eventKey ?? '';
      }
    }
    for (const [k, v] of Object.entries(input.extra ?? {})) fields[k] = v;
    const type = msgType === 'event' ? `event/${input.event}` : msgType;
    const url = this.opts.messageUrl ? this.opts.messageUrl.split('$APPID$').join(p.appid) : null;
    return this.push('authorizer', type, p.appid, url, buildXml(fields), { toUserName: p.userName, openid });
  }

  /** Decide the latest audit of a mini program and push weapp_audit_success / weapp_audit_fail / weapp_audit_delay. */
  auditResult(appid: string, result: 'success' | 'fail' | 'delay', reason = '小程序内容不符合规范'): Promise<PushRecord> {
    const p = this.profile(appid);
    if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    const audit = this.mp(appid).audits.at(-1);
    // Status numbers as /wxa/get_auditstatus reports them: 0 approved, 1 rejected, 4 delayed.
    if (audit) {
      audit.status = result === 'success' ? 0 : result === 'fail' ? 1 : 4;
      audit.reason = result === 'success' ? '' : reason;
      audit.screenshot = result === 'fail' ? 'xxx|yyy' : '';
    }
    const t = this.nowS();
    const extra: Record<string, string | number> =
      result === 'success' ? { SuccTime: t } : result === 'fail' ? { Reason: reason, FailTime: t, ScreenShot: 'xxx|yyy' } : { Reason: reason, DelayTime: t };
    return this.sendUserMessage({ appid, openid: userOpenid(this.opts.seed, appid, 'system'), msgType: 'event', event: `weapp_audit_${result}`, extra });
  }

  private mp(appid: string): MpState {
    let s = this.mpStates.get(appid);
    if (!s) this.mpStates.set(appid, (s = { commit: null, audits: [] }));
    return s;
  }

  // --- full-network release check (§5.4) ----------------------------------------------------------------------------

  async releaseCheck(options: ReleaseCheckOptions = {}): Promise<ReleaseCheckResult> {
    const which = options.group ?? 1;
    if (which !== 'all' && (!Number.isInteger(which) || which < 1 || which > 5)) throw new RangeError('group must be 1..5 or "all"');
    const kinds: AccountKind[] = options.accounts === 'both' ? ['oa', 'mp'] : [options.accounts ?? 'oa'];
    const groups = which === 'all' ? RELEASE_TEST_GROUPS : RELEASE_TEST_GROUPS.filter((g) => g.group === which);
    const out: ReleaseGroupResult[] = [];
    for (const g of groups) {
      for (const kind of kinds) {
        const profile = this.extraProfiles.get(g[kind].appid)!;
        const cases = [
          await this.passiveCase(profile, 'event_location', { event: 'LOCATION' }, 'LOCATIONfrom_callback'),
          await this.passiveCase(profile, 'text_passive', { content: 'TESTCOMPONENT_MSG_TYPE_TEXT' }, 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'),
          await this.apiCase(profile, options.apiTimeoutMs ?? 10_000),
        ];
        for (const c of cases) this.log(`release-check group ${g.group} ${profile.appid} ${c.name}: ${c.passed ? 'pass' : `FAIL: ${c.reason}`}`);
        out.push({ group: g.group, appid: profile.appid, userName: profile.userName, kind, passed: cases.every((c) => c.passed), cases });
      }
    }
    return { passed: out.every((g) => g.passed), groups: out };
  }

  private async passiveCase(p: AccountProfile, name: ReleaseCaseResult['name'], msg: { event?: string; content?: string }, expected: string): Promise<ReleaseCaseResult> {
    const rec = await this.sendUserMessage({ appid: p.appid, openid: p.testOpenid, ...msg });
    const fail = (reason: string): ReleaseCaseResult => ({ name, passed: false, reason, reply: rec.reply });
    if (rec.outcome === 'no_url') return fail('no message URL configured');
    if (rec.outcome === 'failed' || rec.outcome === 'dropped') return fail(`the push failed: ${rec.reason}`);
    if (rec.outcome === 'bad_reply') return fail(`the reply was refused: ${rec.reason}`);
    if (rec.outcome !== 'reply') return fail(`expected a passive text reply "${expected}", got an empty body or "success"`);
    const f = rec.replyFields ?? {};
    if (f.MsgType !== 'text') return fail(`reply MsgType is "${f.MsgType ?? ''}", expected "text"`);
    if (f.Content !== expected) return fail(`reply Content is "${f.Content ?? ''}", expected "${expected}"`);
    if (f.ToUserName !== p.testOpenid) return fail(`reply ToUserName is "${f.ToUserName ?? ''}", expected the user's openid "${p.testOpenid}" (From/To swapped)`);
    if (f.FromUserName !== p.userName) return fail(`reply FromUserName is "${f.FromUserName ?? ''}", expected the account "${p.userName}" (From/To swapped)`);
    return { name, passed: true, reason: `replied "${expected}"`, reply: rec.reply };
  }

  private async apiCase(p: AccountProfile, timeoutMs: number): Promise<ReleaseCaseResult> {
    const name = 'text_api' as const;
    const code = this.authorize(p.appid, { push: false }).authCode;
    const since = this.customMessages.length;
    const rec = await this.sendUserMessage({ appid: p.appid, openid: p.testOpenid, content: `QUERY_AUTH_CODE:${code}` });
    if (rec.outcome === 'no_url') return { name, passed: false, reason: 'no message URL configured' };
    if (rec.outcome === 'failed' || rec.outcome === 'dropped') return { name, passed: false, reason: `the push failed: ${rec.reason}` };
    if (rec.outcome !== 'success') {
      const what = rec.outcome === 'reply' ? `a reply with Content "${rec.replyFields?.Content ?? ''}"` : `an invalid reply (${rec.reason})`;
      return { name, passed: false, reason: `expected an empty reply at once, got ${what}`, reply: rec.reply };
    }
    const expected = `${code}_from_api`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const msgs = this.customMessages.slice(since).filter((m) => m.appid === p.appid);
      const good = msgs.find((m) => m.content === expected && m.touser === p.testOpenid && m.tokenFromAuthCode === code);
      if (good) return { name, passed: true, reason: `custom/send "${expected}" arrived with a token from api_query_auth` };
      if (Date.now() >= deadline || this.closed) {
        const m = msgs[0];
        if (!m) return { name, passed: false, reason: `no custom/send for ${p.appid} within ${timeoutMs} ms (expected content "${expected}")` };
        if (m.content !== expected) return { name, passed: false, reason: `custom/send content was "${m.content ?? `(${m.msgtype})`}", expected "${expected}"` };
        if (m.touser !== p.testOpenid) return { name, passed: false, reason: `custom/send touser was "${m.touser}", expected the sender "${p.testOpenid}"` };
        return { name, passed: false, reason: 'custom/send used an access token not obtained through api_query_auth with the code from the message' };
      }
      await sleep(50);
    }
  }

  // --- HTTP ---------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/' && method === 'GET') {
      return sendJson(res, 200, { simulator: 'wxopen WeChat simulator', componentAppid: this.config.componentAppid, help: '/__sim/help', controlHeader: 'X-Wxopen-Sim: 1' });
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' && (path.startsWith('/mmopen/') || path.startsWith('/mmbiz_jpg/'))) {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }).end(placeholderImage(path));
      return;
    }
    if (path.startsWith('/__sim/')) return this.handleControl(req, res, method, path, url.searchParams);
    if (path === '/cgi-bin/componentloginpage' || path === '/safe/bindcomponent' || path === '/wxaopen/safe/bindcomponent') {
      if (method !== 'GET') return sendHtml(res, 405, renderErrorPage('请使用 GET 打开授权页。', 'Open the authorization page with GET.'));
      return this.authPage(res, url.searchParams);
    }
    if (path === '/cgi-bin/componentloginpage/approve') {
      if (method !== 'POST') return sendHtml(res, 405, renderErrorPage('请通过授权页的按钮提交。', 'Submit with the button on the authorization page.'));
      return this.approve(req, res);
    }
    const route = this.routes[path];
    if (!route) {
      const rid = newRid();
      return sendJson(res, 404, errorBody(40066, rid, `invalid url: ${path} is not an API the simulator knows`));
    }
    return this.api(req, res, method, path, url, route);
  }

  private async api(req: IncomingMessage, res: ServerResponse, method: string, path: string, url: URL, route: Route): Promise<void> {
    const started = Date.now();
    const rid = newRid();
    const ip = normaliseIp(req.socket.remoteAddress);
    let raw = '';
    let out: Record<string, unknown>;
    let errcode = 0;
    let appid: string | null = null;
    try {
      raw = await readBody(req, 1024 * 1024);
      await this.applyFaults(path);
      let body: Record<string, unknown> = {};
      if (raw.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new ApiError(47001, 'data format error: the body is not valid JSON');
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(47001, 'data format error: the body must be a JSON object');
        body = parsed as Record<string, unknown>;
      }
      if (route.ipCheck && this.opts.allowIps.length > 0 && !this.opts.allowIps.includes(ip)) {
        throw new ApiError(61004, `access clientip is not registered requestIP: ${ip}`);
      }
      const principal = this.authenticate(route.auth, url.searchParams);
      appid = principal.appid;
      this.checkQuota(principal.appid, path);
      out = await route.handler({ method, path, query: url.searchParams, body, principal, ip });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      errcode = err.errcode;
      out = errorBody(err.errcode, rid, err.detail);
    }
    const text = JSON.stringify(out);
    const ms = Date.now() - started;
    this.calls.push({ rid, at: this.now(), method, path, ip, errcode, ms, appid });
    if (this.calls.length > MAX_RECORDS) this.calls.shift();
    this.rids.set(rid, { invoke_time: this.nowS(), cost_in_ms: ms, request_url: `${path}${url.search ? '?' + redactQuery(url.searchParams) : ''}`, request_body: redactBody(raw).slice(0, 4096), response_body: text.slice(0, 4096), client_ip: ip });
    if (this.rids.size > MAX_RECORDS) this.rids.delete(this.rids.keys().next().value!);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text);
  }

  private async applyFaults(path: string): Promise<void> {
    for (const r of this.faults.rules ?? []) {
      if (r.path !== '*' && r.path !== path) continue;
      if (r.latencyMs) await sleep(r.latencyMs);
      if (this.shares.hit(`err:${r.path}`, r.systemErrorShare)) throw new ApiError(-1);
      if (this.shares.hit(`quota:${r.path}`, r.quotaErrorShare)) throw new ApiError(45009);
    }
  }

  private authenticate(mode: AuthMode, q: URLSearchParams): Principal {
    if (mode === 'none') return { kind: 'none', appid: this.config.componentAppid };
    const token = mode === 'authorizer' ? q.get('access_token') : q.get('component_access_token') ?? q.get('access_token');
    if (!token) throw new ApiError(41001, mode === 'component' ? 'access_token missing (component_access_token or access_token)' : undefined);
    const now = this.now();
    const grace = this.opts.tokenGraceSeconds * 1000;
    if (mode !== 'authorizer') {
      const c = this.componentTokens.get(token);
      if (c) {
        if (c.expiresAt <= now) throw new ApiError(42001);
        if (c.supersededAt !== null && c.supersededAt + grace <= now) throw new ApiError(40001);
        return { kind: 'component', appid: this.config.componentAppid };
      }
      if (mode === 'component') throw new ApiError(this.authorizerTokens.has(token) ? 40001 : 40014);
    }
    const a = this.authorizerTokens.get(token);
    if (!a) throw new ApiError(this.componentTokens.has(token) ? 40001 : 40014);
    if (a.revoked || !this.authorizations.has(a.appid)) throw new ApiError(40001);
    if (a.expiresAt <= now) throw new ApiError(42001);
    if (a.supersededAt !== null && a.supersededAt + grace <= now) throw new ApiError(40001);
    return { kind: 'authorizer', appid: a.appid, tokenRec: a };
  }

  private dayKey(): string {
    return new Date(this.now() + 8 * 3600 * 1000).toISOString().slice(0, 10); // WeChat's days are Beijing days
  }
  private dailyLimit(path: string): number {
    return this.opts.dailyQuota[path] ?? this.opts.defaultDailyQuota;
  }
  private checkQuota(appid: string, path: string): void {
    const key = `${appid}|${path}|${this.dayKey()}`;
    const used = this.quotaUsage.get(key) ?? 0;
    if (used >= this.dailyLimit(path)) throw new ApiError(45009);
    const perMinute = this.opts.minuteQuota[path];
    if (perMinute !== undefined) {
      const mkey = `${appid}|${path}|${Math.floor(this.now() / 60000)}`;
      const m = this.minuteUsage.get(mkey) ?? 0;
      if (m >= perMinute) throw new ApiError(45011);
      this.minuteUsage.set(mkey, m + 1);
      if (this.minuteUsage.size > 50_000) this.minuteUsage.clear();
    }
    this.quotaUsage.set(key, used + 1);
  }

  // --- API handlers -------------------------------------------------------------------------------------------------

  private buildRoutes(): Record<string, Route> {
    const C = (handler: Route['handler']): Route => ({ auth: 'component', ipCheck: true, handler });
    const A = (handler: Route['handler']): Route => ({ auth: 'authorizer', ipCheck: true, handler });
    const ANY = (handler: Route['handler']): Route => ({ auth: 'any', ipCheck: true, handler });
    const ok = (extra: Record<string, unknown> = {}) => ({ errcode: 0, errmsg: 'ok', ...extra });
    return {
      '/cgi-bin/component/api_component_token': { auth: 'none', ipCheck: true, handler: (c) => this.apiComponentToken(c.body) },
      '/cgi-bin/component/api_start_push_ticket': {
        auth: 'none',
        ipCheck: false,
        handler: ({ body }) => {
          this.checkComponent(need(body, 'component_appid'));
          if (need(body, 'component_secret') !== this.config.componentSecret) throw new ApiError(40125);
          this.track(this.pushTicket());
          return ok();
        },
      },
      '/cgi-bin/component/api_create_preauthcode': C(({ body }) => {
        this.checkComponent(need(body, 'component_appid'));
        const code = `preauthcode@@@${randomBytes(30).toString('base64url')}`;
        this.preAuthCodes.set(code, { expiresAt: this.now() + PRE_AUTH_LIFE_S * 1000, used: false });
        return { pre_auth_code: code, expires_in: PRE_AUTH_LIFE_S };
      }),
      '/cgi-bin/component/api_query_auth': C(({ body }) => this.apiQueryAuth(body)),
      '/cgi-bin/component/api_authorizer_token': C(({ body }) => this.apiAuthorizerToken(body)),
      '/cgi-bin/component/api_get_authorizer_info': C(({ body }) => {
        this.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        const auth = this.requireAuthorized(appid);
        return { authorizer_info: this.authorizerInfo(this.profile(appid)!), authorization_info: { authorizer_appid: appid, authorizer_refresh_token: this.rt(auth), func_info: funcInfo(auth.funcIds) } };
      }),
      '/cgi-bin/component/api_get_authorizer_list': C(({ body }) => {
        this.checkComponent(need(body, 'component_appid'));
        const offset = body.offset === undefined ? 0 : Number(body.offset);
        const count = body.count === undefined ? 500 : Number(body.count);
        if (!Number.isInteger(offset) || offset < 0) throw new ApiError(47001, 'data format error: offset must be an integer ≥ 0');
        if (!Number.isInteger(count) || count < 1 || count > 500) throw new ApiError(47001, 'data format error: count must be an integer 1..500');
        const list = this.authorizedOrder.slice(offset, offset + count).map((appid) => {
          const a = this.authorizations.get(appid)!;
          return { authorizer_appid: appid, refresh_token: this.rt(a), auth_time: a.authTime };
        });
        return { total_count: this.authorizedOrder.length, list };
      }),
      '/cgi-bin/component/api_get_authorizer_option': C(({ body }) => {
        this.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        this.requireAuthorized(appid);
        const name = this.optionName(body);
        return { authorizer_appid: appid, option_name: name, option_value: this.optionsOf(appid)[name] };
      }),
      '/cgi-bin/component/api_set_authorizer_option': C(({ body }) => {
        this.checkComponent(need(body, 'component_appid'));
        const appid = need(body, 'authorizer_appid');
        this.requireAuthorized(appid);
        this.setOption(appid, body);
        return ok();
      }),
      '/cgi-bin/component/get_authorizer_option': A(({ body, principal }) => {
        const name = this.optionName(body);
        return ok({ option_name: name, option_value: this.optionsOf(principal.appid)[name] });
      }),
      '/cgi-bin/component/set_authorizer_option': A(({ body, principal }) => {
        this.setOption(principal.appid, body);
        return ok();
      }),
      '/cgi-bin/clear_quota': ANY(({ body, principal }) => {
        const appid = need(body, 'appid');
        if (appid !== principal.appid) throw new ApiError(40013, `invalid appid: ${appid} does not match the access token's account`);
        this.clearQuota(appid);
        return ok();
      }),
      '/cgi-bin/component/clear_quota/v2': {
        auth: 'none',
        ipCheck: false,
        handler: ({ body }) => {
          this.checkComponent(need(body, 'component_appid'));
          if (need(body, 'appsecret') !== this.config.componentSecret) throw new ApiError(40125);
          const target = str(body, 'appid') ?? this.config.componentAppid;
          if (target !== this.config.componentAppid) this.requireAuthorized(target);
          this.clearQuota(target);
          return ok();
        },
      },
      '/cgi-bin/openapi/quota/get': ANY(({ body, principal }) => {
        const cgi = this.cgiPath(body);
        const limit = this.dailyLimit(cgi);
        const used = this.quotaUsage.get(`${principal.appid}|${cgi}|${this.dayKey()}`) ?? 0;
        return ok({ quota: { daily_limit: limit, used, remain: Math.max(0, limit - used) } });
      }),
      '/cgi-bin/openapi/quota/clear': ANY(({ body, principal }) => {
        const cgi = this.cgiPath(body);
        this.quotaUsage.delete(`${principal.appid}|${cgi}|${this.dayKey()}`);
        return ok();
      }),
      '/cgi-bin/openapi/rid/get': ANY(({ body }) => {
        const rid = need(body, 'rid');
        const r = this.rids.get(rid);
        if (!r) throw new ApiError(76001, `rid not found: ${rid}`);
        return ok({ request: r });
      }),
      '/cgi-bin/message/custom/send': A(({ body, principal }) => this.customSend(body, principal)),
      '/cgi-bin/menu/create': A(({ body, principal }) => {
        this.requireKind(principal.appid, 'oa');
        const button = validateMenu(body);
        this.menus.set(principal.appid, { button, menuid: 400000000 + ++this.counter });
        return ok();
      }),
      '/cgi-bin/menu/get': A(({ principal }) => {
        this.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        if (!m) throw new ApiError(46003);
        return { menu: { button: m.button, menuid: m.menuid } };
      }),
      '/cgi-bin/menu/delete': A(({ principal }) => {
        this.requireKind(principal.appid, 'oa');
        this.menus.delete(principal.appid);
        return ok();
      }),
      '/cgi-bin/get_current_selfmenu_info': A(({ principal }) => {
        this.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        if (!m) return { is_menu_open: 0, selfmenu_info: { button: [] } };
        const conv = (b: Record<string, unknown>) =>
          Array.isArray(b.sub_button) ? { name: b.name, sub_button: { list: b.sub_button } } : { ...b };
        return { is_menu_open: 1, selfmenu_info: { button: (m.button as Record<string, unknown>[]).map(conv) } };
      }),
      '/wxa/gettemplatelist': C(({ query }) => {
        const t = query.get('template_type');
        return ok({ template_list: t === null ? this.templates : this.templates.filter((x) => String(x.template_type) === t) });
      }),
      '/wxa/commit': A(({ body, principal }) => {
        this.requireKind(principal.appid, 'mp');
        const templateId = need(body, 'template_id');
        if (!this.templates.some((t) => String(t.template_id) === templateId)) throw new ApiError(85014, `无效的模板编号 invalid template_id ${templateId}`);
        const extJson = body.ext_json === undefined ? '{}' : body.ext_json;
        if (typeof extJson !== 'string') throw new ApiError(85013, '无效的自定义配置: ext_json must be a JSON-encoded string');
        try {
          JSON.parse(extJson);
        } catch {
          throw new ApiError(85013, '无效的自定义配置: ext_json is not valid JSON');
        }
        this.mp(principal.appid).commit = { templateId, userVersion: need(body, 'user_version'), userDesc: need(body, 'user_desc'), extJson };
        return ok();
      }),
      '/wxa/submit_audit': A(({ body, principal }) => {
        this.requireKind(principal.appid, 'mp');
        const s = this.mp(principal.appid);
        if (!s.commit) throw new ApiError(85086);
        const items = body.item_list;
        if (items !== undefined && (!Array.isArray(items) || items.length < 1 || items.length > 5)) throw new ApiError(85023);
        if (s.audits.some((a) => a.status === 2)) throw new ApiError(85009);
        const auditid = 400_000_000 + ++this.counter;
        s.audits.push({ auditid, status: 2, reason: '', screenshot: '', userVersion: s.commit.userVersion, userDesc: s.commit.userDesc, submitTime: this.nowS(), released: false });
        return ok({ auditid });
      }),
      '/wxa/get_auditstatus': A(({ body, principal }) => {
        this.requireKind(principal.appid, 'mp');
        const id = Number(need(body, 'auditid'));
        const a = this.mp(principal.appid).audits.find((x) => x.auditid === id);
        if (!a) throw new ApiError(85012, `invalid audit id: auditid ${id} not found`);
        return ok({ status: a.status, reason: a.reason, screenshot: a.screenshot });
      }),
      '/wxa/get_latest_auditstatus': A(({ principal }) => {
        this.requireKind(principal.appid, 'mp');
        const a = this.mp(principal.appid).audits.at(-1);
        if (!a) throw new ApiError(85019);
        return ok({ auditid: a.auditid, status: a.status, reason: a.reason, screenshot: a.screenshot, user_version: a.userVersion, user_desc: a.userDesc, submit_audit_time: a.submitTime });
      }),
      '/wxa/release': A(({ principal }) => {
        this.requireKind(principal.appid, 'mp');
        const a = this.mp(principal.appid).audits.at(-1);
        if (!a) throw new ApiError(85019);
        if (a.released) throw new ApiError(85052);
        if (a.status !== 0) throw new ApiError(85020);
        a.released = true;
        return ok();
      }),
    };
  }

  private checkComponent(appid: string): void {
    if (appid !== this.config.componentAppid) throw new ApiError(40013, `invalid appid: ${appid} is not this platform's component_appid`);
  }

  private requireAuthorized(appid: string): Authorization {
    const a = this.authorizations.get(appid);
    if (!a) throw new ApiError(61003);
    return a;
  }

  private requireKind(appid: string, kind: AccountKind): void {
    if (this.profile(appid)?.kind !== kind) throw new ApiError(48001, kind === 'mp' ? 'api unauthorized: this API is for mini programs' : 'api unauthorized: this API is for official accounts');
  }

  private apiComponentToken(body: Record<string, unknown>): Record<string, unknown> {
    const appid = need(body, 'component_appid');
    const secret = need(body, 'component_appsecret');
    this.checkComponent(appid);
    if (secret !== this.config.componentSecret) throw new ApiError(40125);
    const value = str(body, 'component_verify_ticket');
    if (!value) throw new ApiError(61006, 'component ticket is invalid: component_verify_ticket missing');
    const ticket = this.tickets.find((t) => t.value === value);
    if (!ticket) throw new ApiError(61006);
    if (this.now() - ticket.issuedAt >= TICKET_LIFE_S * 1000) throw new ApiError(61005);
    const now = this.now();
    for (const r of this.componentTokens.values()) if (r.supersededAt === null) r.supersededAt = now;
    const token = randomToken();
    this.componentTokens.set(token, { token, issuedAt: now, expiresAt: now + TOKEN_LIFE_S * 1000, supersededAt: null });
    pruneTokens(this.componentTokens, now);
    return { component_access_token: token, expires_in: TOKEN_LIFE_S };
  }

  private apiQueryAuth(body: Record<string, unknown>): Record<string, unknown> {
    this.checkComponent(need(body, 'component_appid'));
    const code = need(body, 'authorization_code');
    const rec = this.authCodes.get(code);
    if (!rec) throw new ApiError(40029, 'invalid code: unknown authorization_code');
    if (rec.used) throw new ApiError(40029, 'invalid code: this authorization_code has already been used');
    if (rec.expiresAt <= this.now()) throw new ApiError(40029, 'invalid code: this authorization_code has expired');
    rec.used = true;
    const auth = this.requireAuthorized(rec.appid);
    const tok = this.issueAuthorizerToken(rec.appid, 'query_auth', code);
    return {
      authorization_info: {
        authorizer_appid: rec.appid,
        authorizer_access_token: tok.token,
        expires_in: TOKEN_LIFE_S,
        authorizer_refresh_token: this.rt(auth),
        func_info: funcInfo(auth.funcIds),
      },
    };
  }

  private apiAuthorizerToken(body: Record<string, unknown>): Record<string, unknown> {
    this.checkComponent(need(body, 'component_appid'));
    const appid = need(body, 'authorizer_appid');
    const refresh = need(body, 'authorizer_refresh_token');
    const auth = this.authorizations.get(appid);
    if (!auth || this.rt(auth) !== refresh) throw new ApiError(61023);
    if (this.opts.rotateRefreshTokens) auth.refreshToken = this.refreshTokenFor(appid, auth.generation + 1000 * ++this.counter);
    const tok = this.issueAuthorizerToken(appid, 'refresh', null);
    return { authorizer_access_token: tok.token, expires_in: TOKEN_LIFE_S, authorizer_refresh_token: this.rt(auth) };
  }

  private latestAuthorizerToken(appid: string): AuthorizerTokenRec | undefined {
    let latest: AuthorizerTokenRec | undefined;
    for (const t of this.authorizerTokens.values()) if (t.appid === appid && t.supersededAt === null && !t.revoked) latest = t;
    return latest;
  }

  private issueAuthorizerToken(appid: string, source: 'query_auth' | 'refresh', authCode: string | null): AuthorizerTokenRec {
    const now = this.now();
    for (const t of this.authorizerTokens.values()) if (t.appid === appid && t.supersededAt === null) t.supersededAt = now;
    const rec: AuthorizerTokenRec = { token: randomToken(), appid, issuedAt: now, expiresAt: now + TOKEN_LIFE_S * 1000, supersededAt: null, revoked: false, source, authCode };
    this.authorizerTokens.set(rec.token, rec);
    if (this.authorizerTokens.size > 50_000) pruneTokens(this.authorizerTokens, now);
    return rec;
  }

  private authorizerInfo(p: AccountProfile): Record<string, unknown> {
    const info: Record<string, unknown> = {
      nick_name: p.nickName,
      head_img: p.headImg,
      service_type_info: { id: p.serviceType },
      verify_type_info: { id: p.verifyType },
      user_name: p.userName,
      principal_name: p.principalName,
      alias: p.alias,
      qrcode_url: p.qrcodeUrl,
      business_info: { open_store: 0, open_scan: 0, open_pay: p.verifyType === 0 ? 1 : 0, open_card: 0, open_shake: 0 },
      account_status: 1,
      idc: 1,
      signature: p.signature,
      basic_config: { is_phone_configured: true, is_email_configured: true },
    };
    if (p.kind === 'mp') {
      info.register_type = 0;
      info.MiniProgramInfo = {
        network: {
          RequestDomain: ['https://api.example.com'],
          WsRequestDomain: ['wss://ws.example.com'],
          UploadDomain: ['https://upload.example.com'],
          DownloadDomain: ['https://cdn.example.com'],
          BizDomain: [],
          UDPDomain: [],
        },
        categories: [{ first: '工具', second: '效率' }],
        visit_status: 0,
      };
    }
    return info;
  }

  private optionName(body: Record<string, unknown>): string {
    const name = need(body, 'option_name');
    if (!(name in OPTION_VALUES)) throw new ApiError(40097, `invalid args: option_name must be one of ${Object.keys(OPTION_VALUES).join(', ')}`);
    return name;
  }
  private optionsOf(appid: string): Record<string, string> {
    let o = this.options.get(appid);
    if (!o) this.options.set(appid, (o = { location_report: '0', voice_recognize: '0', customer_service: '0' }));
    return o;
  }
  private setOption(appid: string, body: Record<string, unknown>): void {
    const name = this.optionName(body);
    const value = need(body, 'option_value');
    if (!OPTION_VALUES[name]!.includes(value)) throw new ApiError(40097, `invalid args: ${name} takes ${OPTION_VALUES[name]!.join(', ')}`);
    this.optionsOf(appid)[name] = value;
  }

  private clearQuota(appid: string): void {
    const month = this.dayKey().slice(0, 7);
    const key = `${appid}|${month}`;
    const n = this.clearCounts.get(key) ?? 0;
    if (n >= CLEARS_PER_MONTH) throw new ApiError(48006);
    this.clearCounts.set(key, n + 1);
    for (const k of [...this.quotaUsage.keys()]) if (k.startsWith(`${appid}|`)) this.quotaUsage.delete(k);
  }

  private cgiPath(body: Record<string, unknown>): string {
    const cgi = need(body, 'cgi_path');
    if (!this.routes[cgi]) throw new ApiError(76021);
    return cgi;
  }

  private customSend(body: Record<string, unknown>, principal: Principal): Record<string, unknown> {
    if (principal.kind !== 'authorizer') throw new ApiError(40001);
    const touser = need(body, 'touser');
    const msgtype = need(body, 'msgtype');
    const payload = body[msgtype];
    if (!payload || typeof payload !== 'object') throw new ApiError(47001, `data format error: ${msgtype} object missing`);
    let content: string | null = null;
    if (msgtype === 'text') {
      const c = (payload as Record<string, unknown>).content;
      if (typeof c !== 'string' || c === '') throw new ApiError(47001, 'data format error: text.content missing');
      content = c;
    }
    this.customMessages.push({
      at: this.now(),
      appid: principal.appid,
      touser,
      msgtype,
      content,
      body,
      tokenFromAuthCode: principal.tokenRec.authCode,
      tokenSource: principal.tokenRec.source,
    });
    if (this.customMessages.length > MAX_RECORDS) this.customMessages.shift();
    return { errcode: 0, errmsg: 'ok' };
  }

  // --- authorization pages ------------------------------------------------------------------------------------------

  private pageParams(q: URLSearchParams): AuthPageParams {
    return {
      component_appid: q.get('component_appid') ?? '',
      pre_auth_code: q.get('pre_auth_code') ?? '',
      redirect_uri: q.get('redirect_uri') ?? '',
      auth_type: q.get('auth_type') ?? '',
      biz_appid: q.get('biz_appid') ?? '',
      category_id_list: q.get('category_id_list') ?? '',
    };
  }

  /** Check the page parameters; returns an error page's text pair, or null when they are fine. */
  private pageProblem(p: AuthPageParams): [string, string] | null {
    if (!p.component_appid) return ['缺少 component_appid 参数。', 'component_appid is missing.'];
    if (p.component_appid !== this.config.componentAppid) return ['component_appid 不正确。', `component_appid ${p.component_appid} is not this platform.`];
    if (!p.redirect_uri || !/^https?:\/\//i.test(p.redirect_uri)) return ['redirect_uri 缺失或不是 http(s) 地址。', 'redirect_uri is missing or not an http(s) URL.'];
    if (!p.pre_auth_code) return ['缺少 pre_auth_code 参数。', 'pre_auth_code is missing.'];
    const code = this.preAuthCodes.get(p.pre_auth_code);
    if (!code) return ['预授权码无效，请重新发起授权。', 'The pre_auth_code is invalid: start the authorization again.'];
    if (code.used) return ['预授权码已被使用，请重新发起授权。', 'The pre_auth_code has already been used: start the authorization again.'];
    if (code.expiresAt <= this.now()) return ['预授权码已过期，请重新发起授权。', 'The pre_auth_code has expired (10 minutes): start the authorization again.'];
    if (p.auth_type && !/^[1-6]$/.test(p.auth_type)) return ['auth_type 参数不正确。', `auth_type ${p.auth_type} is not one of 1..6.`];
    if (p.category_id_list && !/^\d+(\|\d+)*$/.test(p.category_id_list)) return ['category_id_list 格式不正确。', 'category_id_list must be ids separated by "|".'];
    if (p.biz_appid && !this.profile(p.biz_appid)) return ['biz_appid 对应的账号不存在。', `No account ${p.biz_appid} exists.`];
    return null;
  }

  private pageAccounts(p: AuthPageParams): AuthPageAccount[] {
    const entry = (profile: AccountProfile): AuthPageAccount => ({ profile, alreadyAuthorized: this.isAuthorized(profile.appid) });
    if (p.biz_appid) return [entry(this.profile(p.biz_appid)!)]; // biz_appid wins over auth_type
    const kinds: AccountKind[] = p.auth_type === '1' ? ['oa'] : p.auth_type === '2' ? ['mp'] : ['oa', 'mp'];
    const list = this.candidateProfiles();
    // A few already-authorized accounts too, so the update-authorization path can be clicked.
    for (let i = 0; i < Math.min(2, this.authorizedOrder.length); i++) {
      const prof = this.profile(this.authorizedOrder[i]!);
      if (prof && !list.some((x) => x.appid === prof.appid)) list.push(prof);
    }
    return list.filter((x) => kinds.includes(x.kind)).map(entry);
  }

  private authPage(res: ServerResponse, q: URLSearchParams): void {
    const params = this.pageParams(q);
    const problem = this.pageProblem(params);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    sendHtml(res, 200, renderAuthPage({ platformName: this.config.componentAppid, params, accounts: this.pageAccounts(params), approvePath: '/cgi-bin/componentloginpage/approve' }));
  }

  private async approve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req, 64 * 1024));
    const params = this.pageParams(form);
    const problem = this.pageProblem(params);
    if (problem) return sendHtml(res, 400, renderErrorPage(...problem));
    const appid = form.get('appid') ?? form.get('approve') ?? '';
    if (!this.pageAccounts(params).some((a) => a.profile.appid === appid)) {
      return sendHtml(res, 400, renderErrorPage('该账号不能在此授权。', `Account ${appid} is not offered for these parameters.`));
    }
    const profile = this.profile(appid)!;
    let funcIds = profile.funcIds;
    if (params.category_id_list) {
      const wanted = new Set(params.category_id_list.split('|').map(Number));
      funcIds = funcIds.filter((id) => wanted.has(id));
      if (funcIds.length === 0) return sendHtml(res, 400, renderErrorPage('category_id_list 中没有该账号可授权的权限集。', 'category_id_list names none of the permission sets this account can grant.'));
    }
    this.preAuthCodes.get(params.pre_auth_code)!.used = true;
    const result = this.authorize(appid, { funcIds, preAuthCode: params.pre_auth_code });
    const target = params.redirect_uri + (params.redirect_uri.includes('?') ? '&' : '?') + `auth_code=${encodeURIComponent(result.authCode)}&expires_in=${AUTH_CODE_REDIRECT_S}`;
    res.writeHead(302, { location: target, 'content-type': 'text/html; charset=utf-8' }).end(`<a href="${target.replace(/"/g, '&quot;')}">continue</a>`);
  }

  // --- control endpoints (/__sim/) ----------------------------------------------------------------------------------

  private async handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string, q: URLSearchParams): Promise<void> {
    // A page on any site can make the browser post a form (or a no-cors fetch) to loopback; it cannot add a custom
    // header without a CORS preflight, which gets this same 403 and no Access-Control-Allow-* headers.
    if (req.headers[SIM_CONTROL_HEADER] !== '1') {
      return sendJson(res, 403, {
        error: `control endpoints need the header "X-Wxopen-Sim: 1" (a web page cannot send it cross-site); e.g. curl -H 'X-Wxopen-Sim: 1' ${this.url}/__sim/help`,
      });
    }
    let body: Record<string, unknown> = {};
    try {
      const raw = await readBody(req, 1024 * 1024);
      if (raw.trim()) {
        const parsed = JSON.parse(raw) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
        body = parsed as Record<string, unknown>;
      }
    } catch (err) {
      return sendJson(res, 400, { error: `bad JSON body: ${(err as Error).message}` });
    }
    const key = `${method} ${path}`;
    try {
      const result = await this.control(key, path, body, q);
      if (result === undefined) return sendJson(res, 404, { error: `unknown control endpoint ${key}; see GET /__sim/help` });
      sendJson(res, 200, result);
    } catch (err) {
      if (err instanceof RangeError || err instanceof TypeError) return sendJson(res, 400, { error: err.message });
      throw err;
    }
  }

  private async control(key: string, path: string, b: Record<string, unknown>, q: URLSearchParams): Promise<unknown> {
    const num = (v: unknown, name: string): number => {
      const n = typeof v === 'string' && v !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${name} must be a number`);
      return n;
    };
    const s = (v: unknown, name: string): string => {
      if (typeof v !== 'string' || !v) throw new RangeError(`${name} is required (a string)`);
      return v;
    };
    switch (key) {
      case 'GET /__sim/help':
        return { endpoints: CONTROL_HELP };
      case 'GET /__sim/state':
        return this.summary();
      case 'GET /__sim/config':
        return { ...this.config, ...this.getSettings() };
      case 'POST /__sim/config': {
        if ('authEventUrl' in b) this.setAuthEventUrl((b.authEventUrl as string | null) || null);
        if ('messageUrl' in b) this.setMessageUrl((b.messageUrl as string | null) || null);
        if ('allowIps' in b) {
          if (!Array.isArray(b.allowIps)) throw new RangeError('allowIps must be an array of IPs');
          this.setAllowIps(b.allowIps as string[]);
        }
        if ('tokenGraceSeconds' in b) this.setTokenGraceSeconds(num(b.tokenGraceSeconds, 'tokenGraceSeconds'));
        if ('rotateRefreshTokens' in b) this.setRotateRefreshTokens(b.rotateRefreshTokens === true);
        if ('dailyQuota' in b || 'minuteQuota' in b || 'defaultDailyQuota' in b) {
          this.setQuota({
            dailyQuota: b.dailyQuota as Record<string, number> | undefined,
            minuteQuota: b.minuteQuota as Record<string, number> | undefined,
            defaultDailyQuota: b.defaultDailyQuota === undefined ? undefined : num(b.defaultDailyQuota, 'defaultDailyQuota'),
          });
        }
        return this.getSettings();
      }
      case 'POST /__sim/clock/advance':
        return { now: this.advanceClock(num(b.seconds, 'seconds')) };
      case 'GET /__sim/clock':
        return { now: this.now(), offsetMs: this.clockOffsetMs };
      case 'POST /__sim/faults':
        this.setFaults(b as FaultSettings);
        return { faults: this.faults };
      case 'GET /__sim/tokens':
        return this.tokens();
      case 'GET /__sim/authorizers':
        return this.listAuthorizers(Number(q.get('offset') ?? 0), Math.min(1000, Number(q.get('count') ?? 100)));
      case 'GET /__sim/candidates':
        return { candidates: this.candidateProfiles().map((p) => ({ ...p, authorized: this.isAuthorized(p.appid) })) };
      case 'GET /__sim/test-groups':
        return { groups: this.testGroups() };
      case 'GET /__sim/pushes':
        return { pushes: this.getPushes({ kind: (q.get('kind') as PushKind) || undefined, type: q.get('type') || undefined, appid: q.get('appid') || undefined }) };
      case 'GET /__sim/messages':
        return { messages: this.getCustomMessages(q.get('appid') || undefined) };
      case 'GET /__sim/calls':
        return { calls: this.getCalls(q.get('path') || undefined) };
      case 'POST /__sim/ticket':
        return await this.pushTicket();
      case 'POST /__sim/authorize': {
        const funcIds = b.funcIds === undefined ? undefined : (b.funcIds as number[]);
        if (funcIds !== undefined && (!Array.isArray(funcIds) || funcIds.some((x) => !Number.isInteger(x)))) throw new RangeError('funcIds must be an array of integers');
        const r = this.authorize(s(b.appid, 'appid'), { funcIds, push: b.push !== false });
        const { push, ...rest } = r;
        return { ...rest, push: b.wait === false ? null : await push };
      }
      case 'POST /__sim/unauthorize': {
        const r = this.unauthorize(s(b.appid, 'appid'));
        return { appid: r.appid, push: b.wait === false ? null : await r.push };
      }
      case 'POST /__sim/message':
        return await this.sendUserMessage({
          appid: s(b.appid, 'appid'),
          openid: b.openid as string | undefined,
          msgType: b.msgType as 'text' | 'event' | undefined,
          content: b.content as string | undefined,
          event: b.event as string | undefined,
          eventKey: b.eventKey as string | undefined,
          latitude: b.latitude as number | undefined,
          longitude: b.longitude as number | undefined,
          precision: b.precision as number | undefined,
          extra: b.extra as Record<string, string | number> | undefined,
        });
      case 'POST /__sim/fastregister': {
        const r = this.fastRegister(b as FastRegisterInput);
        return { appid: r.appid, authCode: r.authCode, push: await r.push };
      }
      case 'POST /__sim/audit': {
        const result = b.result;
        if (result !== 'success' && result !== 'fail' && result !== 'delay') throw new RangeError('result must be "success", "fail" or "delay"');
        return await this.auditResult(s(b.appid, 'appid'), result, typeof b.reason === 'string' ? b.reason : undefined);
      }
      case 'POST /__sim/release-check':
        return await this.releaseCheck({
          group: b.group === undefined ? undefined : b.group === 'all' ? 'all' : num(b.group, 'group'),
          accounts: b.accounts as ReleaseCheckOptions['accounts'],
          apiTimeoutMs: b.apiTimeoutMs === undefined ? undefined : num(b.apiTimeoutMs, 'apiTimeoutMs'),
        });
      case 'POST /__sim/reset':
        this.reset();
        return { ok: true };
      default: {
        const m = /^GET \/__sim\/authorizers\/(wx[0-9A-Za-z]+)$/.exec(key);
        if (m) return this.authorizer(m[1]!) ?? (() => { throw new RangeError(`unknown account ${m[1]}`); })();
        void path;
        return undefined;
      }
    }
  }
}

const CONTROL_HELP = [
  'GET  /__sim/help',
  'GET  /__sim/state',
  'GET  /__sim/config | POST /__sim/config {authEventUrl?, messageUrl?, allowIps?, tokenGraceSeconds?, rotateRefreshTokens?, dailyQuota?, minuteQuota?, defaultDailyQuota?}',
  'GET  /__sim/clock | POST /__sim/clock/advance {seconds}',
  'POST /__sim/faults {rules:[{path, systemErrorShare?, quotaErrorShare?, latencyMs?}], dropPushShare?}',
  'GET  /__sim/tokens',
  'GET  /__sim/authorizers?offset&count | GET /__sim/authorizers/:appid | GET /__sim/candidates | GET /__sim/test-groups',
  'GET  /__sim/pushes?kind&type&appid | GET /__sim/messages?appid | GET /__sim/calls?path',
  'POST /__sim/ticket',
  'POST /__sim/authorize {appid, funcIds?, push?, wait?} | POST /__sim/unauthorize {appid, wait?}',
  'POST /__sim/message {appid, openid?, msgType?, content?, event?, eventKey?, latitude?, longitude?, precision?, extra?}',
  'POST /__sim/fastregister {status?, msg?, name?, code?, codeType?, legalPersonaWechat?, legalPersonaName?, componentPhone?, personal?}',
  'POST /__sim/audit {appid, result: "success"|"fail"|"delay", reason?}',
  'POST /__sim/release-check {group?: 1..5|"all", accounts?: "oa"|"mp"|"both", apiTimeoutMs?}',
  'POST /__sim/reset',
];

// ---------------------------------------------------------------------------------------------------------------------
// helpers

/** A coloured square standing in for an avatar or QR code; the colour comes from the path so it is stable. */
function placeholderImage(path: string): string {
  const hue = parseInt(hashHex(path).slice(0, 4), 16) % 360;
  const qr = path.startsWith('/mmbiz_jpg/');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 8 8"><rect width="8" height="8" fill="hsl(${hue},55%,${qr ? 90 : 55}%)"/>${
    qr ? '<path d="M1 1h2v2H1zM5 1h2v2H5zM1 5h2v2H1zM4 4h1v1H4zM6 5h1v2H6z" fill="#222"/>' : ''
  }</svg>`;
}

function funcInfo(ids: number[]) {
  return ids.map((id) => (id === 18 || id === 19 ? { funcscope_category: { id }, confirm_info: { need_confirm: 0, already_confirm: 0, can_confirm: 0 } } : { funcscope_category: { id } }));
}

function randomToken(): string {
  // Real tokens are ~150 chars of [A-Za-z0-9_-]; the length doesn't matter to clients, only opacity.
  return randomBytes(96).toString('base64url');
}

function pruneTokens<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  // Keep expired tokens for a day so their callers still get 42001, not 40014.
  for (const [k, v] of map) if (v.expiresAt + 86_400_000 < now) map.delete(k);
}

const SECRET_FIELDS = /"(component_appsecret|component_secret|appsecret|authorizer_refresh_token)"\s*:\s*"[^"]*"/g;

/** rid/get shows request bodies: keep secrets and refresh tokens out of them. */
function redactBody(raw: string): string {
  return raw.replace(SECRET_FIELDS, '"$1":"***"');
}

function redactQuery(q: URLSearchParams): string {
  const c = new URLSearchParams(q);
  for (const k of ['access_token', 'component_access_token']) if (c.has(k)) c.set(k, 'ACCESS_TOKEN');
  return c.toString();
}

function checkUrl(url: string, name: string): string {
  let u: URL;
  try {
    u = new URL(url.split('$APPID$').join('wx0000000000000000'));
  } catch {
    throw new RangeError(`${name} "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`${name} must be an http(s) URL`);
  return url;
}

/** Event button types that report a `key` (WeChat: "click等点击类型必须"). */
const KEY_TYPES = new Set(['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select']);

/**
 * Menu limits in UTF-8 bytes, as WeChat counts them (WxMenuButton: name 16/60, key 128, url 1024): a top-level fault
 * and the same fault in a sub-button have different codes (40018/40019/40020 vs 40025/40026/40027).
 */
function validateMenu(body: Record<string, unknown>): unknown[] {
  const buttons = body.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw new ApiError(40016, 'invalid button size: 1 to 3 top-level buttons');
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  const leaf = (b: Record<string, unknown>, sub: boolean) => {
    if (typeof b.type !== 'string' || !MENU_TYPES.has(b.type)) throw new ApiError(sub ? 40024 : 40017);
    if ((KEY_TYPES.has(b.type) && bytes(b.key) === 0) || bytes(b.key) > 128) throw new ApiError(sub ? 40026 : 40019);
    if (bytes(b.url) > 1024) throw new ApiError(sub ? 40027 : 40020);
    if (b.type === 'view' && (typeof b.url !== 'string' || !b.url)) throw new ApiError(47001, 'data format error: view button needs url');
    if (b.type === 'miniprogram' && (!b.url || !b.appid || !b.pagepath)) throw new ApiError(47001, 'data format error: miniprogram button needs url, appid and pagepath');
  };
  for (const raw of buttons) {
    const b = raw as Record<string, unknown>;
    if (!b || typeof b !== 'object' || bytes(b.name) === 0 || bytes(b.name) > 16) throw new ApiError(40018);
    if (b.sub_button !== undefined) {
      if (!Array.isArray(b.sub_button) || b.sub_button.length < 1 || b.sub_button.length > 5) throw new ApiError(40023);
      for (const rs of b.sub_button) {
        const sb = rs as Record<string, unknown>;
        if (!sb || typeof sb !== 'object' || bytes(sb.name) === 0 || bytes(sb.name) > 60) throw new ApiError(40025);
        leaf(sb, true);
      }
    } else leaf(b, false);
  }
  return buttons;
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new ApiError(47001, `data format error: body larger than ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

/** Start a simulator listening on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  if (options.authEventUrl) checkUrl(options.authEventUrl, 'authEventUrl');
  if (options.messageUrl) checkUrl(options.messageUrl, 'messageUrl');
  const sim = new Simulator(options);
  await sim.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sim;
}
