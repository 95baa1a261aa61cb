/**
 * The simulator's core state: accounts (seeded and added), authorizations with their refresh tokens, the ticket,
 * component and authorizer tokens, pre-auth and auth codes; and who a token belongs to.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { TokenKind } from '../../wechat/spec';
import { MP_FUNC_IDS, OA_FUNC_IDS, hashHex, seededProfile, testGroupProfiles, type AccountKind, type AccountProfile } from '../accounts';
import type { SimSettings } from '../types';
import type { SimClock } from './clock';
import { ApiError } from './errors';

export const TICKET_LIFE_S = 12 * 3600;
export const TOKEN_LIFE_S = 7200;
/** The push says about CreateTime + 3600 (reference §2.2); the simulator honours that. */
export const AUTH_CODE_LIFE_S = 3600;

interface ComponentTokenRec {
  token: string;
  issuedAt: number;
  expiresAt: number;
  supersededAt: number | null;
}

export interface AuthorizerTokenRec {
  token: string;
  appid: string;
  issuedAt: number;
  expiresAt: number;
  supersededAt: number | null;
  revoked: boolean;
  source: 'query_auth' | 'refresh';
  authCode: string | null;
}

export interface Authorization {
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

export type Principal =
  | { kind: 'component'; appid: string }
  | { kind: 'authorizer'; appid: string; tokenRec: AuthorizerTokenRec }
  | { kind: 'none'; appid: string };

export class SimState {
  tickets: { value: string; issuedAt: number }[] = [];
  readonly componentTokens = new Map<string, ComponentTokenRec>();
  readonly authorizerTokens = new Map<string, AuthorizerTokenRec>();
  readonly preAuthCodes = new Map<string, CodeRec>();
  readonly authCodes = new Map<string, AuthCodeRec>();
  readonly profileIndex = new Map<string, number>();
  readonly extraProfiles = new Map<string, AccountProfile>();
  readonly authorizations = new Map<string, Authorization>();
  /** Authorized appids in the order api_get_authorizer_list pages through them. */
  authorizedOrder: string[] = [];
  constructor(
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
    private readonly componentAppid: string,
    /** Where profile images point: the simulator's own URL, once it listens. */
    private readonly imageBase: () => string,
  ) {
    this.seed();
  }

  reset(): void {
    this.tickets = [];
    this.componentTokens.clear();
    this.authorizerTokens.clear();
    this.preAuthCodes.clear();
    this.authCodes.clear();
    this.profileIndex.clear();
    this.extraProfiles.clear();
    this.authorizations.clear();
    this.authorizedOrder = [];
    this.seed();
  }

  private seed(): void {
    const { accounts, candidates, seed } = this.settings;
    const base = this.clock.nowS() - 86400 * 30;
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

  // --- accounts -------------------------------------------------------------------------------------------------

  /** The authorization's current refresh token (seeded ones are derived on first use). */
  rt(a: Authorization): string {
    if (!a.refreshToken) a.refreshToken = this.refreshTokenFor(a.appid, a.generation);
    return a.refreshToken;
  }

  refreshTokenFor(appid: string, generation: number): string {
    const mac = createHmac('sha256', this.settings.seed).update(`${appid}:${generation}`).digest('base64url');
    return `refreshtoken@@@${mac.slice(0, 43)}`;
  }

  profile(appid: string): AccountProfile | undefined {
    const extra = this.extraProfiles.get(appid);
    if (extra) return this.localImages(extra);
    const i = this.profileIndex.get(appid);
    return i === undefined ? undefined : this.localImages(seededProfile(this.settings.seed, i));
  }

  /** Image URLs point at the simulator itself (same paths as WeChat's CDNs) so pages and consoles work offline. */
  localImages(p: AccountProfile): AccountProfile {
    const local = (u: string) => u.replace(/^https?:\/\/[^/]+/, this.imageBase());
    return { ...p, headImg: local(p.headImg), qrcodeUrl: local(p.qrcodeUrl) };
  }

  /** Candidates offered on the authorization page (seeded candidates not yet authorized, in seed order). */
  candidateProfiles(): AccountProfile[] {
    const out: AccountProfile[] = [];
    const { accounts, candidates, seed } = this.settings;
    for (let i = accounts; i < accounts + candidates; i++) out.push(this.localImages(seededProfile(seed, i)));
    return out;
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
      latestAccessToken: a ? (this.latestAuthorizerToken(appid)?.token ?? null) : null,
    };
  }

  requireAuthorized(appid: string): Authorization {
    const a = this.authorizations.get(appid);
    if (!a) throw new ApiError(61003);
    return a;
  }

  requireKind(appid: string, kind: AccountKind): void {
    if (this.profile(appid)?.kind !== kind) {
      throw new ApiError(48001, kind === 'mp' ? 'api unauthorized: this API is for mini programs' : 'api unauthorized: this API is for official accounts');
    }
  }

  checkComponent(appid: string): void {
    if (appid !== this.componentAppid) throw new ApiError(40013, `invalid appid: ${appid} is not this platform's component_appid`);
  }

  // --- codes and tokens ------------------------------------------------------------------------------------------

  issueAuthCode(appid: string): string {
    const code = `queryauthcode@@@${randomBytes(30).toString('base64url')}`;
    this.authCodes.set(code, { appid, expiresAt: this.clock.now() + AUTH_CODE_LIFE_S * 1000, used: false });
    return code;
  }

  issueComponentToken(): string {
    const now = this.clock.now();
    for (const r of this.componentTokens.values()) if (r.supersededAt === null) r.supersededAt = now;
    const token = randomToken();
    this.componentTokens.set(token, { token, issuedAt: now, expiresAt: now + TOKEN_LIFE_S * 1000, supersededAt: null });
    pruneTokens(this.componentTokens, now);
    return token;
  }

  issueAuthorizerToken(appid: string, source: 'query_auth' | 'refresh', authCode: string | null): AuthorizerTokenRec {
    const now = this.clock.now();
    for (const t of this.authorizerTokens.values()) if (t.appid === appid && t.supersededAt === null) t.supersededAt = now;
    const rec: AuthorizerTokenRec = { token: randomToken(), appid, issuedAt: now, expiresAt: now + TOKEN_LIFE_S * 1000, supersededAt: null, revoked: false, source, authCode };
    this.authorizerTokens.set(rec.token, rec);
    if (this.authorizerTokens.size > 50_000) pruneTokens(this.authorizerTokens, now);
    return rec;
  }

  latestAuthorizerToken(appid: string): AuthorizerTokenRec | undefined {
    let latest: AuthorizerTokenRec | undefined;
    for (const t of this.authorizerTokens.values()) if (t.appid === appid && t.supersededAt === null && !t.revoked) latest = t;
    return latest;
  }

  /** Who the call's token belongs to, as the spec's token kind allows; 41001/40014/40001/42001 otherwise. */
  authenticate(kind: TokenKind, q: URLSearchParams): Principal {
    if (kind === 'none') return { kind: 'none', appid: this.componentAppid };
    // Component APIs take either parameter name (reference §0); authorizer APIs use access_token.
    const token = kind === 'authorizer' ? q.get('access_token') : (q.get('component_access_token') ?? q.get('access_token'));
    if (!token) throw new ApiError(41001, kind === 'component' ? 'access_token missing (component_access_token or access_token)' : undefined);
    const now = this.clock.now();
    const grace = this.settings.tokenGraceSeconds * 1000;
    if (kind !== 'authorizer') {
      const c = this.componentTokens.get(token);
      if (c) {
        if (c.expiresAt <= now) throw new ApiError(42001);
        if (c.supersededAt !== null && c.supersededAt + grace <= now) throw new ApiError(40001);
        return { kind: 'component', appid: this.componentAppid };
      }
      if (kind === 'component') throw new ApiError(this.authorizerTokens.has(token) ? 40001 : 40014);
    }
    const a = this.authorizerTokens.get(token);
    if (!a) throw new ApiError(this.componentTokens.has(token) ? 40001 : 40014);
    if (a.revoked || !this.authorizations.has(a.appid)) throw new ApiError(40001);
    if (a.expiresAt <= now) throw new ApiError(42001);
    if (a.supersededAt !== null && a.supersededAt + grace <= now) throw new ApiError(40001);
    return { kind: 'authorizer', appid: a.appid, tokenRec: a };
  }

  /** Every ticket, token and code with its status, for GET /__sim/tokens. */
  tokens() {
    const now = this.clock.now();
    const status = (r: { expiresAt: number; supersededAt: number | null; revoked?: boolean }) =>
      r.revoked ? 'revoked' : r.expiresAt <= now ? 'expired' : r.supersededAt !== null && r.supersededAt + this.settings.tokenGraceSeconds * 1000 <= now ? 'superseded' : 'valid';
    return {
      now,
      tickets: this.tickets.map((t) => ({ ...t, valid: now - t.issuedAt < TICKET_LIFE_S * 1000 })),
      componentTokens: [...this.componentTokens.values()].map((r) => ({ ...r, status: status(r) })),
      authorizerTokens: [...this.authorizerTokens.values()].map((r) => ({ ...r, status: status(r) })),
      preAuthCodes: [...this.preAuthCodes.entries()].map(([code, r]) => ({ code, ...r })),
      authCodes: [...this.authCodes.entries()].map(([code, r]) => ({ code, ...r })),
    };
  }
}

function randomToken(): string {
  // Real tokens are ~150 chars of [A-Za-z0-9_-]; the length doesn't matter to clients, only opacity.
  return randomBytes(96).toString('base64url');
}

function pruneTokens<T extends { expiresAt: number }>(map: Map<string, T>, now: number): void {
  // Keep expired tokens for a day so their callers still get 42001, not 40014.
  for (const [k, v] of map) if (v.expiresAt + 86_400_000 < now) map.delete(k);
}
