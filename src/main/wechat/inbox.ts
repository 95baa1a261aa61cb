/**
 * The inbox pipeline: one function takes a push as the relay delivers it and verifies, decrypts, parses, stores it
 * idempotently, dispatches it (ticket → tokens; authorization events → lifecycle; authorizer messages → reply rules)
 * and returns the encrypted passive reply. A push that fails to verify or decrypt is stored as a failed event with
 * the reason, never dropped.
 */
import { createHash } from 'node:crypto';
import type { EventInput, EventRecord, EventVerdicts } from '../../shared/domain';
import type { PushFrame } from '../../shared/relay-protocol';
import type { Store } from '../store';
import type { WeChatClient } from './api-client';
import type { AuthorizationService } from './authorization';
import { CryptoError, type MsgCrypt } from './crypto';
import { isReleaseTestAccount, releaseAction } from './release-check';
import type { TokenManager } from './token-manager';
import { XmlError, buildReplyEnvelope, buildXml, field, parseXml, type XmlObject } from './xml';

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
  /** An event was stored ('new'), or a stored one changed ('updated'): the live tail. */
  onEvent?: (event: EventRecord, change: 'new' | 'updated') => void;
  /** A ticket arrived (dashboard). */
  onTicket?: (receivedAt: number) => void;
}

const MAX_BODY = 64 * 1024;

export class Inbox {
  private readonly now: () => number;
  /** Side effects still running (API calls after an authorization event, the release check's custom/send). */
  private readonly running = new Set<Promise<unknown>>();
  /** Events whose asynchronous effect is running now. */
  private readonly dispatching = new Set<number>();

  constructor(private readonly deps: InboxDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Resolves when every side effect started so far has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async process(push: InboundPush): Promise<InboxResult> {
    const started = this.now();
    const { store, componentAppid } = this.deps;
    if (push.kind === 'auth_redirect') return this.processRedirect(push);

    const base: EventInput = {
      componentAppid,
      seq: push.seq,
      kind: push.kind,
      appid: push.appid,
      receivedAt: push.receivedAt,
      query: push.query,
      rawBody: push.body,
    };
    const opened = this.open(push);
    if ('failure' in opened) {
      const res = store.events.insert({ ...base, status: 'failed', failReason: opened.failure, verdicts: opened.verdicts });
      if (res.inserted) this.emit(res.id, 'new');
      // WeChat shows the user an error if an authorizer push gets a bad answer; `success` keeps it quiet.
      return { eventId: res.id, status: 'failed', duplicate: !res.inserted, reply: push.kind === 'authorizer' ? 'success' : null };
    }
    const { plaintext, msg, verdicts } = opened;
    const msgType = field(msg, 'MsgType') ?? null;
    const createTime = toInt(field(msg, 'CreateTime'));
    const event: EventInput = {
      ...base,
      // Component pushes name their account in the body, not the URL: keep it so filtering by account finds them.
      appid: push.appid ?? (field(msg, 'AuthorizerAppid') || field(msg, 'appid') || null),
      plaintext,
      status: 'ok',
      verdicts,
      infoType: field(msg, 'InfoType') ?? null,
      msgType,
      event: field(msg, 'Event') ?? null,
      fromUser: field(msg, 'FromUserName') ?? null,
      toUser: field(msg, 'ToUserName') ?? null,
      createTime,
      msgId: field(msg, 'MsgId') ?? field(msg, 'MsgID') ?? null,
      dedupeKey: dedupeKey(push.appid, msg, plaintext),
    };
    if (push.kind === 'component') {
      // The event, the cursor and the synchronous effects (ticket stored, authorizer revoked) commit together.
      const res = store.transaction(() => {
        const r = store.events.insert(event);
        if (r.inserted) this.dispatchComponent(r.id, msg);
        return r;
      });
      // A crash after the commit but before an asynchronous effect (a code exchange) finished leaves the event
      // without a handled note: the relay redelivers it, and the effect runs now.
      const redo = !res.inserted && store.events.get(res.id)?.handledNote == null && !this.dispatching.has(res.id);
      if (redo) this.dispatchComponent(res.id, msg);
      if (res.inserted || redo) this.emit(res.id, res.inserted ? 'new' : 'updated');
      return { eventId: res.id, status: 'ok', duplicate: !res.inserted, reply: null };
    }
    const res = store.events.insert(event);
    if (!res.inserted) return { eventId: res.id, status: 'ok', duplicate: true, reply: 'success' };
    const reply = this.replyTo(res.id, push.appid, msg, started);
    this.emit(res.id, 'new');
    return { eventId: res.id, status: 'ok', duplicate: false, reply };
  }

  /** Re-run a stored event through the pipeline (e.g. after fixing the EncodingAESKey). */
  async rerun(eventId: number): Promise<InboxResult> {
    const e = this.deps.store.events.get(eventId);
    if (!e || e.componentAppid !== this.deps.componentAppid) throw new Error(`event ${eventId} does not exist on this platform`);
    if (e.kind !== 'component' && e.kind !== 'authorizer' && e.kind !== 'auth_redirect') {
      throw new Error(`event ${eventId} is a ${e.kind} event; only pushes can be re-run`);
    }
    return this.process({ seq: null, kind: e.kind, appid: e.appid, query: e.query ?? {}, body: e.rawBody, receivedAt: this.now() });
  }

  /** An operator-facing alert, kept with the events. */
  alert(message: string, details: Record<string, unknown> = {}): number {
    const res = this.deps.store.events.insert({
      componentAppid: this.deps.componentAppid,
      kind: 'alert',
      receivedAt: this.now(),
      rawBody: message,
      plaintext: JSON.stringify(details),
      status: 'ok',
      handledNote: message,
    });
    this.emit(res.id, 'new');
    return res.id;
  }

  // ------------------------------------------------------------------------------------------------------------

  private open(push: InboundPush): { plaintext: string; msg: XmlObject; verdicts: EventVerdicts } | { failure: string; verdicts: EventVerdicts } {
    const { crypt } = this.deps;
    if (!crypt) return { failure: 'the platform has no Token/EncodingAESKey configured, so the push cannot be verified or decrypted', verdicts: {} };
    const q = push.query ?? {};
    let encrypt: string | undefined;
    try {
      encrypt = field(parseXml(push.body, MAX_BODY), 'Encrypt');
    } catch (err) {
      return { failure: `the push body is not usable XML: ${(err as Error).message}`, verdicts: {} };
    }
    if (!encrypt) return { failure: 'the push body has no <Encrypt> element (is the platform in encrypted mode?)', verdicts: {} };
    const { msg_signature: msgSignature, timestamp, nonce } = q;
    if (!msgSignature || !timestamp || !nonce) {
      return { failure: 'the query lacks msg_signature, timestamp or nonce', verdicts: { signatureOk: false } };
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
      return { failure: `decrypted, but the message is not usable XML: ${(err as XmlError).message}`, verdicts };
    }
  }

  private processRedirect(push: InboundPush): InboxResult {
    const { store, componentAppid } = this.deps;
    let body: { auth_code?: unknown; expires_in?: unknown; link?: unknown };
    try {
      body = JSON.parse(push.body) as typeof body;
    } catch {
      body = {};
    }
    const code = typeof body.auth_code === 'string' && body.auth_code ? body.auth_code : null;
    const base: EventInput = { componentAppid, seq: push.seq, kind: 'auth_redirect', appid: null, receivedAt: push.receivedAt, query: push.query, rawBody: push.body };
    if (!code) {
      const res = store.events.insert({ ...base, status: 'failed', failReason: 'the authorization redirect carries no auth_code' });
      if (res.inserted) this.emit(res.id, 'new');
      return { eventId: res.id, status: 'failed', duplicate: !res.inserted, reply: null };
    }
    const res = store.events.insert({ ...base, status: 'ok', plaintext: push.body, infoType: 'auth_redirect', dedupeKey: `auth_code:${code}` });
    if (res.inserted) {
      const linkId = typeof body.link === 'string' && body.link ? body.link : null;
      this.track(res.id, this.deps.authorization.exchangeRedirect(code, linkId), (a) => `authorized ${a.nickName ?? a.appid} (${a.appid})`);
      this.emit(res.id, 'new');
    }
    return { eventId: res.id, status: 'ok', duplicate: !res.inserted, reply: null };
  }

  private dispatchComponent(eventId: number, msg: XmlObject): void {
    const { store, componentAppid, authorization } = this.deps;
    const infoType = field(msg, 'InfoType');
    switch (infoType) {
      case 'component_verify_ticket': {
        const ticket = field(msg, 'ComponentVerifyTicket');
        if (!ticket) return this.setNote(eventId, 'ticket push without ComponentVerifyTicket: ignored');
        const receivedAt = this.now();
        store.tickets.add(componentAppid, ticket, toInt(field(msg, 'CreateTime')) ?? Math.floor(receivedAt / 1000), receivedAt);
        this.setNote(eventId, 'ticket stored');
        this.deps.onTicket?.(receivedAt);
        return;
      }
      case 'authorized':
      case 'updateauthorized': {
        const code = field(msg, 'AuthorizationCode');
        const appid = field(msg, 'AuthorizerAppid');
        if (!code) return this.setNote(eventId, `${infoType} without AuthorizationCode: nothing to exchange`);
        this.track(eventId, authorization.exchangeCode(code, { authorizerAppid: appid, preAuthCode: field(msg, 'PreAuthCode') }), (a) => `authorized ${a.nickName ?? a.appid} (${a.appid})`);
        return;
      }
      case 'unauthorized': {
        const appid = field(msg, 'AuthorizerAppid');
        if (!appid) return this.setNote(eventId, 'unauthorized without AuthorizerAppid: ignored');
        authorization.revoke(appid);
        return this.setNote(eventId, `revoked ${appid}; its tokens were dropped`);
      }
      case 'notify_third_fasteregister': {
        const status = field(msg, 'status');
        const code = field(msg, 'auth_code');
        if (status === '0' && code) {
          this.track(eventId, authorization.exchangeCode(code, { authorizerAppid: field(msg, 'appid') }), (a) => `fast-registered mini program ${a.appid} authorized`);
        } else {
          this.setNote(eventId, `fast registration failed: status ${status ?? '?'} ${field(msg, 'msg') ?? ''}`.trim());
        }
        return;
      }
      default:
        return this.setNote(eventId, `InfoType ${infoType ?? '(none)'} stored; no action needed`);
    }
  }

  /** The passive reply for an authorizer message: the release-check rules for WeChat's test accounts, else `success`. */
  private replyTo(eventId: number, appid: string | null, msg: XmlObject, started: number): string {
    const from = field(msg, 'FromUserName');
    const to = field(msg, 'ToUserName');
    if (!from || !to || !isReleaseTestAccount(appid, to)) return 'success';
    const action = releaseAction({ MsgType: field(msg, 'MsgType'), Event: field(msg, 'Event'), Content: field(msg, 'Content') });
    if (action.kind === 'none') return 'success';
    if (action.kind === 'empty_then_api') {
      this.deps.store.events.setReply(eventId, '', this.now() - started);
      this.track(eventId, this.answerViaApi(action.queryAuthCode, from), () => `release check: sent ${action.queryAuthCode}_from_api via custom/send`);
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
    if (!auth.authorizer_access_token) throw new Error('api_query_auth returned no authorizer_access_token for the test account');
    await client.sendCustomMessage(auth.authorizer_access_token, { touser: toUser, msgtype: 'text', text: { content: `${code}_from_api` } }, { appid: auth.authorizer_appid });
  }

  private track<T>(eventId: number, p: Promise<T>, describe: (v: T) => string): void {
    this.dispatching.add(eventId);
    const done = p.finally(() => this.dispatching.delete(eventId)).then(
      (v) => this.note(eventId, describe(v)),
      (err: unknown) => this.note(eventId, `failed: ${(err as Error)?.message ?? String(err)}`),
    );
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }

  /** A note set while the push is being processed: process() announces the event once, when it is done. */
  private setNote(eventId: number, note: string): void {
    this.deps.store.events.setHandledNote(eventId, note);
  }

  /** A note set later (an asynchronous effect finished): announce the changed event. */
  private note(eventId: number, note: string): void {
    this.setNote(eventId, note);
    this.emit(eventId, 'updated');
  }

  /** Announces a stored event; a duplicate that changed nothing is not announced. */
  private emit(eventId: number, change: 'new' | 'updated'): void {
    if (!this.deps.onEvent) return;
    const e = this.deps.store.events.get(eventId);
    if (e) this.deps.onEvent(e, change);
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

function describeCryptoError(err: unknown): string {
  if (err instanceof CryptoError) {
    switch (err.kind) {
      case 'bad_signature':
        return `signature check failed (${err.code}): ${err.message}. Is the Token on the desktop the platform's 消息校验Token?`;
      case 'appid_mismatch':
        return `decrypted, but ${err.message} (${err.code})`;
      default:
        return `decryption failed (${err.code}): ${err.message}`;
    }
  }
  return `could not open the push: ${(err as Error)?.message ?? String(err)}`;
}

function toInt(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}
