/**
 * A faithful local WeChat for a third-party platform: the component and authorizer APIs at WeChat's own paths, encrypted
 * pushes, the authorization pages, and the full-network release check (reference §0–§5, §8–§10).
 *
 * Layout: kernel/ (HTTP, state, clock, quotas, faults, rids, errors), apis/<family>/ (one folder per API family, each
 * route registered against its endpoint spec in src/wechat/endpoints/), pushes/, pages/, control/ (/__sim/). This
 * class assembles them and is the programmatic API that tests and the demo sandbox use.
 *
 * State lives in memory. The clock is real time plus an offset that tests advance, and every lifetime is judged by it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { MsgCrypt } from '../wechat/crypto';
import { specPath } from '../wechat/spec';
import { RELEASE_TEST_GROUPS, type AccountProfile } from './accounts';
import { ComponentApis } from './apis/component';
import type { SimFamily } from './apis/family';
import { MediaApis, type StoredMedia } from './apis/media';
import { AuditApis, type DecideInput } from './apis/mp/audit';
import { CodeApis } from './apis/mp/code';
import { RegisterApis } from './apis/mp/register';
import { ReleaseApis } from './apis/mp/release';
import { SettingsApis, type MpSettingsConfig } from './apis/mp/settings';
import { MpStore, type AuditSettings } from './apis/mp/state';
import { TemplateLibraryApis } from './apis/mp/template';
import { CustomServiceApis } from './apis/oa/custom-service';
import type { Grant } from './apis/oa/custom-service/window';
import { MenuApis } from './apis/oa/menu';
import { LinkApis, type LinkStatus } from './apis/oa/link';
import { TemplateApis } from './apis/oa/template';
import { QuotaApis } from './apis/quota';
import { SIM_CONTROL_HEADER, handleControl } from './control';
import { handleApi } from './kernel/api';
import { errorBody, newRid } from './kernel/errors';
import { checkUrl, sendJson } from './kernel/http';
import { SimKernel } from './kernel/kernel';
import { RouteTable } from './kernel/routes';
import { AuthPages } from './pages';
import type { PushKind, PushRecord } from './pushes/delivery';
import { releaseCheck } from './pushes/release-check';
import type {
  ApiCallRecord,
  AuthorizeResult,
  CustomMessageRecord,
  TemplateMessageRecord,
  FastRegisterBetaInput,
  FastRegisterInput,
  FastVerifyBetaInput,
  FaultSettings,
  ReleaseCheckOptions,
  ReleaseCheckResult,
  SimulatorConfig,
  SimulatorOptions,
  UserMessageInput,
} from './types';

export { SIM_CONTROL_HEADER } from './control';
/** Headers for fetch() calls to the control endpoints. */
export const SIM_CONTROL_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [SIM_CONTROL_HEADER]: '1' });

export class Simulator {
  readonly config: SimulatorConfig;
  readonly crypt: MsgCrypt;
  private readonly k: SimKernel;
  private readonly server: Server;
  private readonly pages: AuthPages;
  private readonly families: SimFamily[];
  private readonly customService: CustomServiceApis;
  private readonly media: MediaApis;
  private readonly templates: TemplateApis;
  private readonly menu: MenuApis;
  private readonly link: LinkApis;
  private readonly audit: AuditApis;
  private readonly register: RegisterApis;
  private readonly mpSettings: SettingsApis;
  /** Code and audits of the mini programs, shared by the mp families. */
  private readonly mp = new MpStore();
  private ticketTimer: NodeJS.Timeout | null = null;
  /** Approves audits whose deadline real time reaches (advanceClock does it at once). */
  private auditTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: SimulatorOptions = {}) {
    const k = (this.k = new SimKernel(options));
    this.config = k.config;
    this.crypt = k.crypt;
    const mp = this.mp;
    this.media = new MediaApis(k);
    this.customService = new CustomServiceApis(k, this.media);
    this.templates = new TemplateApis(k);
    this.link = new LinkApis(k);
    this.menu = new MenuApis(k, this.link);
    this.audit = new AuditApis(k, mp);
    this.register = new RegisterApis(k);
    this.mpSettings = new SettingsApis(k, mp, this.media);
    this.families = [
      new ComponentApis(k),
      new QuotaApis(k),
      this.menu,
      this.link,
      this.templates,
      this.customService,
      this.media,
      this.register,
      this.mpSettings,
      new TemplateLibraryApis(k, mp),
      new CodeApis(k, mp),
      this.audit,
      new ReleaseApis(k, mp, () => this.audit.expire()),
    ];
    k.routes = new RouteTable(this.families.flatMap((f) => f.routes()));
    this.pages = new AuthPages(k);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        k.log(`sim: internal error on ${req.method} ${req.url?.split('?')[0]}: ${(err as Error).message}`);
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
    if (this.k.settings.pushTicketAtStart) this.k.pushes.track(this.pushTicket());
    this.auditTimer = setInterval(() => this.audit.expire(), 1000);
    this.auditTimer.unref();
    if (this.k.settings.ticketIntervalSeconds > 0) {
      this.ticketTimer = setInterval(() => this.k.pushes.track(this.pushTicket()), this.k.settings.ticketIntervalSeconds * 1000);
      this.ticketTimer.unref();
    }
  }

  get url(): string {
    return this.config.url;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticketTimer) clearInterval(this.ticketTimer);
    if (this.auditTimer) clearInterval(this.auditTimer);
    this.k.pushes.stop.abort();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // In-flight pushes end at their own timeout; don't leave them dangling past close.
    await this.k.pushes.settled();
  }

  // --- settings that may change after start -------------------------------------------------------------------------

  setAuthEventUrl(url: string | null): void {
    this.k.settings.authEventUrl = url ? checkUrl(url, 'authEventUrl') : null;
  }
  setMessageUrl(url: string | null): void {
    this.k.settings.messageUrl = url ? checkUrl(url, 'messageUrl') : null;
  }
  setAllowIps(ips: string[]): void {
    for (const ip of ips) if (!isIP(ip)) throw new RangeError(`allowIps: "${ip}" is not an IP address`);
    this.k.settings.allowIps = [...ips];
  }
  setQuota(q: { dailyQuota?: Record<string, number>; minuteQuota?: Record<string, number>; defaultDailyQuota?: number }): void {
    const s = this.k.settings;
    if (q.dailyQuota) s.dailyQuota = { ...s.dailyQuota, ...q.dailyQuota };
    if (q.minuteQuota) s.minuteQuota = { ...s.minuteQuota, ...q.minuteQuota };
    if (q.defaultDailyQuota !== undefined) s.defaultDailyQuota = q.defaultDailyQuota;
  }
  setTokenGraceSeconds(seconds: number): void {
    this.k.settings.tokenGraceSeconds = seconds;
  }
  setRotateRefreshTokens(on: boolean): void {
    this.k.settings.rotateRefreshTokens = on;
  }
  setFaults(f: FaultSettings): void {
    this.k.faults.set(f);
  }
  getSettings() {
    const s = this.k.settings;
    return {
      authEventUrl: s.authEventUrl,
      messageUrl: s.messageUrl,
      ticketIntervalSeconds: s.ticketIntervalSeconds,
      allowIps: s.allowIps,
      tokenGraceSeconds: s.tokenGraceSeconds,
      rotateRefreshTokens: s.rotateRefreshTokens,
      dailyQuota: s.dailyQuota,
      defaultDailyQuota: s.defaultDailyQuota,
      minuteQuota: s.minuteQuota,
      faults: this.k.faults.settings,
      accounts: s.accounts,
      candidates: s.candidates,
      seed: s.seed,
    };
  }

  // --- clock --------------------------------------------------------------------------------------------------------

  /** The simulator clock in ms. */
  now(): number {
    return this.k.clock.now();
  }
  get clockOffsetMs(): number {
    return this.k.clock.offsetMs;
  }
  /** Move the simulator clock forward; returns the new time (ms). */
  advanceClock(seconds: number): number {
    const now = this.k.clock.advance(seconds);
    this.audit.expire();
    return now;
  }

  // --- state and inspection -----------------------------------------------------------------------------------------

  /** Forget everything and re-seed (settings and the listening port stay). */
  reset(): void {
    this.k.reset();
    this.mp.reset();
    for (const f of this.families) f.reset?.();
  }

  profile(appid: string): AccountProfile | undefined {
    return this.k.state.profile(appid);
  }
  /** Candidates offered on the authorization page (seeded candidates not yet authorized, in seed order). */
  candidateProfiles(): AccountProfile[] {
    return this.k.state.candidateProfiles();
  }
  /** Seeded authorized account `index` (0-based): official accounts at even, mini programs at odd indexes. */
  seededAccount(index: number): AccountProfile {
    return this.k.seededAccount(index);
  }
  testGroups() {
    const extra = this.k.state.extraProfiles;
    return RELEASE_TEST_GROUPS.map((g) => ({ ...g, oaOpenid: extra.get(g.oa.appid)?.testOpenid, mpOpenid: extra.get(g.mp.appid)?.testOpenid }));
  }
  isAuthorized(appid: string): boolean {
    return this.k.state.isAuthorized(appid);
  }
  authorizer(appid: string) {
    return this.k.state.authorizer(appid);
  }
  listAuthorizers(offset = 0, count = 100) {
    const order = this.k.state.authorizedOrder;
    return { total: order.length, list: order.slice(offset, offset + count).map((appid) => this.authorizer(appid)!) };
  }
  tokens() {
    return this.k.state.tokens();
  }
  latestTicket(): string | null {
    return this.k.state.tickets.at(-1)?.value ?? null;
  }
  getPushes(filter: { kind?: PushKind; type?: string; appid?: string } = {}): PushRecord[] {
    return this.k.pushes.records.filter((p) => (!filter.kind || p.kind === filter.kind) && (!filter.type || p.type === filter.type) && (!filter.appid || p.appid === filter.appid));
  }
  getCustomMessages(appid?: string): CustomMessageRecord[] {
    const all = this.customService.messages;
    return appid ? all.filter((m) => m.appid === appid) : [...all];
  }
  /** The reply-window grants the simulator keeps for a user (what each interaction allows, and what is left). */
  serviceWindow(appid: string, openid: string): Grant[] {
    return this.customService.windows.grants(appid, openid);
  }
  /** Every user with reply-window grants (of one account, when given). */
  serviceWindows(appid?: string) {
    return this.customService.windows.list(appid);
  }
  /** Temporary media uploaded (without the bytes), oldest first. */
  getMedia(appid?: string): Omit<StoredMedia, 'bytes'>[] {
    return this.media.list(appid);
  }
  /** The account's admin made this menu in the MP editor (selfmenu format, e.g. {type:'text', name, value}); null removes it. */
  setEditorMenu(appid: string, button: Record<string, unknown>[] | null): void {
    this.menu.setEditorMenu(appid, button);
  }
  /** Links (or with null unlinks) a mini program to an official account; only status 1 lets its menus open it. */
  setMiniProgramLink(oaAppid: string, mpAppid: string, status: LinkStatus | null = 1): void {
    this.link.setLink(oaAppid, mpAppid, status);
  }
  /** The mini programs linked to an official account, as wxamplinkget lists them. */
  linkedMiniPrograms(oaAppid: string): { appid: string; status: LinkStatus }[] {
    return this.link.linked(oaAppid);
  }
  /** The TEMPLATESENDJOBFINISH status template messages to this openid get (e.g. "failed:user block"); null: success. */
  setTemplateFinishStatus(openid: string, status: string | null): void {
    if (status === null) this.templates.finishStatus.delete(openid);
    else this.templates.finishStatus.set(openid, status);
  }
  /** Template messages accepted, oldest first. */
  getTemplateMessages(appid?: string): TemplateMessageRecord[] {
    const all = this.templates.sent;
    return appid ? all.filter((m) => m.appid === appid) : [...all];
  }
  getCalls(path?: string): ApiCallRecord[] {
    return path ? this.k.calls.filter((c) => c.path === path) : [...this.k.calls];
  }
  /** The WeChat APIs this simulator serves: one per endpoint spec. */
  endpoints() {
    return this.k.routes.specs().map((s) => ({ name: s.name, family: s.family, method: s.method, path: specPath(s), token: s.token, answer: s.answer }));
  }
  summary() {
    return {
      now: this.now(),
      clockOffsetMs: this.clockOffsetMs,
      componentAppid: this.config.componentAppid,
      authorizedCount: this.k.state.authorizedOrder.length,
      candidates: this.candidateProfiles().map((p) => ({ appid: p.appid, kind: p.kind, nickName: p.nickName, authorized: this.isAuthorized(p.appid) })),
      latestTicketAt: this.k.state.tickets.at(-1)?.issuedAt ?? null,
      pushes: this.k.pushes.records.length,
      calls: this.k.calls.length,
      customMessages: this.customService.messages.length,
      media: this.media.list().length,
      settings: this.getSettings(),
    };
  }

  // --- what WeChat does on its own (pushes) -------------------------------------------------------------------------

  /** Issue a new component_verify_ticket and push it to the auth-event URL. */
  pushTicket(): Promise<PushRecord> {
    return this.k.pushes.ticket();
  }
  /**
   * Authorize (or re-authorize) an account as the approval page does: a new refresh token supersedes the old one, an
   * auth code is issued, and the authorized/updateauthorized push goes out.
   */
  authorize(appid: string, opts: { funcIds?: number[]; preAuthCode?: string; push?: boolean } = {}): AuthorizeResult {
    return this.k.authorize(appid, opts);
  }
  /** Cancel an authorization: tokens stop working, the refresh token gives 61023, and the unauthorized push goes out. */
  unauthorize(appid: string): { appid: string; push: Promise<PushRecord> } {
    return this.k.unauthorize(appid);
  }
  /** Push a notify_third_fasteregister result (§2.3); on status 0 a new mini program is authorized. */
  fastRegister(input: FastRegisterInput = {}): { appid: string | null; authCode: string | null; push: Promise<PushRecord> } {
    return this.register.complete(input);
  }
  /** Push a notify_third_fastregisterbetaapp result; on status 0 the trial mini program is created and authorized. */
  fastRegisterBeta(input: FastRegisterBetaInput): { appid: string | null; push: Promise<PushRecord>; authorized: Promise<PushRecord> | null } {
    return this.register.completeBeta(input);
  }
  /** Push a notify_third_fastverifybetaapp result for a trial mini program's verification. */
  fastVerifyBeta(input: FastVerifyBetaInput): { push: Promise<PushRecord> } {
    return this.register.completeVerify(input);
  }
  /** Push a user message or event for an authorizer to the message URL; resolves with the record (reply included). */
  sendUserMessage(input: UserMessageInput): Promise<PushRecord> {
    return this.k.pushes.userMessage(input);
  }
  /** Decide the audit in progress, or with none only push weapp_audit_success / _fail / _delay (push tests). */
  auditResult(appid: string, result: 'success' | 'fail' | 'delay', reason?: string): Promise<PushRecord> {
    return this.audit.result(appid, result, reason);
  }
  /**
   * Decide a code audit in progress (the account's latest, or `auditid`): approve, reject with a reason and
   * screenshot media ids, or delay; pushes weapp_audit_success / _fail / _delay. RangeError when there is none.
   */
  decideAudit(appid: string, input: DecideInput): Promise<PushRecord> {
    return this.audit.decide(appid, input);
  }
  /** Audit time (null: only a test decides), the monthly audit quota and speed-up quota; returns the settings. */
  setAuditSettings(s: Partial<AuditSettings>): AuditSettings {
    const cur = this.mp.settings;
    const count = (v: unknown, name: string, min: number) => {
      if (!Number.isSafeInteger(v) || (v as number) < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
      return v as number;
    };
    const next = { ...cur };
    if (s.auditSeconds !== undefined) next.auditSeconds = s.auditSeconds === null ? null : count(s.auditSeconds, 'auditSeconds', 0);
    if (s.quotaLimit !== undefined) next.quotaLimit = count(s.quotaLimit, 'quotaLimit', 0);
    if (s.speedupLimit !== undefined) next.speedupLimit = count(s.speedupLimit, 'speedupLimit', 0);
    Object.assign(cur, next);
    return { ...cur };
  }
  /** While the privacy-API scan of a mini program runs, submit_audit answers 61039. */
  setPrivacyScan(appid: string, scanning: boolean): void {
    const p = this.k.state.profile(appid);
    if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    this.mp.of(appid).privacyScanning = scanning;
  }
  /** A mini program's code state as the simulator keeps it: commit, audits, live version and history, gray plan. */
  miniProgram(appid: string) {
    const { commit, audits, live, history, gray, undo, privacyScanning, categories } = this.mp.of(appid);
    return { commit, audits, live, history, gray, undo, privacyScanning, categories };
  }
  /** Decides a nickname audit in progress and pushes wxa_nickname_audit (mp/settings). */
  decideNicknameAudit(appid: string, input: { result: 'approve' | 'reject'; reason?: string; auditId?: number }): Promise<PushRecord> {
    return this.mpSettings.decideNickname(appid, input);
  }
  /** Decides a category audit and pushes wxa_category_audit; an approved category appears in get_category. */
  /**
   * Declares (or clears) a mini program's privacy settings: a contact, a notice method and every key the library's
   * templates use. Without an appid: the mini programs first seen from now on start so (a demo, a large test).
   */
  setPrivacyDeclared(appid: string | null, declared: boolean): void {
    if (appid !== null) {
      const p = this.k.state.profile(appid);
      if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    }
    this.mpSettings.setPrivacyDeclared(appid, declared);
  }
  decideCategoryAudit(appid: string, input: { first: number; second: number; result: 'approve' | 'reject'; reason?: string }): Promise<PushRecord> {
    return this.mpSettings.decideCategory(appid, input);
  }
  /** The platform's server and webview domains, tester limit, category limits, manual-audit words (mp/settings). */
  mpSettingsConfig(patch: Partial<MpSettingsConfig> = {}): MpSettingsConfig {
    return this.mpSettings.setConfig(patch);
  }
  /** A mini program's settings as the simulator keeps them. */
  miniProgramSettings(appid: string) {
    return this.mpSettings.snapshot(appid);
  }
  /** The platform's audit quota this month. */
  auditQuota() {
    const q = this.mp.quotaFor(this.k.clock.dayKey().slice(0, 7));
    return { ...this.mp.settings, used: q.used, speedupUsed: q.speedupUsed };
  }
  /** The full-network release check (§5.4). */
  releaseCheck(options: ReleaseCheckOptions = {}): Promise<ReleaseCheckResult> {
    return releaseCheck({ k: this.k, messages: () => this.customService.messages, closed: () => this.closed }, options);
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
    if (path.startsWith('/__sim/')) return handleControl(this, req, res, method, url);
    if (await this.pages.handle(req, res, method, url)) return;
    if (await this.register.handlePage(req, res, method, url)) return;
    const route = this.k.routes.find(path, url.searchParams);
    if (route === undefined) return sendJson(res, 404, errorBody(40066, newRid(), `invalid url: ${path} is not an API the simulator knows`));
    if (route === 'query') {
      const wanted = this.k.routes.queriesFor(path).join(' or ');
      return sendJson(res, 404, errorBody(40066, newRid(), `invalid url: ${path} needs ${wanted}`));
    }
    return handleApi(this.k, req, res, method, url, route);
  }
}

/** Start a simulator listening on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  if (options.authEventUrl) checkUrl(options.authEventUrl, 'authEventUrl');
  if (options.messageUrl) checkUrl(options.messageUrl, 'messageUrl');
  const sim = new Simulator(options);
  await sim.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sim;
}
