/**
 * Token lifecycle (reference §0, §3.5): the component_access_token and each authorizer_access_token are served from
 * storage while more than a margin remains, refreshed ahead of expiry by a timer, and refreshed at most once at a
 * time per token (concurrent callers share one request). Storage is passed in (the SQLite store implements it).
 */
import type { AuthorizationInfo } from '../../wechat/endpoints/component';
import { WeChatInputError, WeChatTransportError, withTokenRetry, type TokenSource, type WeChatClient } from '../api';

/** A token and when it stops working (epoch ms). */
export interface StoredToken {
  token: string;
  expiresAt: number;
}

/**
 * What the TokenManager needs from storage. Synchronous, because SQLite is.
 * Invalidation compares: it must clear the stored token only if it still equals `token`.
 */
export interface TokenStorage {
  /** The latest component_verify_ticket pushed by WeChat, or null if none has arrived yet. */
  getTicket(): string | null;
  getComponentToken(): StoredToken | null;
  saveComponentToken(token: StoredToken): void;
  invalidateComponentToken(token: string): void;
  getAuthorizerToken(authorizerAppid: string): StoredToken | null;
  saveAuthorizerToken(authorizerAppid: string, token: StoredToken): void;
  invalidateAuthorizerToken(authorizerAppid: string, token: string): void;
  getRefreshToken(authorizerAppid: string): string | null;
  saveRefreshToken(authorizerAppid: string, refreshToken: string): void;
}

/** No component_verify_ticket stored yet, so no component token can be requested. */
export class NoTicketError extends Error {
  override readonly name = 'NoTicketError';
  constructor() {
    super(
      'no component_verify_ticket yet: WeChat pushes one every 10 minutes to the 授权事件接收URL once the platform is ' +
        'set up; check that the relay is connected and its pushes decrypt, or call api_start_push_ticket to ask for one now',
    );
  }
}

/** No authorizer_refresh_token for this appid: it never authorized the platform here, or its authorization was dropped. */
export class NoRefreshTokenError extends Error {
  override readonly name = 'NoRefreshTokenError';
  constructor(readonly authorizerAppid: string) {
    super(
      `no authorizer_refresh_token for ${authorizerAppid}: the account has not authorized this platform (or the ` +
        'authorization was cancelled); send its admin an authorization link, then the token can be refreshed',
    );
  }
}

export type TokenTarget = { kind: 'component' } | { kind: 'authorizer'; appid: string };

export interface TokenManagerOptions {
  client: WeChatClient;
  storage: TokenStorage;
  componentAppid: string;
  /** The platform's AppSecret; a function lets the caller read it from the secret store only when needed. */
  componentSecret: string | (() => string);
  /** Refresh when less than this remains. Default 10 min. */
  marginMs?: number;
  /** How often the timer looks for tokens due for refresh. Default 60 s. */
  checkIntervalMs?: number;
  /** Clock (epoch ms). Injectable so expiry can be tested without sleeping. */
  now?: () => number;
  /** A timer-driven refresh failed (the next tick tries again; callers still get errors directly). */
  onRefreshError?: (err: unknown, target: TokenTarget) => void;
  /** A token was obtained from WeChat (no token value is passed). */
  onRefreshed?: (target: TokenTarget, expiresAt: number) => void;
}

export class TokenManager {
  private readonly client: WeChatClient;
  private readonly storage: TokenStorage;
  private readonly componentAppid: string;
  private readonly componentSecret: () => string;
  private readonly marginMs: number;
  private readonly checkIntervalMs: number;
  private readonly now: () => number;
  private readonly onRefreshError: ((err: unknown, target: TokenTarget) => void) | undefined;
  private readonly onRefreshed: ((target: TokenTarget, expiresAt: number) => void) | undefined;

  private componentInFlight: Promise<string> | null = null;
  private readonly authorizerInFlight = new Map<string, Promise<string>>();
  /** Authorizers whose tokens this process has used; the timer keeps these fresh. */
  private readonly warmAuthorizers = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  /** Token source for WeChatClient methods that take the component token. */
  readonly componentTokenSource: TokenSource;

  constructor(options: TokenManagerOptions) {
    if (!options.client) throw new WeChatInputError('TokenManager: client is required');
    if (!options.storage) throw new WeChatInputError('TokenManager: storage is required');
    if (typeof options.componentAppid !== 'string' || options.componentAppid.trim() === '') {
      throw new WeChatInputError('TokenManager: componentAppid is required (the platform appid, wx…)');
    }
    const secret = options.componentSecret;
    if (typeof secret !== 'function' && (typeof secret !== 'string' || secret.trim() === '')) {
      throw new WeChatInputError('TokenManager: componentSecret is required (the platform AppSecret, or a function returning it)');
    }
    const marginMs = options.marginMs ?? 10 * 60_000;
    if (!Number.isFinite(marginMs) || marginMs < 0) {
      throw new WeChatInputError(`TokenManager: marginMs must be ≥ 0 milliseconds, got ${marginMs}`);
    }
    const checkIntervalMs = options.checkIntervalMs ?? 60_000;
    if (!Number.isFinite(checkIntervalMs) || checkIntervalMs < 10) {
      throw new WeChatInputError(`TokenManager: checkIntervalMs must be ≥ 10 milliseconds, got ${checkIntervalMs}`);
    }
    this.client = options.client;
    this.storage = options.storage;
    this.componentAppid = options.componentAppid;
    this.componentSecret = typeof secret === 'function' ? secret : () => secret;
    this.marginMs = marginMs;
    this.checkIntervalMs = checkIntervalMs;
    this.now = options.now ?? Date.now;
    this.onRefreshError = options.onRefreshError;
    this.onRefreshed = options.onRefreshed;
    this.componentTokenSource = {
      appid: this.componentAppid,
      get: () => this.getComponentToken(),
      invalidate: (token) => this.invalidateComponentToken(token),
    };
  }

  // --- component token --------------------------------------------------------------------------------------------

  /** A component_access_token with more than the margin left, refreshing (once, shared) if needed. */
  getComponentToken(): Promise<string> {
    const stored = this.storage.getComponentToken();
    if (stored && stored.expiresAt - this.now() > this.marginMs) return Promise.resolve(stored.token);
    return this.refreshComponentToken().catch((err: unknown) => {
      // Inside the margin the old token still works: a failed early refresh must not fail the caller.
      const current = this.storage.getComponentToken();
      if (current && current.expiresAt > this.now()) {
        this.report(err, { kind: 'component' });
        return current.token;
      }
      throw err;
    });
  }

  /** Ask WeChat for a new component token now; joins a refresh already under way. */
  refreshComponentToken(): Promise<string> {
    if (this.componentInFlight) return this.componentInFlight;
    const flight = this.fetchComponentToken().finally(() => {
      if (this.componentInFlight === flight) this.componentInFlight = null;
    });
    this.componentInFlight = flight;
    return flight;
  }

  /** Throw away this component token if it is still the stored one (a newer token someone fetched is kept). */
  invalidateComponentToken(token: string): void {
    const stored = this.storage.getComponentToken();
    if (stored && stored.token === token) this.storage.invalidateComponentToken(token);
  }

  /** Run fn with the component token; on 40001/40014/42001 invalidate that token and run fn once more. */
  withComponentToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    return withTokenRetry(this.componentTokenSource, fn);
  }

  private async fetchComponentToken(): Promise<string> {
    const ticket = this.storage.getTicket();
    if (!ticket) throw new NoTicketError();
    const requestedAt = this.now();
    const res = await this.client.componentToken({
      component_appid: this.componentAppid,
      component_appsecret: this.componentSecret(),
      component_verify_ticket: ticket,
    });
    const token = requireString(res.component_access_token, 'api_component_token', 'component_access_token');
    // Count the lifetime from before the request, so the stored expiry is never later than WeChat's.
    const expiresAt = requestedAt + lifetimeSeconds(res.expires_in) * 1000;
    this.storage.saveComponentToken({ token, expiresAt });
    this.notifyRefreshed({ kind: 'component' }, expiresAt);
    return token;
  }

  // --- authorizer tokens ------------------------------------------------------------------------------------------

  /** An authorizer_access_token for appid with more than the margin left, refreshing (once per appid) if needed. */
  getAuthorizerToken(authorizerAppid: string): Promise<string> {
    requireAppid(authorizerAppid);
    this.warmAuthorizers.add(authorizerAppid);
    const stored = this.storage.getAuthorizerToken(authorizerAppid);
    if (stored && stored.expiresAt - this.now() > this.marginMs) return Promise.resolve(stored.token);
    return this.refreshAuthorizerToken(authorizerAppid).catch((err: unknown) => {
      const current = this.storage.getAuthorizerToken(authorizerAppid);
      if (current && current.expiresAt > this.now()) {
        this.report(err, { kind: 'authorizer', appid: authorizerAppid });
        return current.token;
      }
      throw err;
    });
  }

  /** Ask WeChat for a new authorizer token now (api_authorizer_token); joins a refresh under way for this appid. */
  refreshAuthorizerToken(authorizerAppid: string): Promise<string> {
    requireAppid(authorizerAppid);
    const existing = this.authorizerInFlight.get(authorizerAppid);
    if (existing) return existing;
    const flight = this.fetchAuthorizerToken(authorizerAppid).finally(() => {
      if (this.authorizerInFlight.get(authorizerAppid) === flight) this.authorizerInFlight.delete(authorizerAppid);
    });
    this.authorizerInFlight.set(authorizerAppid, flight);
    return flight;
  }

  invalidateAuthorizerToken(authorizerAppid: string, token: string): void {
    const stored = this.storage.getAuthorizerToken(authorizerAppid);
    if (stored && stored.token === token) this.storage.invalidateAuthorizerToken(authorizerAppid, token);
  }

  /** Token source for WeChatClient methods called on behalf of an authorizer. */
  authorizerTokenSource(authorizerAppid: string): TokenSource {
    requireAppid(authorizerAppid);
    return {
      appid: authorizerAppid,
      get: () => this.getAuthorizerToken(authorizerAppid),
      invalidate: (token) => this.invalidateAuthorizerToken(authorizerAppid, token),
    };
  }

  withAuthorizerToken<T>(authorizerAppid: string, fn: (token: string) => Promise<T>): Promise<T> {
    return withTokenRetry(this.authorizerTokenSource(authorizerAppid), fn);
  }

  /**
   * Store what api_query_auth returned (authorization code exchange): the access token, if granted, and the refresh
   * token. Call this from the authorized/updateauthorized handling.
   */
  saveAuthorization(info: AuthorizationInfo, requestedAt: number = this.now()): void {
    requireAppid(info?.authorizer_appid);
    const appid = info.authorizer_appid;
    if (info.authorizer_refresh_token) this.storage.saveRefreshToken(appid, info.authorizer_refresh_token);
    if (info.authorizer_access_token) {
      const expiresAt = requestedAt + lifetimeSeconds(info.expires_in) * 1000;
      this.storage.saveAuthorizerToken(appid, { token: info.authorizer_access_token, expiresAt });
      this.warmAuthorizers.add(appid);
    }
  }

  /** Stop keeping this authorizer's token fresh (e.g. after unauthorized). */
  forgetAuthorizer(authorizerAppid: string): void {
    this.warmAuthorizers.delete(authorizerAppid);
  }

  private async fetchAuthorizerToken(authorizerAppid: string): Promise<string> {
    const refreshToken = this.storage.getRefreshToken(authorizerAppid);
    if (!refreshToken) throw new NoRefreshTokenError(authorizerAppid);
    const requestedAt = this.now();
    const res = await this.client.authorizerToken(this.componentTokenSource, {
      component_appid: this.componentAppid,
      authorizer_appid: authorizerAppid,
      authorizer_refresh_token: refreshToken,
    });
    const token = requireString(res.authorizer_access_token, 'api_authorizer_token', 'authorizer_access_token');
    // Re-authorized (a newer refresh token) or revoked (none) while the answer was on its way: that answer belongs to
    // the authorization before and is not kept; the current one's token is used, or a refresh with its refresh token.
    if (this.storage.getRefreshToken(authorizerAppid) !== refreshToken) {
      const current = this.storage.getAuthorizerToken(authorizerAppid);
      if (current && current.expiresAt - this.now() > this.marginMs) return current.token;
      return this.fetchAuthorizerToken(authorizerAppid);
    }
    // WeChat may rotate the refresh token; losing the new one would strand the authorizer.
    const rotated = res.authorizer_refresh_token;
    if (typeof rotated === 'string' && rotated !== '' && rotated !== refreshToken) {
      this.storage.saveRefreshToken(authorizerAppid, rotated);
    }
    const expiresAt = requestedAt + lifetimeSeconds(res.expires_in) * 1000;
    this.storage.saveAuthorizerToken(authorizerAppid, { token, expiresAt });
    this.notifyRefreshed({ kind: 'authorizer', appid: authorizerAppid }, expiresAt);
    return token;
  }

  // --- timer ------------------------------------------------------------------------------------------------------

  /** Start refreshing ahead of expiry. The timer is unref'd, so it never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.refreshDue();
    }, this.checkIntervalMs);
    this.timer.unref();
    void this.refreshDue();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /**
   * Refresh every token the manager looks after that has no more than the margin left: the component token (once a
   * ticket exists) and the authorizers used in this process. Failures go to onRefreshError; never rejects.
   */
  refreshDue(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    const sweep = this.sweep().finally(() => {
      this.sweeping = null;
    });
    this.sweeping = sweep;
    return sweep;
  }

  private async sweep(): Promise<void> {
    const due = (t: StoredToken | null): boolean => !t || t.expiresAt - this.now() <= this.marginMs;
    if (due(this.storage.getComponentToken()) && this.storage.getTicket()) {
      try {
        await this.refreshComponentToken();
      } catch (err) {
        this.report(err, { kind: 'component' });
      }
    }
    for (const appid of [...this.warmAuthorizers]) {
      if (!due(this.storage.getAuthorizerToken(appid))) continue;
      try {
        await this.refreshAuthorizerToken(appid);
      } catch (err) {
        this.report(err, { kind: 'authorizer', appid });
        // A dead authorization (no refresh token) is not worth retrying every tick.
        if (err instanceof NoRefreshTokenError) this.warmAuthorizers.delete(appid);
      }
    }
  }

  private report(err: unknown, target: TokenTarget): void {
    try {
      this.onRefreshError?.(err, target);
    } catch {
      // Reporting must not break token handling.
    }
  }

  private notifyRefreshed(target: TokenTarget, expiresAt: number): void {
    try {
      this.onRefreshed?.(target, expiresAt);
    } catch {
      // As above.
    }
  }
}

function requireAppid(appid: unknown): asserts appid is string {
  if (typeof appid !== 'string' || appid.trim() === '') {
    throw new WeChatInputError(`authorizer appid is required (wx…), got ${JSON.stringify(appid)}`);
  }
}

function requireString(value: unknown, api: string, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new WeChatTransportError('bad_response', `/cgi-bin/component/${api}`, `answer has no "${field}"; it does not look like WeChat's`);
  }
  return value;
}

/** expires_in from WeChat, in seconds; 7200 if missing or nonsense. */
function lifetimeSeconds(expiresIn: unknown): number {
  return typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200;
}
