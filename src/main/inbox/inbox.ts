/**
 * The inbox pipeline: takes pushes as the relay delivers them and verifies, decrypts, parses, stores them
 * idempotently, dispatches them (ticket → tokens; authorization events → lifecycle; authorizer messages → reply rules)
 * and returns the encrypted passive replies. A push that fails to verify or decrypt is stored as a failed event with
 * the reason, never dropped.
 *
 * Batches: every push waiting at the relay link is processed in ONE transaction (events, cursor, synchronous effects
 * such as storing a ticket or revoking an authorizer), so a durable commit (synchronous=FULL) costs one fsync per batch,
 * not per push. Each push runs in its own savepoint: when its handling throws, only that push rolls back and it is
 * stored as failed instead (raw body, reason), so the batch commits, the relay gets its ack and the queue moves on;
 * re-run from the Events screen retries the handling. Effects that call WeChat (code exchange, the release check's
 * custom/send) never run inside the transaction: they start after the commit, in seq order, and their outcome (ok,
 * or failed with WeChat's errcode) is written to the event when they finish.
 */
import type { AuditBook } from '../mp/audits';
import { createHash } from 'node:crypto';
import type { Bilingual } from '../../shared/contract';
import type { Authorizer, EventInput, EventRecord, EventStatus, EventVerdicts } from '../../shared/domain';
import { explainErrcode } from '../../shared/errcodes';
import { ServiceError, errorText } from '../errors';
import type { PushFrame } from '../../shared/relay-protocol';
import type { Store } from '../store';
import type { EventOutcome } from '../store/api';
import { isAppid } from '../store/validate';
import type { WeChatClient } from '../api';
import type { AuthorizationService } from '../authorization/authorization';
import { UNDECIDED_AUDIT_STATES } from '../../shared/mp/audits';
import { REGISTER_STAGE_WORDS } from '../../shared/mp/register';
import type { MpRegistration } from '../mp/register';
import { CryptoError, type MsgCrypt } from '../../wechat/crypto';
import { isReleaseTestAccount, releaseAction } from '../../wechat/release-check';
import type { TokenManager } from '../tokens/token-manager';
import { XmlError, buildReplyEnvelope, buildXml, field, parseXml, type XmlObject } from '../../wechat/xml';

/** A push as the relay delivers it; seq null for pushes replayed locally. */
export type InboundPush = Pick<PushFrame, 'kind' | 'appid' | 'query' | 'body' | 'receivedAt'> & { seq: number | null };

export interface InboxResult {
  eventId: number;
  status: 'ok' | 'failed';
  /** Already stored (same seq or same dedupe key): not dispatched again. */
  duplicate: boolean;
  /** The HTTP body for WeChat (authorizer pushes): an encrypted envelope, '' or 'success'. null for other kinds. */
  reply: string | null;
}

export interface InboxDeps {
  store: Store;
  componentAppid: string;
  /** null when the platform's Token/EncodingAESKey are not set: every push is stored as failed, saying so. */
  crypt: MsgCrypt | null;
  authorization: AuthorizationService;
  tokens: TokenManager;
  client: WeChatClient;
  now?: () => number;
  /** A stored event changed or was added (live tail). */
  /** An event was stored ('new'), or a stored one changed ('updated'): the live tail. */
  onEvent?: (event: EventRecord, change: 'new' | 'updated') => void;
  /** Mini-program audits: weapp_audit_* pushes decide the account's latest undecided audit. */
  audits?: AuditBook;
  /** A ticket arrived (dashboard). */
  onTicket?: (receivedAt: number) => void;
  /** Registration tasks of mini programs (src/main/mp/register.ts): result pushes and via-OA tickets go to them. */
  registrations?: Pick<MpRegistration, 'onResult' | 'authorized' | 'ticketArrived'>;
}

const AUDIT_WORDS_ZH = { approved: '审核通过', rejected: '审核未通过', delayed: '审核延后' } as const;

const MAX_BODY = 64 * 1024;
/** Longest raw body kept for a push the store would not take as it came (the relay's frames are at most 1 MiB). */
const MAX_KEPT_BODY = 1024 * 1024;
const PUSH_KINDS: readonly string[] = ['component', 'authorizer', 'auth_redirect'];

/** A push opened and parsed, ready to store: no writes have happened yet. */
type Prepared =
  | { type: 'failed'; event: EventInput }
  | { type: 'redirect'; event: EventInput; code: string; link: string | null }
  /** The relay's landing for a mini program registered via an official account: a ticket for account/fastregister. */
  | { type: 'ticket'; event: EventInput; ticket: string; link: string | null }
  | { type: 'message'; event: EventInput; msg: XmlObject };

/** What runs after the batch commits: effects that call WeChat, then announcements to the UI. */
type After = (() => void)[];

export class Inbox {
  private readonly now: () => number;
  /** Side effects still running (API calls after an authorization event, the release check's custom/send). */
  private readonly running = new Set<Promise<unknown>>();
  /** Events whose asynchronous effect is running now, with that effect (re-run waits for it). */
  private readonly dispatching = new Map<number, Promise<void>>();
  /** Events whose asynchronous effect waits for the batch to commit, with the list it waits in. */
  private readonly scheduled = new Map<number, After>();

  constructor(private readonly deps: InboxDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Resolves when every side effect started so far has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** One push: a batch of one. */
  async process(push: InboundPush): Promise<InboxResult> {
    return this.processBatch([push])[0]!;
  }

  /**
   * Pushes in relay order, in one transaction: when this returns, their events and the cursor are committed (then the
   * caller acknowledges). Throws only when the store cannot write at all; then nothing of the batch is committed.
   */
  processBatch(pushes: InboundPush[]): InboxResult[] {
    const after: After = [];
    let results: InboxResult[];
    try {
      results = this.deps.store.transaction(() => pushes.map((push) => this.processOne(push, after)));
    } finally {
      this.scheduled.clear();
    }
    runAll(after);
    return results;
  }

  /** Re-run a stored event: its handling again (a failed side effect), or the whole pipeline (e.g. after fixing a key). */
  async rerun(eventId: number): Promise<InboxResult> {
    const e = this.deps.store.events.get(eventId);
    if (!e || e.componentAppid !== this.deps.componentAppid) {
      throw new ServiceError('not_found', { en: `event ${eventId} does not exist on this platform`, zh: `本平台没有推送 #${eventId}` });
    }
    if (e.kind !== 'component' && e.kind !== 'authorizer' && e.kind !== 'auth_redirect') {
      throw new ServiceError('conflict', {
        en: `event ${eventId} is a ${e.kind} event; only pushes can be re-run`,
        zh: `#${eventId} 是${e.kind === 'alert' ? '告警' : '本地'}记录，只有推送才能重新处理`,
      });
    }
    // Opened, stored, then its handling failed: handle it again, on the same event, and report what happened.
    if (e.status === 'failed' && e.plaintext !== null) return this.rehandle(e);
    const result = await this.process({ seq: null, kind: e.kind, appid: e.appid, query: e.query ?? {}, body: e.rawBody, receivedAt: this.now() });
    await this.dispatching.get(result.eventId);
    return result;
  }

  /** An operator-facing alert, kept with the events (its note in both languages; messageZh defaults to the English). */
  alert(message: string, details: Record<string, unknown> = {}, messageZh: string = message): number {
    const res = this.deps.store.events.insert({
      componentAppid: this.deps.componentAppid,
      kind: 'alert',
      receivedAt: this.now(),
      rawBody: message,
      plaintext: JSON.stringify(details),
      status: 'ok',
      handledNote: message,
      handledNoteZh: messageZh,
    });
    if (res.inserted) this.emit(res.id, 'new');
    return res.id;
  }

  // ------------------------------------------------------------------------------------------------------------

  /** One push in its own savepoint; whatever its handling throws ends with the push stored as failed. */
  private processOne(push: InboundPush, after: After): InboxResult {
    let prepared: Prepared | null = null;
    const own: After = [];
    try {
      prepared = this.prepare(push);
      const p = prepared;
      const result = this.deps.store.transaction(() => this.commit(push, p, own));
      after.push(...own);
      return result;
    } catch (err) {
      for (const [id, list] of this.scheduled) if (list === own) this.scheduled.delete(id); // rolled back with it
      return this.keepFailed(push, prepared?.event ?? null, err, after);
    }
  }

  /** Verify, decrypt and parse; no writes. */
  private prepare(push: InboundPush): Prepared {
    const base: EventInput = {
      componentAppid: this.deps.componentAppid,
      seq: push.seq,
      kind: push.kind,
      appid: push.appid,
      receivedAt: push.receivedAt,
      query: push.query,
      rawBody: push.body,
    };
    if (push.kind === 'auth_redirect') {
      let body: { auth_code?: unknown; link?: unknown; ticket?: unknown };
      try {
        body = JSON.parse(push.body) as typeof body;
      } catch {
        body = {};
      }
      const ticket = typeof body?.ticket === 'string' && body.ticket ? body.ticket : null;
      if (ticket && typeof body.link === 'string') {
        return { type: 'ticket', ticket, link: body.link, event: { ...base, appid: null, status: 'ok', plaintext: push.body, infoType: 'fastregister_ticket', dedupeKey: `fastregister_ticket:${ticket}` } };
      }
      const code = typeof body?.auth_code === 'string' && body.auth_code ? body.auth_code : null;
      if (!code) return { type: 'failed', event: { ...base, appid: null, status: 'failed', ...reasonFields({ en: 'the authorization redirect carries no auth_code', zh: '授权回跳中没有 auth_code' }) } };
      const link = typeof body.link === 'string' ? body.link : null;
      return { type: 'redirect', code, link, event: { ...base, appid: null, status: 'ok', plaintext: push.body, infoType: 'auth_redirect', dedupeKey: `auth_code:${code}` } };
    }
    const opened = this.open(push);
    if ('failure' in opened) return { type: 'failed', event: { ...base, status: 'failed', ...reasonFields(opened.failure), verdicts: opened.verdicts } };
    const { plaintext, msg, verdicts } = opened;
    return {
      type: 'message',
      msg,
      event: {
        ...base,
        // Component pushes name their account in the body, not the URL: keep it so filtering by account finds them
        // (only a well-formed appid: WeChat's own samples carry placeholders such as "公众号appid").
        appid: push.appid ?? accountOf(msg),
        plaintext,
        status: 'ok',
        verdicts,
        infoType: field(msg, 'InfoType') ?? null,
        msgType: field(msg, 'MsgType') ?? null,
        event: field(msg, 'Event') ?? null,
        fromUser: field(msg, 'FromUserName') ?? null,
        toUser: field(msg, 'ToUserName') ?? null,
        createTime: toInt(field(msg, 'CreateTime')),
        msgId: field(msg, 'MsgId') ?? field(msg, 'MsgID') ?? null,
        dedupeKey: dedupeKey(push.appid, msg, plaintext),
      },
    };
  }

  /** Store the event (with the cursor) and run its synchronous effects; effects that call WeChat go to `after`. */
  private commit(push: InboundPush, p: Prepared, after: After): InboxResult {
    const { store } = this.deps;
    const started = this.now();
    const res = store.events.insert(p.event);
    const duplicate = !res.inserted;
    if (p.type === 'failed') {
      if (!duplicate) after.push(() => this.emit(res.id, 'new'));
      // WeChat shows the user an error if an authorizer push gets a bad answer; `success` keeps it quiet.
      return { eventId: res.id, status: 'failed', duplicate, reply: push.kind === 'authorizer' ? 'success' : null };
    }
    if (p.type === 'ticket') {
      if (!duplicate) {
        this.scheduleTicket(res.id, after, p.ticket, p.link);
        after.push(() => this.emit(res.id, 'new'));
      }
      return { eventId: res.id, status: 'ok', duplicate, reply: null };
    }
    if (p.type === 'redirect') {
      if (!duplicate) {
        this.schedule(res.id, after, () => this.deps.authorization.exchangeRedirect(p.code, p.link), EXCHANGE, authorizedNote);
        after.push(() => this.emit(res.id, 'new'));
      }
      return { eventId: res.id, status: 'ok', duplicate, reply: null };
    }
    if (push.kind === 'component') {
      // A crash after the commit but before an asynchronous effect (a code exchange) finished leaves the event
      // without a handled note: the relay redelivers it, and the effect runs now.
      const redo = duplicate && this.unfinished(res.id);
      if (!duplicate || redo) {
        this.dispatchComponent(res.id, p.msg, after);
        after.push(() => this.emit(res.id, duplicate ? 'updated' : 'new'));
      }
      return { eventId: res.id, status: 'ok', duplicate, reply: null };
    }
    if (duplicate) return { eventId: res.id, status: 'ok', duplicate: true, reply: 'success' };
    this.noteTemplateJobFinish(res.id, push.appid, p.msg);
    this.noteAudit(res.id, push.appid, p.msg, after);
    this.noteMpSettingsAudit(res.id, p.msg);
    const reply = this.replyTo(res.id, push.appid, p.msg, started, after);
    after.push(() => this.emit(res.id, 'new'));
    return { eventId: res.id, status: 'ok', duplicate: false, reply };
  }

  /** A stored ok event whose asynchronous effect never reported (the app stopped before it finished). */
  private unfinished(eventId: number): boolean {
    if (this.dispatching.has(eventId) || this.scheduled.has(eventId)) return false;
    const e = this.deps.store.events.get(eventId);
    return e !== null && e.status === 'ok' && e.handledNote == null;
  }

  /**
   * The push's handling threw (its savepoint rolled back): store it as failed so the relay link moves on. First as
   * opened (plaintext and fields, for the detail view and re-run), else in a minimal form that takes any input (a
   * relay frame with fields the store refuses). Throws only if the store cannot write even that: then the batch
   * rolls back, nothing is acknowledged, and the link retries after a backoff.
   */
  private keepFailed(push: InboundPush, opened: EventInput | null, err: unknown, after: After): InboxResult {
    // The database itself is unusable (locked by another writer, disk full, I/O error): no record can be written,
    // and the push is not at fault. Give up the batch at once; the relay keeps it until a later attempt commits.
    if (storeUnavailable(err)) throw err;
    const why = errorText(err);
    const reason: Bilingual = {
      en: clip(`handling this push failed: ${why.en}. Fix the cause, then re-run it from the Events screen.`),
      zh: clip(`处理这条推送失败：${why.zh}。排除原因后，在“推送事件”页重新处理它。`),
    };
    const reply = push.kind === 'authorizer' ? 'success' : null;
    const candidates: EventInput[] = [];
    if (opened) candidates.push({ ...opened, status: 'failed', ...reasonFields(reason), handledNote: null, handledNoteZh: null });
    candidates.push(this.minimalRecord(push, reason));
    let last: unknown = err;
    for (const event of candidates) {
      try {
        const res = this.deps.store.transaction(() => {
          const r = this.deps.store.events.insert(event);
          // Already stored and waiting for its effect (a redelivery whose re-dispatch threw): that event failed.
          const existing = r.inserted ? null : this.deps.store.events.get(r.id);
          if (existing && existing.status === 'ok' && existing.handledNote == null) {
            this.deps.store.events.setOutcome(r.id, { status: 'failed', ...reasonFields(reason), handledNote: null });
          }
          return r;
        });
        after.push(() => this.emit(res.id, res.inserted ? 'new' : 'updated'));
        return { eventId: res.id, status: 'failed', duplicate: !res.inserted, reply };
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`push ${push.seq ?? '(local)'} could not be stored, not even as failed: ${errorMessage(last)} (while handling it: ${errorMessage(err)})`);
  }

  /** Only fields that cannot be refused: our appid, the seq the client checked, a known kind, now, the body as text. */
  private minimalRecord(push: InboundPush, reason: Bilingual): EventInput {
    const kind = PUSH_KINDS.includes(push.kind) ? push.kind : 'component';
    const body = typeof push.body === 'string' ? push.body : (JSON.stringify(push.body) ?? String(push.body));
    const notes = [
      kind !== push.kind ? `the relay sent kind ${JSON.stringify(push.kind)}` : null,
      push.appid != null ? `appid ${JSON.stringify(push.appid)}` : null,
      push.query != null ? `query ${clip(JSON.stringify(push.query) ?? '', 500)}` : null,
    ].filter(Boolean);
    return {
      componentAppid: this.deps.componentAppid,
      seq: Number.isSafeInteger(push.seq) && push.seq! >= 1 ? push.seq : null,
      kind,
      appid: null,
      receivedAt: this.now(),
      rawBody: body.slice(0, MAX_KEPT_BODY),
      status: 'failed',
      failReason: clip(notes.length ? `${reason.en} As received: ${notes.join('; ')}.` : reason.en),
      failReasonZh: clip(notes.length ? `${reason.zh} 收到的原样：${notes.join('；')}。` : reason.zh),
    };
  }

  /** Handle a stored, opened event again (re-run of a failed side effect); resolves when its effects finished. */
  private async rehandle(e: EventRecord): Promise<InboxResult> {
    const { store } = this.deps;
    const after: After = [];
    let reply: string | null = null;
    try {
      store.transaction(() => {
        store.events.setOutcome(e.id, { status: 'ok', failReason: null, handledNote: null });
        if (e.kind === 'auth_redirect' && e.infoType === 'fastregister_ticket') {
          const body = JSON.parse(e.plaintext!) as { ticket?: string; link?: string };
          this.scheduleTicket(e.id, after, String(body.ticket), typeof body.link === 'string' && body.link ? body.link : null);
        } else if (e.kind === 'auth_redirect') {
          const body = JSON.parse(e.plaintext!) as { auth_code?: string; link?: string };
          const link = typeof body.link === 'string' && body.link ? body.link : null;
          this.schedule(e.id, after, () => this.deps.authorization.exchangeRedirect(String(body.auth_code), link), EXCHANGE, authorizedNote);
        } else if (e.kind === 'component') {
          this.dispatchComponent(e.id, parseXml(e.plaintext!), after);
        } else {
          reply = this.replyTo(e.id, e.appid, parseXml(e.plaintext!), this.now(), after);
        }
      });
    } catch (err) {
      this.scheduled.clear();
      const why = errorText(err);
      store.events.setOutcome(e.id, {
        status: 'failed',
        ...reasonFields({ en: `handling this push failed again: ${why.en}`, zh: `再次处理这条推送失败：${why.zh}` }),
        handledNote: null,
      });
      this.emit(e.id, 'updated');
      return { eventId: e.id, status: 'failed', duplicate: true, reply: null };
    }
    this.scheduled.clear();
    runAll(after);
    const effect = this.dispatching.get(e.id);
    if (effect) await effect; // announces the event when it settles
    else this.emit(e.id, 'updated');
    const status: EventStatus = store.events.get(e.id)?.status ?? 'failed';
    return { eventId: e.id, status, duplicate: true, reply };
  }

  private open(push: InboundPush): { plaintext: string; msg: XmlObject; verdicts: EventVerdicts } | { failure: Bilingual; verdicts: EventVerdicts } {
    const { crypt } = this.deps;
    if (!crypt) {
      return {
        failure: {
          en: 'the platform has no Token/EncodingAESKey configured, so the push cannot be verified or decrypted',
          zh: '平台没有配置 Token 或 EncodingAESKey，无法校验和解密这条推送；请在“设置”中填写',
        },
        verdicts: {},
      };
    }
    const q = push.query ?? {};
    let encrypt: string | undefined;
    try {
      encrypt = field(parseXml(push.body, MAX_BODY), 'Encrypt');
    } catch (err) {
      return {
        failure: { en: `the push body is not usable XML: ${(err as Error).message}`, zh: `推送的请求体不是可用的 XML（错误码 -40002）：${explainErrcode(-40002).zh}` },
        verdicts: { parseOk: false },
      };
    }
    if (!encrypt) {
      return {
        failure: {
          en: 'the push body has no <Encrypt> element (is the platform in encrypted mode?)',
          zh: '推送的请求体中没有 <Encrypt> 元素：请在开放平台把消息加解密方式设为安全模式',
        },
        verdicts: {},
      };
    }
    const { msg_signature: msgSignature, timestamp, nonce } = q;
    if (!msgSignature || !timestamp || !nonce) {
      return {
        failure: { en: 'the query lacks msg_signature, timestamp or nonce', zh: '请求参数中缺少 msg_signature、timestamp 或 nonce' },
        verdicts: { signatureOk: false },
      };
    }
    const verdicts: EventVerdicts = {};
    try {
      crypt.verify(msgSignature, timestamp, nonce, encrypt);
      verdicts.signatureOk = true;
    } catch (err) {
      return { failure: describeCryptoError(err), verdicts: { signatureOk: false } };
    }
    let plaintext: string;
    try {
      plaintext = crypt.decrypt(encrypt).plaintext;
      verdicts.appidOk = true;
    } catch (err) {
      if (err instanceof CryptoError && err.kind === 'appid_mismatch') verdicts.appidOk = false;
      return { failure: describeCryptoError(err), verdicts };
    }
    try {
      return { plaintext, msg: parseXml(plaintext), verdicts };
    } catch (err) {
      return {
        failure: { en: `decrypted, but the message is not usable XML: ${(err as XmlError).message}`, zh: '已解密，但消息不是可用的 XML（错误码 -40008）：解密后的内容非法' },
        verdicts: { ...verdicts, parseOk: false },
      };
    }
  }

  private dispatchComponent(eventId: number, msg: XmlObject, after: After): void {
    const { store, componentAppid, authorization } = this.deps;
    const infoType = field(msg, 'InfoType');
    switch (infoType) {
      case 'component_verify_ticket': {
        const ticket = field(msg, 'ComponentVerifyTicket');
        if (!ticket) return this.setNote(eventId, { en: 'ticket push without ComponentVerifyTicket: ignored', zh: 'ticket 推送中没有 ComponentVerifyTicket：已忽略' });
        const receivedAt = this.now();
        store.tickets.add(componentAppid, ticket, toInt(field(msg, 'CreateTime')) ?? Math.floor(receivedAt / 1000), receivedAt);
        this.setNote(eventId, { en: 'ticket stored', zh: '已保存 ticket' });
        after.push(() => this.deps.onTicket?.(receivedAt));
        return;
      }
      case 'authorized':
      case 'updateauthorized': {
        const code = field(msg, 'AuthorizationCode');
        const appid = field(msg, 'AuthorizerAppid');
        if (!code) return this.setNote(eventId, { en: `${infoType} without AuthorizationCode: nothing to exchange`, zh: `${infoType} 推送中没有 AuthorizationCode：无可换取` });
        this.schedule(eventId, after, () => this.registered(authorization.exchangeCode(code, { authorizerAppid: appid, preAuthCode: field(msg, 'PreAuthCode') })), EXCHANGE, authorizedNote);
        return;
      }
      case 'unauthorized': {
        const appid = field(msg, 'AuthorizerAppid');
        if (!appid) return this.setNote(eventId, { en: 'unauthorized without AuthorizerAppid: ignored', zh: '取消授权推送中没有 AuthorizerAppid：已忽略' });
        if (!authorization.revoke(appid)) {
          return this.setNote(eventId, { en: `${appid} unauthorized this platform; it is not stored here, so nothing was dropped`, zh: `${appid} 已取消授权；本机没有保存这个账号，无需删除` });
        }
        return this.setNote(eventId, { en: `revoked ${appid}; its tokens were dropped`, zh: `${appid} 已取消授权，它的令牌已删除` });
      }
      case 'notify_third_fastregisterbetaapp':
      case 'notify_third_fastverifybetaapp': {
        const note = this.deps.registrations?.onResult(infoType, msg);
        return this.setNote(eventId, note ?? { en: `InfoType ${infoType} stored; no registration task of this desk matches`, zh: `InfoType ${infoType} 已保存；本机没有与之对应的注册任务` });
      }
      case 'notify_third_fasteregister': {
        const status = field(msg, 'status');
        const code = field(msg, 'auth_code');
        this.deps.registrations?.onResult(infoType, msg);
        if (status === '0' && code) {
          this.schedule(eventId, after, () => this.registered(authorization.exchangeCode(code, { authorizerAppid: field(msg, 'appid') })), EXCHANGE, (a) => ({
            en: `fast-registered mini program ${a.appid} authorized`,
            zh: `快速注册的小程序 ${a.appid} 已授权`,
          }));
        } else {
          const detail = field(msg, 'msg') ?? '';
          this.setNote(eventId, {
            en: `fast registration failed: status ${status ?? '?'} ${detail}`.trim(),
            zh: `快速注册失败：状态 ${status ?? '?'} ${detail}`.trim(),
          });
        }
        return;
      }
      default:
        return this.setNote(eventId, { en: `InfoType ${infoType ?? '(none)'} stored; no action needed`, zh: `InfoType ${infoType ?? '（无）'} 已保存，无需处理` });
    }
  }

  /** A code exchange that may finish a registration task (its mini program is an authorizer now). */
  private registered(exchange: Promise<Authorizer>): Promise<Authorizer> {
    return exchange.then((a) => {
      this.deps.registrations?.authorized(a.appid);
      return a;
    });
  }

  /** The via-OA registration's ticket: account/fastregister and the code exchange, after the batch commits. */
  private scheduleTicket(eventId: number, after: After, ticket: string, link: string | null): void {
    const registrations = this.deps.registrations;
    this.schedule(
      eventId,
      after,
      () => {
        if (!registrations) return Promise.reject(new ServiceError('conflict', { en: 'this desk does not handle mini-program registrations', zh: '本机不处理小程序注册' }));
        return registrations.ticketArrived(ticket, link);
      },
      { en: 'mini-program registration (account/fastregister)', zh: '小程序注册（account/fastregister）' },
      (t) =>
        t.stage === 'done'
          ? { en: `registration task ${t.id}: mini program ${t.appid} registered and authorized`, zh: `注册任务 ${t.id}：小程序 ${t.appid} 已注册并授权` }
          : {
              en: `registration task ${t.id}: ${REGISTER_STAGE_WORDS[t.stage].en} ${t.errcode ?? ''} ${t.errorMsg ?? ''}`.trim(),
              zh: `注册任务 ${t.id}：${REGISTER_STAGE_WORDS[t.stage].zh} ${t.errcode ?? ''} ${t.errorMsg ?? ''}`.trim(),
            },
    );
  }

  /** TEMPLATESENDJOBFINISH: the delivery status, joined to the console's send by msgid (store.templates), in the batch. */
  private noteTemplateJobFinish(eventId: number, appid: string | null, msg: XmlObject): void {
    if (field(msg, 'Event') !== 'TEMPLATESENDJOBFINISH' || !isAppid(appid)) return;
    const msgid = field(msg, 'MsgID') ?? field(msg, 'MsgId');
    const status = field(msg, 'Status')?.slice(0, 200);
    if (!msgid || !/^\d{1,64}$/.test(msgid) || !status) return;
    this.deps.store.templates.finishSend({ componentAppid: this.deps.componentAppid, appid, msgid, status, at: this.now(), eventId });
    this.setNote(eventId, { en: `template message ${msgid}: ${status}`, zh: `模板消息 ${msgid}：${status}` });
  }

  /**
   * weapp_audit_success / _fail / _delay: the result of the mini program's latest undecided audit (the push names no
   * auditid), recorded in the audit book in the push's transaction and announced after it commits.
   */
  private noteAudit(eventId: number, appid: string | null, msg: XmlObject, after: After): void {
    const event = field(msg, 'Event');
    const state = event === 'weapp_audit_success' ? 'approved' : event === 'weapp_audit_fail' ? 'rejected' : event === 'weapp_audit_delay' ? 'delayed' : null;
    if (!state || !isAppid(appid) || !this.deps.audits) return;
    const reason = field(msg, 'Reason')?.slice(0, 20_000) ?? null;
    const screenshots = (field(msg, 'ScreenShot') ?? '').split('|').filter((s) => /^[\w-]{1,200}$/.test(s));
    const book = this.deps.audits;
    const pending = this.deps.store.mpAudits.latest(this.deps.componentAppid, appid);
    const seconds = Number(field(msg, 'SuccTime') ?? field(msg, 'FailTime') ?? field(msg, 'DelayTime') ?? field(msg, 'CreateTime'));
    const decidedAt = Number.isSafeInteger(seconds) && seconds > 0 ? seconds * 1000 : null;
    const record = this.deps.store.mpAudits.applyStatus({ componentAppid: this.deps.componentAppid, appid, state, reason, screenshots, at: this.now(), source: 'push', eventId, decidedAt });
    if (!record) {
      const late = decidedAt !== null && pending !== null && UNDECIDED_AUDIT_STATES.includes(pending.state) && decidedAt < pending.submittedAt;
      return this.setNote(
        eventId,
        late
          ? {
              en: `audit result ${state} from ${new Date(decidedAt).toISOString()}, before audit ${pending.auditid} was submitted: an earlier audit's, delivered late; it decides nothing`,
              zh: `审核结果：${AUDIT_WORDS_ZH[state]}，时间早于审核 ${pending.auditid} 的提交：是更早一次审核的结果，迟到送达，不作处理`,
            }
          : { en: `audit result ${state}; no audit submitted by this console is waiting for one`, zh: `审核结果：${AUDIT_WORDS_ZH[state]}；本控制台没有等待结果的审核` },
      );
    }
    this.setNote(eventId, {
      en: `audit ${record.auditid}: ${state}${reason && state !== 'approved' ? ` (${clip(reason)})` : ''}`,
      zh: `审核 ${record.auditid}：${AUDIT_WORDS_ZH[state]}${reason && state !== 'approved' ? `（${clip(reason)}）` : ''}`,
    });
    // Already known (a poll got there first, or a redelivered push): nothing new to announce.
    if (pending?.auditid !== record.auditid || pending.state !== record.state) after.push(() => book.announce(record));
  }

  /** wxa_nickname_audit / wxa_category_audit (lower-case ret 3 approved, 2 rejected): a note saying the result. */
  private noteMpSettingsAudit(eventId: number, msg: XmlObject): void {
    const event = field(msg, 'Event');
    if (event !== 'wxa_nickname_audit' && event !== 'wxa_category_audit') return;
    const ok = field(msg, 'ret') === '3';
    const reason = (field(msg, 'reason') ?? '').slice(0, 300);
    if (event === 'wxa_nickname_audit') {
      const name = (field(msg, 'nickname') ?? '').slice(0, 60);
      this.setNote(eventId, ok ? { zh: `名称审核通过：${name}`, en: `name audit approved: ${name}` } : { zh: `名称审核未通过：${name}，原因：${reason}`, en: `name audit rejected: ${name}; reason: ${reason}` });
      return;
    }
    const which = `${field(msg, 'first') ?? '?'}/${field(msg, 'second') ?? '?'}`;
    this.setNote(eventId, ok ? { zh: `类目审核通过：${which}`, en: `category audit approved: ${which}` } : { zh: `类目审核未通过：${which}，原因：${reason}`, en: `category audit rejected: ${which}; reason: ${reason}` });
  }

  /** The passive reply for an authorizer message: the release-check rules for WeChat's test accounts, else `success`. */
  private replyTo(eventId: number, appid: string | null, msg: XmlObject, started: number, after: After): string {
    const from = field(msg, 'FromUserName');
    const to = field(msg, 'ToUserName');
    if (!from || !to || !isReleaseTestAccount(appid, to)) return 'success';
    const action = releaseAction({ MsgType: field(msg, 'MsgType'), Event: field(msg, 'Event'), Content: field(msg, 'Content') });
    if (action.kind === 'none') return 'success';
    if (action.kind === 'empty_then_api') {
      this.deps.store.events.setReply(eventId, '', this.now() - started);
      this.schedule(
        eventId,
        after,
        () => this.answerViaApi(action.queryAuthCode, from),
        { en: 'release check answer (api_query_auth, custom/send)', zh: '全网发布检测的回复（api_query_auth、custom/send）' },
        () => ({ en: `release check: sent ${action.queryAuthCode}_from_api via custom/send`, zh: `全网发布检测：已通过 custom/send 发送 ${action.queryAuthCode}_from_api` }),
      );
      return '';
    }
    const plain = buildXml({ ToUserName: from, FromUserName: to, CreateTime: Math.floor(this.now() / 1000), MsgType: 'text', Content: action.content });
    const envelope = buildReplyEnvelope(this.deps.crypt!.encryptReply(plain));
    this.deps.store.events.setReply(eventId, plain, this.now() - started);
    return envelope;
  }

  /** Release check case 3: api_query_auth with the code, then custom/send with that account's token. */
  private async answerViaApi(code: string, toUser: string): Promise<void> {
    const { client, tokens, componentAppid } = this.deps;
    const auth = (await client.queryAuth(tokens.componentTokenSource, { component_appid: componentAppid, authorization_code: code })).authorization_info;
    if (!auth.authorizer_access_token) {
      throw Object.assign(new Error('api_query_auth returned no authorizer_access_token for the test account'), {
        messageZh: 'api_query_auth 没有返回测试账号的 authorizer_access_token',
      });
    }
    await client.sendCustomMessage(auth.authorizer_access_token, { touser: toUser, msgtype: 'text', text: { content: `${code}_from_api` } }, { appid: auth.authorizer_appid });
  }

  /** An effect that calls WeChat: started after the batch commits (the savepoint may still roll back before that). */
  private schedule<T>(eventId: number, after: After, effect: () => Promise<T>, what: Bilingual, describe: (v: T) => Bilingual): void {
    this.scheduled.set(eventId, after);
    after.push(() => this.track(eventId, effect, what, describe));
  }

  /** Runs the effect and writes its outcome: ok with a note, or failed with the reason (WeChat's errcode included). */
  private track<T>(eventId: number, effect: () => Promise<T>, what: Bilingual, describe: (v: T) => Bilingual): void {
    let p: Promise<T>;
    try {
      p = effect();
    } catch (err) {
      p = Promise.reject(err);
    }
    const done = p
      .then(
        (v) => {
          const note = describe(v);
          this.settle(eventId, { status: 'ok', failReason: null, handledNote: note.en, handledNoteZh: note.zh });
        },
        (err: unknown) => {
          const why = errorText(err);
          this.settle(eventId, { status: 'failed', ...reasonFields({ en: `${what.en} failed: ${why.en}`, zh: `${what.zh}失败：${why.zh}` }), handledNote: null });
        },
      )
      .finally(() => {
        if (this.dispatching.get(eventId) === done) this.dispatching.delete(eventId);
        this.running.delete(done);
      });
    this.dispatching.set(eventId, done);
    this.running.add(done);
  }

  /** An asynchronous effect finished: record its outcome and announce the changed event. */
  private settle(eventId: number, outcome: EventOutcome): void {
    try {
      this.deps.store.events.setOutcome(eventId, outcome);
    } catch {
      return; // the event was pruned meanwhile, or the store closed at shutdown: nothing left to update
    }
    this.emit(eventId, 'updated');
  }

  /** A note set while the push is being processed: the event is announced once, after the commit. */
  private setNote(eventId: number, note: Bilingual): void {
    this.deps.store.events.setHandledNote(eventId, note.en, note.zh);
  }

  /** Announces a stored event; a duplicate that changed nothing is not announced. */
  private emit(eventId: number, change: 'new' | 'updated'): void {
    if (!this.deps.onEvent) return;
    try {
      const e = this.deps.store.events.get(eventId);
      if (e) this.deps.onEvent(e, change);
    } catch {
      // A UI that cannot be told must not undo or stall the pipeline; it reads the events on its next refresh.
    }
  }
}

/**
 * Messages: AppId+MsgId+FromUserName+CreateTime. Events and component pushes: a hash of the plaintext, because
 * FromUserName+CreateTime would merge different events sent in the same second; WeChat's retries carry the same
 * plaintext, so they still collapse.
 */
export function dedupeKey(appid: string | null, msg: XmlObject, plaintext: string): string {
  const msgId = field(msg, 'MsgId') ?? field(msg, 'MsgID');
  if (msgId) return `msg:${appid ?? ''}:${msgId}:${field(msg, 'FromUserName') ?? ''}:${field(msg, 'CreateTime') ?? ''}`;
  return `sha1:${createHash('sha1').update(plaintext).digest('hex')}`;
}

/**
 * A crypto failure in both languages, with the official SDKs' code (reference §1.4) as "errcode N", so the event
 * detail explains it from the errcode table like any WeChat errcode.
 */
function describeCryptoError(err: unknown): Bilingual {
  if (err instanceof CryptoError) {
    const zh = explainErrcode(err.code).zh;
    switch (err.kind) {
      case 'bad_signature':
        return {
          en: `signature check failed (errcode ${err.code}): ${err.message}. Is the Token on the desktop the platform's 消息校验Token?`,
          zh: `${zh}（错误码 ${err.code}）`,
        };
      case 'appid_mismatch': {
        const [, got, expected] = /appid "(.*)", expected the component appid "(.*)"/.exec(err.message) ?? [];
        return {
          en: `decrypted, but ${err.message} (errcode ${err.code})`,
          zh: got !== undefined ? `已解密，但消息属于 appid “${got}”，不是本平台的 component appid “${expected}”（错误码 ${err.code}）` : `已解密，但 appid 不符（错误码 ${err.code}）：${zh}`,
        };
      }
      default:
        return { en: `decryption failed (errcode ${err.code}): ${err.message}`, zh: `${zh}（错误码 ${err.code}）` };
    }
  }
  const why = errorText(err);
  return { en: `could not open the push: ${why.en}`, zh: `无法打开这条推送：${why.zh}` };
}

/** A failure reason as stored: English and Chinese, each clipped to what the store keeps. */
function reasonFields(reason: Bilingual): { failReason: string; failReasonZh: string } {
  return { failReason: clip(reason.en), failReasonZh: clip(reason.zh) };
}

/** The code exchange an authorization event or redirect starts, and the note when it succeeds. */
const EXCHANGE: Bilingual = { en: 'code exchange (api_query_auth)', zh: '换取授权信息（api_query_auth）' };
function authorizedNote(a: Authorizer): Bilingual {
  const name = a.nickName ?? a.appid;
  return { en: `authorized ${name} (${a.appid})`, zh: `已授权：${name}（${a.appid}）` };
}

function toInt(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** After the commit: one failing announcement must not keep the effects behind it from starting. */
function runAll(fns: After): void {
  for (const fn of fns) {
    try {
      fn();
    } catch {
      // track() and emit() do not throw; a throwing onTicket listener only misses its own update
    }
  }
}

/** SQLite errors that say the database cannot take writes now, whatever is written. */
function storeUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|NOMEM|PROTOCOL|PERM|AUTH)/.test(code);
}

function errorMessage(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function clip(text: string, max = 4000): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The account a component push is about (AuthorizerAppid, or appid in fast-register results), when well-formed. */
function accountOf(msg: XmlObject): string | null {
  const appid = field(msg, 'AuthorizerAppid') || field(msg, 'appid');
  return isAppid(appid) ? appid : null;
}
