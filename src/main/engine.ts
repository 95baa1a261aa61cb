/**
 * One platform's engine: the API client, token manager, authorization lifecycle, inbox pipeline, ticket watchdog and
 * relay client wired together on the store. It implements the console's PlatformRuntime. No electron import.
 */
import { AuditBook, type MpAuditListener } from './mp/audits';
import type { EventRecord } from '../shared/domain';
import type { Dispatcher } from 'undici';
import type { EndpointSpec } from '../wechat/spec';
import { toSummary, type OpenAlert, type RelayRefusals, type RelayStatus } from '../shared/contract';
import type { AuthLinkRequest, AuthLinkResponse, PushFrame, QueueFrame } from '../shared/relay-protocol';
import { summarizeRefusals } from '../shared/refusals';
import type { Store } from './store';
import { MpRegistration } from './mp/register';
import { RelayClient, type RelayClientState } from './relay/client';
import { DEFAULT_API_BASE_URL, WeChatApiError, WeChatClient, relayEgressAgent } from './api';
import { undici } from './api/undici';
import { AuthorizationService } from './authorization/authorization';
import { CryptoError, MsgCrypt } from '../wechat/crypto';
import { Inbox } from './inbox/inbox';
import { storeTokenStorage } from './tokens/store-token-storage';
import { TicketWatchdog } from './tokens/ticket-watchdog';
import { TokenManager, type TokenTarget } from './tokens/token-manager';
import { field, parseXml } from '../wechat/xml';
import { ServiceError, errorText } from './errors';
import { BatchRunner } from './batch/runner';
import { menuApplyJob } from './oa/menu-batch';
import { templateSyncJob } from './oa/template-batch';
import { releaseJobWith } from './mp/release-batch';
import type { CreatePlatformRuntimeOptions, PlatformRuntime, RuntimeStatus, SetupCheckOutcome, SyncProgress } from './runtime';

export interface EngineOptions extends CreatePlatformRuntimeOptions {
  now?: () => number;
  /** Events older than this many days are pruned (default: the store setting `eventRetentionDays`, else 90). */
  eventRetentionDays?: number;
  /** How often the ticket watchdog looks (default 60 s), and how long after start it first looks (default 15 s). */
  watchdogCheckMs?: number;
  watchdogGraceMs?: number;
  /** The longest the authorization-link expiry timer waits before looking again (default 60 s). */
  authLinkCheckMs?: number;
}

export class PlatformEngine implements PlatformRuntime {
  readonly componentAppid: string;
  readonly store: Store;
  readonly client: WeChatClient;
  /** The relay tunnel's agent when the platform's calls leave through the relay; closed with the engine. */
  private readonly egress: Promise<Dispatcher> | undefined;
  readonly tokens: TokenManager;
  readonly authorization: AuthorizationService;
  readonly inbox: Inbox;
  readonly relay: RelayClient | null;
  /** Changes applied to many accounts (menus, templates, releases), resumed after a restart. */
  readonly batch: BatchRunner;
  /** Mini-program code audits: submitted by the console, decided by pushes or polls. */
  readonly audits: AuditBook;
  /** Registration tasks of mini programs (enterprise, personal, trial, via an official account). */
  readonly mpRegister: MpRegistration;
  private readonly crypt: MsgCrypt | null;
  private readonly watchdog: TicketWatchdog;
  private readonly ticketIntervalMs: number;
  private readonly relayUrl: string | null;
  private readonly deskKey: string | null;
  private readonly now: () => number;
  private relayState: RelayStatus;
  private refusals: RelayRefusals | null = null;
  private stopped = false;
  private retentionTimer: NodeJS.Timeout | null = null;
  /** Alerts raised and not resolved since, by key: a repeat while open is not announced again. */
  private readonly openAlerts = new Map<string, OpenAlert>();

  constructor(private readonly options: EngineOptions) {
    const { store, componentAppid, emit } = options;
    this.store = store;
    this.componentAppid = componentAppid;
    this.now = options.now ?? Date.now;
    this.ticketIntervalMs = options.ticketIntervalMs ?? 600_000;
    const platform = store.platforms.get(componentAppid);
    if (!platform) throw new ServiceError('not_found', { en: `platform ${componentAppid} is not configured`, zh: `平台 ${componentAppid} 尚未配置` });
    const secrets = store.platforms.getSecrets(componentAppid);
    this.relayUrl = platform.relayUrl;
    this.deskKey = secrets.deskKey;
    this.crypt = secrets.token && secrets.encodingAesKey ? new MsgCrypt({ token: secrets.token, encodingAesKey: secrets.encodingAesKey, appid: componentAppid }) : null;

    const egress = platform.egress === 'relay' && platform.relayUrl && secrets.deskKey ? relayEgressAgent({ relayUrl: httpUrl(platform.relayUrl), deskKey: secrets.deskKey }) : undefined;
    this.egress = egress;
    this.client = new WeChatClient({
      baseUrl: options.apiBaseUrl,
      ...(egress ? { dispatcher: egress } : {}),
      onCall: (c) =>
        store.apiLog.insert({
          componentAppid,
          at: c.at,
          path: c.path,
          appid: c.appid,
          errcode: c.errcode,
          errmsg: c.errmsg,
          rid: c.rid,
          latencyMs: c.latencyMs,
          attempt: c.attempt,
          method: c.method,
          tokenParam: c.tokenParam,
          requestBody: c.requestBody,
          responseBody: c.responseBody,
          responseBinary: c.responseBinary,
        }),
      onNeedsReauth: (appid, refused) => this.authorization.markNeedsReauth(appid, refused),
    });
    this.tokens = new TokenManager({
      client: this.client,
      storage: storeTokenStorage(store, componentAppid, this.now),
      componentAppid,
      componentSecret: () => {
        const s = store.platforms.getSecrets(componentAppid).appSecret;
        if (!s) throw new ServiceError('no_platform', { en: 'the platform has no AppSecret configured; add it in Setup', zh: '平台没有配置 AppSecret：请在“设置”中填写' });
        return s;
      },
      now: this.now,
      onRefreshError: (err, target) => this.onTokenRefreshError(err, target),
      onRefreshed: (target) => {
        if (!this.openAlerts.has(tokenAlertKey(target))) return;
        const what = this.tokenName(target);
        this.resolveAlert(tokenAlertKey(target), `${what.en} was refreshed again; the earlier refresh failure is over.`, `${what.zh} 已重新刷新成功，之前的刷新失败已恢复。`);
      },
    });
    // The simulator serves the authorization pages at its API base URL; real WeChat has its own hosts.
    const authPagesBase = options.apiBaseUrl === DEFAULT_API_BASE_URL ? undefined : options.apiBaseUrl;
    this.authorization = new AuthorizationService({
      store,
      client: this.client,
      tokens: this.tokens,
      componentAppid,
      ...(authPagesBase ? { pcAuthBaseUrl: authPagesBase, mobileAuthBaseUrl: authPagesBase } : {}),
      registerOnRelay: platform.relayUrl && secrets.deskKey ? (link) => this.registerOnRelay(link) : null,
      relayPublicUrl: platform.relayUrl ? httpUrl(platform.relayUrl) : null,
      now: this.now,
      ...(options.authLinkCheckMs !== undefined ? { linkCheckMs: options.authLinkCheckMs } : {}),
      onAlert: (message, details, messageZh) => this.alert('warning', 'needs_reauth', message, details, messageZh, `needs_reauth:${String(details.appid)}`),
      onAuthorized: (a, linkId) => {
        emit('auth:completed', { linkId, authorizerAppid: a.appid, nickName: a.nickName, kind: a.kind });
        const name = a.nickName ?? a.appid;
        this.resolveAlert(`needs_reauth:${a.appid}`, `${name} authorized again; it no longer needs re-authorization.`, `${name} 已重新授权，不再需要重新授权。`);
      },
      onLinkChanged: (link) => emit('link:changed', link),
    });
    this.batch = new BatchRunner({
      store,
      componentAppid,
      jobs: [menuApplyJob, templateSyncJob, releaseJobWith(() => this.audits)],
      call: (spec, appid, req) => this.invokeAs(spec, appid, req),
      now: this.now,
      onChange: (run) => emit('batch:changed', run),
    });
    this.audits = new AuditBook({ store, componentAppid, now: this.now });
    this.audits.onChange((record) => emit('mpcode:audit', record));
    this.mpRegister = new MpRegistration({
      store,
      componentAppid,
      invoke: (spec, appid, req) => this.invokeAs(spec, appid, req),
      exchangeCode: (code, hint) => this.authorization.exchangeCode(code, hint),
      registerOnRelay: platform.relayUrl && secrets.deskKey ? (link) => this.registerOnRelay(link) : null,
      relayPublicUrl: platform.relayUrl ? httpUrl(platform.relayUrl) : null,
      // The simulator serves WeChat's fastregisterauth page at its API base URL, as it does the authorization pages.
      ...(authPagesBase ? { registerPageBase: authPagesBase } : {}),
      now: this.now,
      onChange: (task) => emit('mpregister:changed', task),
    });
    // A decided audit (a push, or a poll) moves the batch release waiting on it at once.
    this.audits.onChange((record) => {
      if (record.state !== 'auditing') this.batch.poke(record.appid);
    });
    this.inbox = new Inbox({
      registrations: this.mpRegister,
      store,
      componentAppid,
      audits: this.audits,
      crypt: this.crypt,
      authorization: this.authorization,
      tokens: this.tokens,
      client: this.client,
      now: this.now,
      onEvent: (e: EventRecord, change) => emit(change === 'new' ? 'event:new' : 'event:updated', toSummary(e)),
      // Called inside the push's transaction: resolve (which stores an alert event) once it has committed.
      onTicket: () =>
        queueMicrotask(() =>
          this.resolveAlert('ticket_stale', 'A component_verify_ticket arrived; the stale-ticket alert is over.', '已收到 component_verify_ticket，ticket 未更新的告警已解除。'),
        ),
    });
    this.watchdog = new TicketWatchdog({
      lastTicketAt: () => store.tickets.latest(componentAppid)?.receivedAt ?? null,
      startPushTicket: () => {
        const secret = store.platforms.getSecrets(componentAppid).appSecret;
        if (!secret) throw new ServiceError('no_platform', { en: 'no AppSecret configured', zh: '没有配置 AppSecret' });
        return this.client.startPushTicket({ component_appid: componentAppid, component_secret: secret });
      },
      alert: (message, details, messageZh) => this.alert('warning', 'ticket_stale', message, details, messageZh),
      now: this.now,
      // The demo pushes every 30 s; production every 10 minutes. Stale = two missed pushes, at least 20 minutes.
      staleAfterMs: Math.max(20 * 60_000, 2 * this.ticketIntervalMs),
      checkEveryMs: options.watchdogCheckMs ?? 60_000,
      ...(options.watchdogGraceMs !== undefined ? { startupGraceMs: options.watchdogGraceMs } : {}),
    });
    this.relayState = { state: 'not_configured', url: this.relayUrl, since: this.now(), cursor: store.relay.getCursor(componentAppid), lastError: null, lastErrorZh: null, nextRetryAt: null };
    this.relay =
      platform.relayUrl && secrets.deskKey
        ? new RelayClient({
            url: platform.relayUrl,
            deskKey: secrets.deskKey,
            getCursor: () => store.relay.getCursor(componentAppid),
            getQueueId: () => store.relay.getQueue(componentAppid).queueId,
            onPushes: (pushes: PushFrame[]) => this.onPushes(pushes),
            onQueue: (queue, change) => this.onRelayQueue(queue, change),
            onRefusals: (frame) => (this.refusals = summarizeRefusals(frame, this.now())),
            onState: (s) => this.onRelayState(s),
          })
        : null;
  }

  get apiBaseUrl(): string {
    return this.client.baseUrl;
  }

  /** Hear every change of a recorded mini-program audit (push, poll, submit, undo); answers the unsubscribe. */
  onMpAudit(listener: MpAuditListener): () => void {
    return this.audits.onChange(listener);
  }

  invokeAs<Req, Res>(spec: EndpointSpec<Req, Res>, appid: string | null, req: Req): Promise<Res> {
    const token = spec.token === 'none' ? null : appid ? this.tokens.authorizerTokenSource(appid) : this.tokens.componentTokenSource;
    return this.client.invoke(spec, token, req);
  }

  /** Starts the relay connection, the token timer, the ticket watchdog and unfinished batch runs. */
  start(): void {
    this.relay?.start();
    this.batch.resume();
    this.mpRegister.recoverInterrupted();
    this.tokens.start();
    this.watchdog.start();
    this.authorization.start();
    // Keep the events table bounded: prune once a minute after start, then hourly.
    const prune = () => void this.pruneEvents().catch(() => undefined);
    this.retentionTimer = setTimeout(() => {
      prune();
      this.retentionTimer = setInterval(prune, 3_600_000);
      this.retentionTimer.unref();
    }, 60_000);
    this.retentionTimer.unref();
  }

  /**
   * Deletes events older than the retention period, 5,000 at a time with a turn of the event loop between batches so
   * live pushes are not held up. Returns how many were deleted.
   */
  async pruneEvents(): Promise<number> {
    const days =
      this.options.eventRetentionDays ??
      this.store.settings.get<number>('eventRetentionDays', this.componentAppid) ??
      this.store.settings.get<number>('eventRetentionDays') ??
      90;
    const before = this.now() - days * 86_400_000;
    let total = 0;
    for (;;) {
      const n = this.store.events.pruneBefore(this.componentAppid, Math.max(0, Math.floor(before)), 5000);
      total += n;
      if (n < 5000 || this.stopped) return total;
      await new Promise((r) => setImmediate(r));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retentionTimer) clearTimeout(this.retentionTimer); // clearTimeout also clears an interval
    this.watchdog.stop();
    this.tokens.stop();
    this.authorization.stop();
    await this.batch.stop();
    await this.relay?.stop();
    await this.inbox.idle();
    // Its tunnels close once the calls still in flight have their answers; the stop does not wait for them.
    this.egress?.then((agent) => agent.close()).catch(() => undefined);
  }

  status(): RuntimeStatus {
    return {
      relay: { ...this.relayState, cursor: this.store.relay.getCursor(this.componentAppid) },
      ticketIntervalMs: this.ticketIntervalMs,
      alerts: [...this.openAlerts.values()],
    };
  }

  /** One relay push through the inbox; the event and the cursor are committed before this resolves (then the ack). */
  async onPush(push: PushFrame): Promise<{ reply: string | null }> {
    const result = await this.inbox.process(push);
    return { reply: push.kind === 'authorizer' ? result.reply : null };
  }

  /** The pushes waiting at the relay link, committed in one transaction before this resolves (then one ack). */
  async onPushes(pushes: PushFrame[]): Promise<{ replies: (string | null)[] }> {
    const results = this.inbox.processBatch(pushes);
    return { replies: results.map((r, i) => (pushes[i]!.kind === 'authorizer' ? r.reply : null)) };
  }

  relayRefusals(): RelayRefusals | null {
    return this.refusals;
  }

  /** The relay's answer to hello: remember its queue id; a new queue means the cursor starts again at 0. */
  private onRelayQueue(queue: QueueFrame, change: 'first' | 'same' | 'new'): void {
    const appid = this.componentAppid;
    if (change === 'first') this.store.relay.setQueueId(appid, queue.queueId);
    if (change !== 'new') return;
    const before = this.store.relay.getQueue(appid);
    // One transaction: a reset whose alert was not stored would not be told again (the next hello names the new queue).
    this.store.transaction(() => {
      this.store.relay.startNewQueue(appid, queue.queueId);
      this.alert(
        'warning',
        'relay_queue_reset',
        `The relay has a new push queue (${queue.queueId}, newest seq ${queue.newestSeq}; this desk was at seq ${before.cursor}` +
          `${before.queueId ? ` of queue ${before.queueId}` : ''}): the relay was replaced, or its data folder was lost or swapped. ` +
          'The desk takes its pushes again from the oldest one the relay holds. Pushes the old relay had not delivered are ' +
          'gone: check the authorizers (sync) and the ticket.',
        { previousQueueId: before.queueId, previousCursor: before.cursor, queueId: queue.queueId, newestSeq: queue.newestSeq },
        `中继的推送队列是新的（${queue.queueId}，最新序号 ${queue.newestSeq}；本机原来处理到${before.queueId ? `队列 ${before.queueId} 的` : ''}序号 ${before.cursor}）：` +
          '中继可能被更换，或它的数据目录丢失、被替换。已从中继保存的最早一条推送重新接收；旧中继尚未送达的推送已无法找回，请同步授权方列表并留意 ticket。',
      );
    });
  }

  createAuthLink(opts: { authType: number; bizAppid?: string; categoryIds?: string }) {
    const categoryIds = opts.categoryIds ? opts.categoryIds.split('|').map((s) => Number(s.trim())) : undefined;
    return this.authorization.createLink({ authType: opts.authType, ...(opts.bizAppid ? { bizAppid: opts.bizAppid } : {}), ...(categoryIds ? { categoryIds } : {}) });
  }

  syncAuthorizers(onProgress: SyncProgress) {
    return this.authorization.reconcile(onProgress);
  }

  async rerunEvent(id: number): Promise<EventRecord> {
    const result = await this.inbox.rerun(id);
    const e = this.store.events.get(result.eventId);
    if (!e) throw new ServiceError('not_found', { en: `event ${result.eventId} vanished while re-running`, zh: `推送 #${result.eventId} 在重新处理时消失了` });
    return e;
  }

  async testDecrypt(sample?: { timestamp: string; nonce: string; msgSignature: string; body: string }): Promise<SetupCheckOutcome> {
    if (!this.crypt) return { ok: false, message: 'Token and EncodingAESKey are not both set: add them, then test again.', messageZh: '尚未同时设置 Token 和 EncodingAESKey：请填写后再测试。' };
    let s = sample;
    if (!s) {
      const latest = this.store.events.list({ componentAppid: this.componentAppid, kind: 'component', limit: 1 }).rows[0];
      const q = latest?.query;
      if (!latest || !q?.timestamp || !q.nonce || !q.msg_signature) {
        return {
          ok: false,
          message: 'No push has arrived yet to test with: paste a captured push (body and query), or wait for the next ticket.',
          messageZh: '还没有可用于测试的推送：请粘贴一条抓到的推送（body 和 query），或等待下一次 ticket 推送。',
        };
      }
      s = { timestamp: q.timestamp, nonce: q.nonce, msgSignature: q.msg_signature, body: latest.rawBody };
    }
    try {
      const encrypt = field(parseXml(s.body, 64 * 1024), 'Encrypt');
      if (!encrypt) return { ok: false, message: 'The sample body has no <Encrypt> element.', messageZh: '样例 body 中没有 <Encrypt> 元素。' };
      const { plaintext } = this.crypt.verifyAndDecrypt({ msgSignature: s.msgSignature, timestamp: s.timestamp, nonce: s.nonce, encrypt });
      return {
        ok: true,
        message: 'The signature matches the Token and the push decrypts with the EncodingAESKey to this platform’s appid.',
        messageZh: '签名与 Token 相符，推送可用 EncodingAESKey 解密，且 appid 是本平台的。',
        details: { plaintext },
      };
    } catch (err) {
      const kind = err instanceof CryptoError ? err.kind : null;
      const hint =
        kind === 'bad_signature'
          ? [' Check the Token (消息校验Token).', '签名校验失败：请检查 Token（消息校验Token）。']
          : kind === 'appid_mismatch'
            ? [' The push was encrypted for another appid: is the component appid right?', '解密后的 appid 不是本平台的：请检查第三方平台 appid。']
            : [' Check the EncodingAESKey (消息加解密Key).', '解密失败：请检查 EncodingAESKey（消息加解密Key）。'];
      const code = err instanceof CryptoError ? `（错误码 ${err.code}）` : '';
      return { ok: false, message: `${(err as Error).message}.${hint[0]}`, messageZh: `${hint[1]}${code}` };
    }
  }

  async testComponentToken(): Promise<SetupCheckOutcome> {
    try {
      await this.tokens.getComponentToken();
      const t = this.store.tokens.getComponent(this.componentAppid);
      return {
        ok: true,
        message: 'A component_access_token was obtained with the AppSecret and the newest ticket.',
        messageZh: '已用 AppSecret 和最新的 ticket 获取到 component_access_token。',
        details: { expiresAt: t?.expiresAt ?? null },
      };
    } catch (err) {
      if (err instanceof WeChatApiError) {
        return { ok: false, message: err.message, messageZh: `微信返回错误码 ${err.errcode}：${err.explanation.zh}`, explanation: err.explanation };
      }
      const why = errorText(err);
      return { ok: false, message: why.en, messageZh: `获取 component_access_token 失败：${why.zh}` };
    }
  }

  async testRelay(): Promise<SetupCheckOutcome> {
    if (!this.relayUrl || !this.deskKey) return { ok: false, message: 'No relay URL and desk key configured.', messageZh: '尚未配置中继地址和 desk key。' };
    const base = httpUrl(this.relayUrl).replace(/\/+$/, '');
    const deskKeyRefused: SetupCheckOutcome = {
      ok: false,
      message: 'The relay is reachable but refused the desk key: copy the deskKey from the relay’s config.',
      messageZh: '中继可以访问，但拒绝了 desk key：请从中继配置中复制 deskKey。',
    };
    try {
      // With the desk key the relay answers its details (queue, desk lag, connections, refusals); without, only {ok}.
      const { request } = await undici();
      const health = await request(`${base}/healthz`, { headers: { authorization: `Bearer ${this.deskKey}` }, headersTimeout: 5000, bodyTimeout: 5000 });
      const body = (await health.body.json().catch(() => ({}))) as Record<string, unknown>;
      if (health.statusCode === 401) return deskKeyRefused;
      if (health.statusCode !== 200) {
        return { ok: false, message: `The relay answered /healthz with HTTP ${health.statusCode}.`, messageZh: `中继的 /healthz 返回 HTTP ${health.statusCode}。` };
      }
      // An empty registration is refused as 400 with the right key and 401 with a wrong one: checks the key, creates nothing.
      const auth = await request(`${base}/desk/auth-links`, { method: 'POST', headers: { authorization: `Bearer ${this.deskKey}`, 'content-type': 'application/json' }, body: '{}', headersTimeout: 5000 });
      await auth.body.dump();
      if (auth.statusCode === 401) return deskKeyRefused;
      return { ok: true, message: 'The relay is reachable and accepts the desk key.', messageZh: '中继可以访问，并接受 desk key。', details: { health: body } };
    } catch (err) {
      return { ok: false, message: `Could not reach the relay at ${base}: ${(err as Error).message}`, messageZh: `无法连接中继 ${base}：${(err as Error).message}` };
    }
  }

  async getAuthorizerOption(appid: string, optionName: string): Promise<string> {
    const res = await this.client.getAuthorizerOptionLegacy(this.tokens.componentTokenSource, {
      component_appid: this.componentAppid,
      authorizer_appid: appid,
      option_name: optionName,
    });
    return String(res.option_value ?? '');
  }

  async setAuthorizerOption(appid: string, optionName: string, optionValue: string): Promise<void> {
    await this.client.setAuthorizerOptionLegacy(this.tokens.componentTokenSource, {
      component_appid: this.componentAppid,
      authorizer_appid: appid,
      option_name: optionName,
      option_value: optionValue,
    });
  }

  async checkRefreshToken(appid: string) {
    const checkedAt = this.now();
    try {
      await this.tokens.refreshAuthorizerToken(appid);
      this.store.authorizers.markRefreshTokenChecked(this.componentAppid, appid, false, checkedAt);
      return {
        appid,
        ok: true,
        checkedAt,
        errcode: null,
        message: 'WeChat accepted the stored refresh token.',
        messageZh: '微信接受了保存的 refresh token。',
        status: this.statusOf(appid),
      };
    } catch (err) {
      const errcode = err instanceof WeChatApiError ? err.errcode : null;
      const why = errorText(err);
      return { appid, ok: false, checkedAt, errcode, message: why.en, messageZh: why.zh, status: this.statusOf(appid) };
    }
  }

  private statusOf(appid: string) {
    const a = this.store.authorizers.get(this.componentAppid, appid);
    if (!a) throw new ServiceError('not_found', { en: `authorizer ${appid} is not stored`, zh: `没有保存授权方 ${appid}` });
    return a.status;
  }

  private async registerOnRelay(link: Required<AuthLinkRequest>): Promise<AuthLinkResponse> {
    const base = httpUrl(this.relayUrl!).replace(/\/+$/, '');
    const { request } = await undici();
    const res = await request(`${base}/desk/auth-links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.deskKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(link),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200 && res.statusCode !== 201) throw new ServiceError('unavailable', {
        en: `the relay refused to register the link (HTTP ${res.statusCode}): ${text.slice(0, 200)}`,
        zh: `中继拒绝登记授权链接（HTTP ${res.statusCode}）：${text.slice(0, 200)}`,
      });
    let answer: Partial<AuthLinkResponse> = {};
    try {
      answer = JSON.parse(text) as Partial<AuthLinkResponse>;
    } catch {
      // judged below
    }
    if (typeof answer.id !== 'string' || typeof answer.startUrl !== 'string') {
      throw new ServiceError('unavailable', {
        en: `the relay registered the link but its answer has no id and startUrl: ${text.slice(0, 200)}`,
        zh: `中继登记了授权链接，但应答中没有 id 和 startUrl：${text.slice(0, 200)}`,
      });
    }
    return { id: answer.id, startUrl: answer.startUrl };
  }

  private onRelayState(s: RelayClientState): void {
    const state = s.status;
    const since = state !== this.relayState.state ? this.now() : this.relayState.since;
    this.relayState = { state, url: this.relayUrl, since, cursor: s.cursor, lastError: s.lastError, lastErrorZh: s.lastErrorZh, nextRetryAt: s.nextRetryAt ?? null };
    this.options.emit('relay:state', { ...this.relayState, componentAppid: this.componentAppid });
  }

  /**
   * Stores and announces an alert, unless one with the same key is still open: a condition that persists (a refresh
   * failing every minute) is told once, until resolveAlert says it is over.
   */
  private alert(level: OpenAlert['level'], code: string, message: string, details: Record<string, unknown>, messageZh: string, key = code): void {
    const alert: OpenAlert = { level, code, key, message, messageZh, at: this.now() };
    const known = this.openAlerts.has(key);
    this.openAlerts.set(key, alert);
    if (known) return;
    this.inbox.alert(message, { code, key, ...details }, messageZh);
    this.options.emit('alert:new', alert);
  }

  /** Ends the alert with this key, if one is open: stored as a note, and the UI takes it away. */
  private resolveAlert(key: string, message: string, messageZh: string): void {
    const open = this.openAlerts.get(key);
    if (!open || !this.openAlerts.delete(key)) return;
    this.inbox.alert(message, { code: open.code, key, resolved: true }, messageZh);
    this.options.emit('alert:resolved', { code: open.code, key, at: this.now() });
  }

  /** A background token refresh failed: the operator hears once, with what WeChat's errcode means. */
  private onTokenRefreshError(err: unknown, target: TokenTarget): void {
    // 61023 (refresh token refused) already marked the account needs_reauth, with its own alert.
    if (err instanceof WeChatApiError && err.errcode === 61023) return;
    const what = this.tokenName(target);
    const errcode = err instanceof WeChatApiError ? err.errcode : null;
    const reason = err instanceof WeChatApiError ? { en: `errcode ${err.errcode}: ${err.explanation.en}`, zh: `errcode ${err.errcode}：${err.explanation.zh}` } : errorText(err);
    this.alert(
      target.kind === 'component' ? 'error' : 'warning',
      'token_refresh_failed',
      `Refreshing ${what.en} failed (${reason.en}). It is retried automatically; calls use the current token while it lasts.`,
      { target: target.kind === 'component' ? 'component' : target.appid, errcode },
      `刷新 ${what.zh} 失败（${reason.zh}）。会自动重试；当前 token 过期前调用仍使用它。`,
      tokenAlertKey(target),
    );
  }

  private tokenName(target: TokenTarget): { en: string; zh: string } {
    if (target.kind === 'component') return { en: 'the component_access_token', zh: 'component_access_token' };
    const nickName = this.store.authorizers.get(this.componentAppid, target.appid)?.nickName;
    const who = nickName ? { en: `${nickName} (${target.appid})`, zh: `${nickName}（${target.appid}）` } : { en: target.appid, zh: target.appid };
    return { en: `the authorizer_access_token of ${who.en}`, zh: `${who.zh} 的 authorizer_access_token` };
  }
}

function tokenAlertKey(target: TokenTarget): string {
  return `token_refresh_failed:${target.kind === 'component' ? 'component' : target.appid}`;
}

/** The relay URL as configured may be ws(s):// or http(s)://; HTTP calls need the http(s) form. */
function httpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//i, 'http$1://');
}

export async function createPlatformEngine(options: CreatePlatformRuntimeOptions & { now?: () => number }): Promise<PlatformEngine> {
  const engine = new PlatformEngine(options);
  engine.start();
  return engine;
}

