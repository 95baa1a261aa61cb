/**
 * The authorization lifecycle (reference §2.2, §2.3, §3, §4): authorization links, the code exchange after an
 * authorized/updateauthorized push or a redirect, revocation, 61023 → needs_reauth, and reconciling the stored
 * authorizers with WeChat's own list.
 */
import { randomBytes } from 'node:crypto';
import type { AppEvents, Bilingual, SyncResult } from '../../shared/contract';
import type { AuthLink, Authorizer, AuthorizerKind } from '../../shared/domain';
import type { AuthLinkRequest, AuthLinkResponse } from '../../shared/relay-protocol';
import type { Store } from '../store';
import { MAX_TIME_MS } from '../store/validate';
import { ServiceError, errorText } from '../errors';
import { WeChatApiError, buildMobileAuthUrl, buildPcAuthUrl, type WeChatClient } from '../api';
import type { AuthType, AuthUrlParams } from '../api';
import type { AuthorizerInfo, FuncInfo } from '../../wechat/endpoints/component';
import type { TokenManager } from '../tokens/token-manager';

export interface AuthorizationDeps {
  store: Store;
  client: WeChatClient;
  tokens: TokenManager;
  componentAppid: string;
  /** Base URLs of the authorization pages: WeChat's, or the simulator's in the demo and tests. */
  pcAuthBaseUrl?: string;
  mobileAuthBaseUrl?: string;
  /**
   * Registers a componentloginpage URL on the relay (POST /desk/auth-links) under the desk's link id; null when no
   * relay is configured.
   */
  registerOnRelay?: ((link: Required<AuthLinkRequest>) => Promise<AuthLinkResponse>) | null;
  /** The relay's public base URL, whose /authorized page is the redirect_uri. */
  relayPublicUrl?: string | null;
  now?: () => number;
  /** Something an operator should see (stored as an alert event by the caller). */
  onAlert?: (message: string, details: Record<string, unknown>, messageZh: string) => void;
  /** An authorization code was exchanged and the authorizer stored (linkId when it came through one of our links). */
  onAuthorized?: (authorizer: Authorizer, linkId: string | null) => void;
  /** A link changed status (completed, or expired unused). */
  onLinkChanged?: (link: AuthLink) => void;
  /** The longest the expiry timer waits before looking again (default 60 s), so a clock that jumps is noticed. */
  linkCheckMs?: number;
}

/** Where an authorization code came from, to find the link it completes and to recognise a spent code. */
export interface ExchangeHint {
  authorizerAppid?: string;
  /** From the authorized/updateauthorized push. */
  preAuthCode?: string;
  /** From the redirect: the link id this desk put in the redirect_uri. */
  linkId?: string;
}

export interface CreateLinkOptions {
  /** 1 official accounts, 2 mini programs, 3 both (default). */
  authType?: number;
  bizAppid?: string;
  categoryIds?: number[];
  /** Where the admin's browser lands afterwards; default the relay's /authorized page. */
  redirectUri?: string;
}

/** Progress of a reconcile, as the UI's 'sync:progress' event carries it. */
export type ReconcileProgress = AppEvents['sync:progress'];
/** What a reconcile did (the contract's SyncResult). */
export type ReconcileReport = SyncResult;

const PAGE = 500;

export class AuthorizationService {
  private readonly now: () => number;
  /** Codes being exchanged right now: the push and the redirect carry the same code. */
  private readonly inFlight = new Map<string, Promise<Authorizer>>();
  /** Codes exchanged recently, with the authorizer each one gave. */
  private readonly exchanged = new Map<string, { appid: string; at: number }>();
  private expiryTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: AuthorizationDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Marks links that expired while the desk was off, then keeps marking them as they expire. */
  start(): void {
    this.running = true;
    this.expireLinks();
  }

  stop(): void {
    this.running = false;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  /**
   * Creates a pre_auth_code, builds the PC and mobile links, and registers the PC link on the relay. The link has one
   * id everywhere: the one the desk makes here, in the redirect_uri, on the relay and in the store.
   */
  async createLink(opts: CreateLinkOptions = {}): Promise<AuthLink> {
    const { client, tokens, componentAppid, store } = this.deps;
    const id = randomBytes(16).toString('base64url');
    const redirectUri = opts.redirectUri ?? this.defaultRedirect(id);
    const res = await client.createPreAuthCode(tokens.componentTokenSource, { component_appid: componentAppid });
    const expiresAt = this.now() + (res.expires_in ?? 600) * 1000;
    const params: AuthUrlParams & { authType: AuthType } = {
      componentAppid,
      preAuthCode: res.pre_auth_code,
      redirectUri,
      authType: (opts.authType ?? 3) as AuthType,
      ...(opts.bizAppid ? { bizAppid: opts.bizAppid } : {}),
      ...(opts.categoryIds?.length ? { categoryIdList: opts.categoryIds } : {}),
    };
    const pcUrl = buildPcAuthUrl(params, this.deps.pcAuthBaseUrl);
    const mobileUrl = buildMobileAuthUrl(params, this.deps.mobileAuthBaseUrl);
    // WeChat checks the referring domain: the PC page must be opened from the relay's own page. A relay older than
    // desk-chosen ids answers with an id of its own: its start page lives under that one, and it records the
    // redirect's link id unchecked, so the link still completes under ours.
    const relay = this.deps.registerOnRelay ? await this.deps.registerOnRelay({ url: pcUrl, expiresAt, id }) : null;
    const link = store.authLinks.create({
      id,
      componentAppid,
      preAuthCode: res.pre_auth_code,
      pcUrl,
      mobileUrl,
      authType: params.authType,
      bizAppid: opts.bizAppid ?? null,
      categoryIds: opts.categoryIds?.length ? opts.categoryIds.join('|') : null,
      relayStartUrl: relay?.startUrl ?? null,
      expiresAt,
    });
    this.scheduleExpiry();
    return link;
  }

  /** Marks this platform's links past their expiry as expired, tells the UI, and sets the timer for the next one. */
  expireLinks(): AuthLink[] {
    const expired = this.deps.store.authLinks.expirePlatform(this.deps.componentAppid, this.now());
    for (const link of expired) this.deps.onLinkChanged?.(link);
    this.scheduleExpiry();
    return expired;
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!this.running) return;
    const next = this.deps.store.authLinks.nextExpiry(this.deps.componentAppid);
    if (next === null) return;
    const wait = Math.min(Math.max(0, next - this.now()), this.deps.linkCheckMs ?? 60_000);
    this.expiryTimer = setTimeout(() => {
      try {
        this.expireLinks();
      } catch {
        // The store closed under a stopping engine; nothing to mark any more.
      }
    }, wait);
    this.expiryTimer.unref();
  }

  private defaultRedirect(linkId: string): string {
    const base = this.deps.relayPublicUrl;
    if (!base) {
      throw new ServiceError('conflict', {
        en: 'no redirect URL: configure the relay (its /authorized page is the redirect_uri) or pass redirectUri',
        zh: '没有回跳地址：请配置中继（它的 /authorized 页面就是 redirect_uri），或指定 redirectUri',
      });
    }
    return `${base.replace(/\/+$/, '')}/authorized?link=${encodeURIComponent(linkId)}`;
  }

  /**
   * The redirect that landed on the relay's public /authorized page. Anyone can call that page, so only a link this
   * desk made may lead to a WeChat call.
   */
  exchangeRedirect(authCode: string, linkId: string | null): Promise<Authorizer> {
    const link = linkId ? this.deps.store.authLinks.get(linkId) : null;
    if (!link || link.componentAppid !== this.deps.componentAppid) {
      return Promise.reject(
        new ServiceError('not_found', {
          en:
            `the redirect names ${linkId ? `link ${linkId}, which this desk did not make` : 'no authorization link'}, so its code was not exchanged ` +
            '(the authorized push WeChat sends carries the same code)',
          zh: `回跳${linkId ? `指向的授权链接 ${linkId} 不是本机生成的` : '没有指明授权链接'}，因此没有换取它的授权码（微信发来的 authorized 推送带有同一个授权码）`,
        }),
      );
    }
    return this.exchangeCode(authCode, { linkId: link.id });
  }

  /**
   * Exchange an authorization code (from the authorized/updateauthorized push, the redirect, or a fast-register
   * result): api_query_auth, tokens stored, authorizer info fetched and stored, the link completed. Once per code,
   * and once per link.
   */
  exchangeCode(authCode: string, hint: ExchangeHint = {}): Promise<Authorizer> {
    const { store, componentAppid } = this.deps;
    const link = this.linkFor(hint);
    // A link already completed answers with its account, also after a restart, when the spent code is forgotten.
    const given = link?.status === 'completed' && link.authorizerAppid ? store.authorizers.get(componentAppid, link.authorizerAppid) : null;
    if (given) return Promise.resolve(given);
    // The second of the two paths (push, redirect) joins the exchange under way, or finds the code already spent
    // and answers with the authorizer it gave; either way it completes the link it knows of.
    const running = this.inFlight.get(authCode);
    const done = running ? undefined : this.exchanged.get(authCode);
    const known = done ? store.authorizers.get(componentAppid, done.appid) : null;
    if (running || known) {
      return (running ?? Promise.resolve(known!)).then((a) => {
        this.completeLink(link, a);
        return a;
      });
    }
    const p = this.doExchange(authCode, hint, link)
      .then((a) => {
        this.rememberExchanged(authCode, a.appid);
        return a;
      })
      .finally(() => this.inFlight.delete(authCode));
    this.inFlight.set(authCode, p);
    return p;
  }

  private linkFor(hint: ExchangeHint): AuthLink | null {
    const { store, componentAppid } = this.deps;
    const link = hint.linkId ? store.authLinks.get(hint.linkId) : hint.preAuthCode ? store.authLinks.findByPreAuthCode(componentAppid, hint.preAuthCode) : null;
    return link && link.componentAppid === componentAppid ? link : null;
  }

  /** Completes the link with this account unless it already is, and tells the UI. */
  private completeLink(link: AuthLink | null, authorizer: Authorizer): void {
    if (!link || !this.deps.store.authLinks.complete(link.id, authorizer.appid, this.now())) return;
    this.announceLink(link.id);
    this.deps.onAuthorized?.(authorizer, link.id);
  }

  private announceLink(linkId: string): void {
    const changed = this.deps.store.authLinks.get(linkId);
    if (changed) this.deps.onLinkChanged?.(changed);
  }

  private async doExchange(authCode: string, hint: ExchangeHint, link: AuthLink | null): Promise<Authorizer> {
    const { client, tokens, componentAppid, store } = this.deps;
    const requestedAt = this.now();
    let auth;
    try {
      auth = (await client.queryAuth(tokens.componentTokenSource, { component_appid: componentAppid, authorization_code: authCode })).authorization_info;
    } catch (err) {
      // The push and the redirect carry the same single-use code: if the other path already stored this
      // authorizer moments ago, the second exchange failing is expected, not an error.
      let known = null;
      try {
        known = hint.authorizerAppid ? store.authorizers.get(componentAppid, hint.authorizerAppid) : null;
      } catch {
        // A hint the store refuses (WeChat's samples say "公众号appid"): WeChat's error is the one to report.
      }
      // Only a code WeChat calls invalid (40029: spent) is that case; any other failure leaves this authorization
      // unexchanged, and the event says so (a retry exchanges it).
      const spent = err instanceof WeChatApiError && err.errcode === 40029;
      if (spent && known && known.status === 'active' && requestedAt - known.updatedAt < 10 * 60_000) {
        this.completeLink(link, known);
        return known;
      }
      throw err;
    }
    const appid = auth.authorizer_appid;
    const info = await client.getAuthorizerInfo(tokens.componentTokenSource, { component_appid: componentAppid, authorizer_appid: appid });
    const authorizer = store.transaction(() => {
      const saved = store.authorizers.upsert({
        ...authorizerFields(componentAppid, appid, info.authorizer_info),
        funcInfo: funcIds(auth.func_info ?? info.authorization_info?.func_info),
        status: 'active',
        revokedAt: null,
        refreshToken: auth.authorizer_refresh_token ?? info.authorization_info?.authorizer_refresh_token ?? null,
        authorizedAt: requestedAt,
        refreshTokenCheckedAt: requestedAt,
        refreshTokenMismatch: false,
      });
      tokens.saveAuthorization(auth, requestedAt);
      return { saved, linkId: link && store.authLinks.complete(link.id, appid, requestedAt) ? link.id : null };
    });
    if (authorizer.linkId) this.announceLink(authorizer.linkId);
    this.deps.onAuthorized?.(authorizer.saved, authorizer.linkId);
    return authorizer.saved;
  }

  private rememberExchanged(authCode: string, appid: string): void {
    const now = this.now();
    // Codes live at most an hour; forget older ones so the map stays small.
    for (const [code, e] of this.exchanged) if (now - e.at > 3_600_000) this.exchanged.delete(code);
    this.exchanged.set(authCode, { appid, at: now });
  }

  /** unauthorized: revoke and drop tokens (the refresh token is useless now). False when the account is not stored. */
  revoke(authorizerAppid: string): boolean {
    const { store, componentAppid, tokens } = this.deps;
    if (!store.authorizers.get(componentAppid, authorizerAppid)) return false;
    store.transaction(() => {
      store.authorizers.setStatus(componentAppid, authorizerAppid, 'revoked', this.now());
      store.authorizers.setRefreshToken(componentAppid, authorizerAppid, null);
      const t = store.tokens.getAuthorizer(componentAppid, authorizerAppid);
      if (t) store.tokens.invalidateAuthorizer(componentAppid, authorizerAppid, t.token);
    });
    tokens.forgetAuthorizer(authorizerAppid);
    return true;
  }

  /**
   * 61023 from api_authorizer_token: the refresh token is dead; the admin must authorize again. Only for an active
   * account, and only when the refused token is still the one stored: a refusal of the token a re-authorization (or a
   * revocation) replaced while the call was on its way says nothing about the account now.
   */
  markNeedsReauth(authorizerAppid: string, refusedRefreshToken: string | null = null): void {
    const { store, componentAppid } = this.deps;
    const a = store.authorizers.get(componentAppid, authorizerAppid);
    if (!a || a.status !== 'active') return;
    if (refusedRefreshToken !== null && store.authorizers.getRefreshToken(componentAppid, authorizerAppid) !== refusedRefreshToken) return;
    store.authorizers.setStatus(componentAppid, authorizerAppid, 'needs_reauth', this.now());
    const name = a.nickName ?? authorizerAppid;
    this.deps.onAlert?.(
      `${name} needs re-authorization: its refresh token was refused (61023)`,
      { appid: authorizerAppid },
      `${name} 需要重新授权：其 refresh token 已被拒绝（61023）`,
    );
  }

  /**
   * Page through api_get_authorizer_list (500 a page): compare refresh tokens and flag what differs, add the
   * authorizers missing here (fetching their details), and revoke the ones WeChat no longer lists.
   */
  async reconcile(onProgress?: (p: ReconcileProgress) => void): Promise<ReconcileReport> {
    const { client, tokens, componentAppid, store } = this.deps;
    const report: ReconcileReport = { total: 0, added: 0, updated: 0, revoked: 0, refreshTokenMismatches: 0, failed: [], startedAt: this.now(), finishedAt: 0 };
    const seen = new Set<string>();
    const missing: { appid: string; refreshToken: string; authTime: number }[] = [];
    let listed = 0;
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.getAuthorizerList(tokens.componentTokenSource, { component_appid: componentAppid, offset, count: PAGE });
      report.total = page.total_count;
      store.transaction(() => {
        for (const item of page.list) {
          seen.add(item.authorizer_appid);
          const stored = store.authorizers.get(componentAppid, item.authorizer_appid);
          if (!stored) {
            missing.push({ appid: item.authorizer_appid, refreshToken: item.refresh_token, authTime: item.auth_time });
          } else if (stored.status !== 'active') {
            store.authorizers.setRefreshToken(componentAppid, item.authorizer_appid, item.refresh_token);
            store.authorizers.setStatus(componentAppid, item.authorizer_appid, 'active', this.now());
            store.authorizers.markRefreshTokenChecked(componentAppid, item.authorizer_appid, false, this.now());
            report.updated++;
          } else {
            const mismatch = store.authorizers.getRefreshToken(componentAppid, item.authorizer_appid) !== item.refresh_token;
            if (mismatch) report.refreshTokenMismatches++;
            store.authorizers.markRefreshTokenChecked(componentAppid, item.authorizer_appid, mismatch, this.now());
          }
        }
      });
      listed += page.list.length;
      onProgress?.({ phase: 'list', done: listed, total: page.total_count });
      if (page.list.length === 0 || offset + PAGE >= page.total_count) break;
    }
    for (const [i, m] of missing.entries()) {
      const failure = await this.addFromList(m.appid, m.refreshToken, m.authTime);
      if (failure) report.failed.push({ appid: m.appid, message: failure.en, messageZh: failure.zh });
      report.added++;
      if (i % 10 === 9 || i === missing.length - 1) onProgress?.({ phase: 'details', done: i + 1, total: missing.length });
    }
    // Accounts authorized while the list was being read are not in it: only older ones count as gone.
    const gone: string[] = [];
    for (const a of store.authorizers.iterate(componentAppid)) {
      if (a.status === 'active' && !seen.has(a.appid) && a.updatedAt < report.startedAt) gone.push(a.appid);
    }
    for (const appid of gone) this.revoke(appid);
    report.revoked = gone.length;
    report.finishedAt = this.now();
    onProgress?.({ phase: 'done', done: report.total, total: report.total });
    return report;
  }

  /** Adds a listed authorizer with its details; returns why the details could not be fetched, or null. */
  private async addFromList(appid: string, refreshToken: string, authTime: number): Promise<Bilingual | null> {
    const { client, tokens, componentAppid, store } = this.deps;
    let info: AuthorizerInfo | null = null;
    let func: FuncInfo[] | undefined;
    let failure: Bilingual | null = null;
    try {
      const res = await client.getAuthorizerInfo(tokens.componentTokenSource, { component_appid: componentAppid, authorizer_appid: appid });
      info = res.authorizer_info;
      func = res.authorization_info?.func_info;
    } catch (err) {
      // Keep the account with what the list gave; its details can be fetched on the next sync.
      if (!(err instanceof WeChatApiError)) throw err;
      failure = errorText(err);
      // 61003: the account is not authorized to this platform (any more: it unauthorized while the list was read).
      if (err.errcode === 61003) return failure;
    }
    store.authorizers.upsert({
      ...authorizerFields(componentAppid, appid, info),
      funcInfo: funcIds(func),
      status: 'active',
      refreshToken,
      // auth_time in seconds as WeChat lists it; one that is not a sane time is kept as now.
      authorizedAt: Number.isSafeInteger(authTime) && authTime > 0 && authTime * 1000 <= MAX_TIME_MS ? authTime * 1000 : this.now(),
      refreshTokenCheckedAt: this.now(),
      refreshTokenMismatch: false,
    });
    return failure;
  }
}

/** Mini programs, and only they, carry MiniProgramInfo (reference §3.2). */
export function kindOf(info: AuthorizerInfo | null): AuthorizerKind {
  return info?.MiniProgramInfo ? 'MP' : 'OA';
}

function authorizerFields(componentAppid: string, appid: string, info: AuthorizerInfo | null) {
  return {
    appid,
    componentAppid,
    kind: kindOf(info),
    nickName: info?.nick_name ?? null,
    userName: info?.user_name ?? null,
    principalName: info?.principal_name ?? null,
    headImg: info?.head_img ?? null,
    alias: info?.alias || null,
    serviceType: info?.service_type_info?.id ?? null,
    verifyType: info?.verify_type_info?.id ?? null,
    accountStatus: info?.account_status ?? null,
    info: info ? (info as unknown as Record<string, unknown>) : null,
  };
}

function funcIds(func: FuncInfo[] | undefined): number[] {
  return (func ?? []).map((f) => f?.funcscope_category?.id).filter((id): id is number => Number.isInteger(id));
}
