/**
 * The simulator's kernel: configuration and settings, the clock, faults, quotas, rids and call records, the core
 * state, pushes, and the route table the API families fill. Families (src/sim/apis/<family>/) get it as `k`.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { MsgCrypt, decodeAesKey, randomAlnum } from '../../wechat/crypto';
import { seededProfile, type AccountProfile } from '../accounts';
import { Pushes } from '../pushes/pushes';
import type { PushRecord } from '../pushes/delivery';
import type { ApiCallRecord, AuthorizeResult, SimSettings, SimulatorConfig, SimulatorOptions } from '../types';
import { SimClock } from './clock';
import { Faults } from './faults';
import { Quotas } from './quotas';
import { RidLog } from './rid';
import type { RouteTable } from './routes';
import { SimState, type Authorization } from './state';

export class SimKernel {
  readonly config: SimulatorConfig;
  readonly crypt: MsgCrypt;
  readonly settings: SimSettings;
  readonly log: (line: string) => void;
  readonly clock = new SimClock();
  readonly faults = new Faults();
  readonly quotas: Quotas;
  readonly rids = new RidLog();
  readonly state: SimState;
  readonly pushes: Pushes;
  calls: ApiCallRecord[] = [];
  /** Ids handed out (menus, audits, refresh-token generations, message ids). Not reset, so ids never repeat. */
  counter = 0;
  /** Told of every user message or event pushed (set by the custom-service family, which keeps the reply window). */
  userActed?: (appid: string, openid: string, msgType: string, event: string | null, at: number) => void;
  /** Set once the families' routes are assembled. */
  routes!: RouteTable;

  constructor(options: SimulatorOptions) {
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
    this.settings = {
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
    this.quotas = new Quotas(this.clock, this.settings);
    this.state = new SimState(this.clock, this.settings, this.config.componentAppid, () => this.config.url);
    this.pushes = new Pushes(this);
  }

  /** Forget the core state (clock, tokens, accounts, records, faults) and re-seed; families reset their own. */
  reset(): void {
    this.clock.offsetMs = 0;
    this.quotas.reset();
    this.rids.reset();
    this.calls = [];
    this.pushes.reset();
    this.faults.reset();
    this.state.reset();
  }

  /**
   * Authorize (or re-authorize) an account as the approval page does: a new refresh token supersedes the old one, an
   * auth code is issued, and the authorized/updateauthorized push goes out.
   */
  authorize(appid: string, opts: { funcIds?: number[]; preAuthCode?: string; push?: boolean } = {}): AuthorizeResult {
    const s = this.state;
    const p = s.profile(appid);
    if (!p) throw new RangeError(`unknown account ${appid}`);
    const prev = s.authorizations.get(appid);
    const generation = prev ? prev.generation + 1 : Math.max(1, this.counter++ + 1);
    const funcIds = opts.funcIds && opts.funcIds.length ? [...opts.funcIds] : [...p.funcIds];
    const auth: Authorization = { appid, refreshToken: s.refreshTokenFor(appid, generation + 1000 * this.counter++), authTime: this.clock.nowS(), funcIds, generation };
    s.authorizations.set(appid, auth);
    if (!prev) s.authorizedOrder.push(appid);
    const authCode = s.issueAuthCode(appid);
    const rec = s.authCodes.get(authCode)!;
    const infoType = prev ? 'updateauthorized' : 'authorized';
    const push =
      opts.push === false
        ? Promise.resolve(null as unknown as PushRecord)
        : this.pushes.component(
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
    return { appid, infoType, authCode, authCodeExpiresAt: rec.expiresAt, refreshToken: s.rt(auth), push };
  }

  /** Cancel an authorization: tokens stop working, the refresh token gives 61023, and the unauthorized push goes out. */
  unauthorize(appid: string): { appid: string; push: Promise<PushRecord> } {
    const s = this.state;
    if (!s.authorizations.has(appid)) throw new RangeError(`${appid} is not authorized`);
    s.authorizations.delete(appid);
    const i = s.authorizedOrder.indexOf(appid);
    if (i >= 0) s.authorizedOrder.splice(i, 1);
    for (const t of s.authorizerTokens.values()) if (t.appid === appid) t.revoked = true;
    this.log(`unauthorized: ${appid}`);
    return { appid, push: this.pushes.component('unauthorized', { AuthorizerAppid: appid }, appid) };
  }

  /** Seeded authorized account `index` (0-based): official accounts at even, mini programs at odd indexes. */
  seededAccount(index: number): AccountProfile {
    return this.state.localImages(seededProfile(this.settings.seed, index));
  }
}

function generatedConfig(): Omit<SimulatorConfig, 'url'> {
  return {
    componentAppid: `wx${randomBytes(8).toString('hex')}`,
    componentSecret: randomBytes(16).toString('hex'),
    token: randomAlnum(32),
    encodingAesKey: randomBytes(32).toString('base64').slice(0, 43),
  };
}
