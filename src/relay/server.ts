/**
 * The relay (relay protocol v1, architecture.md): receives WeChat pushes, stores them durably before answering,
 * delivers them to the desktop over /desk, relays passive replies, hosts the authorization start and landing pages,
 * and tunnels egress to an allowlist. It never holds the EncodingAESKey or AppSecret: it checks msg_signature with the
 * Token and stores the ciphertext as received.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { signMessage, signaturesEqual } from '../wechat/crypto';
import { XmlError, field, parseXml } from '../wechat/xml';
import type {
  AuthLinkResponse,
  ClientToRelay,
  PushFrame,
  PushKind,
  QueueFrame,
  RefusalReason,
  RefusalsFrame,
  RelayHealthDetails,
  RelayHealthPublic,
} from '../shared/relay-protocol';
import type { RelayConfig } from './config';
import { isLiteralOrLocalHost } from './config';
import { QueryError, hasXmlDeclaration, parseQueryStrict, scanEncrypt } from './ingest';
import { RateLimiter, normalizeAddress, sourceAddress } from './limits';
import { jsonLineLogger, type LogFields, type RelayLogger } from './log';
import { isNonPublicAddress } from './net-guard';
import { PushQueue, type StoredPush } from './queue';
import { RefusalLog, type RefusalSnapshot } from './refusals';

export const MAX_PUSH_BYTES = 64 * 1024;
/** WeChat waits 5 s; answer well inside that whatever happens (the protocol bound is 4.5 s). */
export const HARD_ANSWER_MS = 4400;
const DELIVERY_BATCH = 256;
const ACK_FLUSH_MS = 200;
/** A body still arriving this close to the answer bound gets its 408 now, before the bound's 503. */
const BODY_DEADLINE_MARGIN_MS = 200;
/** Refusals frames go out at most this often while refusals keep coming. */
const REFUSALS_FRAME_MS = 2000;
/** The refusal record is saved to SQLite this often (when it changed) and on close. */
const REFUSALS_SAVE_MS = 5000;
const LINK_ID_RE = /^[A-Za-z0-9_-]{16,64}$/;
const LOG_WINDOW_MS = 10_000;
const LOG_PER_REASON = 10;

export interface RunningRelay {
  /** The listen URL (http://127.0.0.1:PORT or https://…). */
  url: string;
  port: number;
  /** The base URL start pages are built from (config.publicUrl, or url with publicUrlIsListenUrl). */
  publicUrl: string;
  /** The whole health, as /healthz answers it with the desk key. */
  health(): RelayHealthDetails;
  /** Stop accepting, answer in-flight requests, close desk sockets and the database. */
  close(): Promise<void>;
}

export interface StartRelayOptions {
  logger?: RelayLogger;
  /** Loopback sandboxes (demo, tests) listening on port 0: build start pages from the actual listen URL. */
  publicUrlIsListenUrl?: boolean;
}

/**
 * A refusal, thrown through the request handlers. Not an Error: refusals are routine under attack, and capturing a
 * stack trace for each one was a measurable part of the cost of a flood.
 */
class HttpError {
  constructor(
    readonly status: number,
    readonly reason: RefusalReason | string,
  ) {}
}

interface ReplyWaiter {
  deadline: number;
  promise: Promise<string | null>;
  resolve: (body: string | null) => void;
}

interface DeskSession {
  id: number;
  ws: WebSocket;
  remote: string;
  /** Highest seq sent on this socket; null until hello. */
  sentUpTo: number | null;
  sending: boolean;
  alive: boolean;
}

function keyDigest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function bearerMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Compare digests so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(keyDigest(m ? m[1]! : ''), expectedDigest) && !!m;
}

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.6}
.button{display:inline-block;padding:.8rem 1.6rem;background:#07c160;color:#fff;border-radius:6px;text-decoration:none;font-size:1.1rem}
p.en{color:#555}</style></head><body>${bodyHtml}</body></html>`;
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Closing right after an early 413/408 while the client is still sending makes the kernel answer with RST, and the
 * client may lose our response. Instead: send FIN after the response, discard what still arrives, destroy after 2 s.
 */
function lingeringClose(socket: net.Socket): void {
  const sock = socket as net.Socket & { destroySoon?: () => void };
  sock.destroySoon = () => {
    sock.end();
    sock.resume();
    setTimeout(() => sock.destroy(), 2000).unref();
  };
}

export async function startRelay(config: RelayConfig, options: StartRelayOptions = {}): Promise<RunningRelay> {
  const log = options.logger ?? jsonLineLogger();
  const queue = new PushQueue(config.dataDir);
  const deskKeyDigest = keyDigest(config.deskKey);
  let publicUrl = config.publicUrl;
  const replyWaiters = new Map<number, ReplyWaiter>();
  const sessions = new Set<DeskSession>();
  let nextSessionId = 1;
  let inFlight = 0;
  let closing = false;
  let pendingAck = 0;
  let ackTimer: NodeJS.Timeout | null = null;
  let lastPushAt = queue.lastPushAt();
  let lastTicketPushAt = queue.lastPushAtOfKind('component');
  const idleWaiters: (() => void)[] = [];
  const trustedProxies = new Set(config.trustedProxies.map(normalizeAddress));
  const authorizedLimiter = new RateLimiter(config.authorizedPerMinutePerAddress, config.authorizedPerMinute);
  /** Redirects being recorded, by link: a second one for the same link waits for the first. */
  const recordingLinks = new Map<string, Promise<unknown>>();

  // ---------- refusals (addition 2) ----------

  const refusals = new RefusalLog();
  try {
    const saved = queue.getInfo('refusals');
    if (saved) refusals.restore(JSON.parse(saved) as RefusalSnapshot);
  } catch (err) {
    log('warn', 'saved refusal record unreadable; starting a new one', { error: (err as Error).message });
  }
  let refusalsSaved = refusals.version;
  function saveRefusals(): void {
    if (refusals.version === refusalsSaved) return;
    try {
      queue.saveInfo('refusals', JSON.stringify(refusals.snapshot()));
      refusalsSaved = refusals.version;
    } catch (err) {
      log('error', 'saving the refusal record failed', { error: (err as Error).message });
    }
  }
  let refusalsFrameAt = 0;
  let refusalsTimer: NodeJS.Timeout | null = null;
  const refusalsFrame = (): string => JSON.stringify({ type: 'refusals', ...refusals.summary() } satisfies RefusalsFrame);
  refusals.onRecord = () => {
    if (refusalsTimer || closing || !connectedDesk()) return;
    refusalsTimer = setTimeout(() => {
      refusalsTimer = null;
      refusalsFrameAt = Date.now();
      const frame = refusalsFrame();
      for (const s of sessions) if (s.sentUpTo !== null && s.ws.readyState === s.ws.OPEN) s.ws.send(frame);
    }, Math.max(0, refusalsFrameAt + REFUSALS_FRAME_MS - Date.now()));
  };
  function refused(req: http.IncomingMessage | null, remote: string, status: number, reason: string, path: string): void {
    refusals.record({ reason, status, path, remote: req ? sourceAddress(req, trustedProxies) : remote });
  }

  // One log line per refusal, but at most LOG_PER_REASON per reason in each LOG_WINDOW_MS: a flood must not flood the
  // journal too. What was not logged is counted in one line (and every refusal is in the refusal counts).
  let logWindowStart = 0;
  const loggedByReason = new Map<string, number>();
  function logRefusal(msg: string, fields: LogFields & { reason: string }): void {
    const now = Date.now();
    if (now - logWindowStart >= LOG_WINDOW_MS) {
      const skipped = [...loggedByReason].filter(([, n]) => n > LOG_PER_REASON).map(([r, n]) => [r, n - LOG_PER_REASON] as const);
      if (skipped.length) log('warn', 'more refusals than logged (all are counted in the refusal record)', { windowMs: LOG_WINDOW_MS, ...Object.fromEntries(skipped) });
      logWindowStart = now;
      loggedByReason.clear();
    }
    const n = (loggedByReason.get(fields.reason) ?? 0) + 1;
    loggedByReason.set(fields.reason, n);
    if (n <= LOG_PER_REASON) log('warn', msg, fields);
  }

  // ---------- delivery to the desktop ----------

  function connectedDesk(): boolean {
    for (const s of sessions) if (s.sentUpTo !== null) return true;
    return false;
  }

  let pumpScheduled = false;
  /** Coalesced to the next turn so every push committed in one group is registered (reply waiters) before sending. */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      for (const s of sessions) pump(s);
    });
  }

  function frameOf(p: StoredPush): PushFrame {
    const waiter = replyWaiters.get(p.seq);
    const replyDeadline = p.kind === 'authorizer' && waiter && waiter.deadline > Date.now() ? waiter.deadline : null;
    return { type: 'push', seq: p.seq, receivedAt: p.receivedAt, kind: p.kind, appid: p.appid, query: p.query, body: p.body, replyDeadline };
  }

  /** Send the next batch after sentUpTo; the send callback of the batch's last frame pulls the next (flow control). */
  function pump(s: DeskSession): void {
    if (s.sending || s.sentUpTo === null || s.ws.readyState !== s.ws.OPEN || closing) return;
    const rows = queue.after(s.sentUpTo, DELIVERY_BATCH);
    if (rows.length === 0) return;
    s.sending = true;
    rows.forEach((row, i) => {
      const last = i === rows.length - 1;
      s.ws.send(JSON.stringify(frameOf(row)), last ? (err) => {
        s.sending = false;
        if (!err) pump(s);
      } : undefined);
    });
    s.sentUpTo = rows[rows.length - 1]!.seq;
  }

  function flushAck(): void {
    if (ackTimer) {
      clearTimeout(ackTimer);
      ackTimer = null;
    }
    if (pendingAck > queue.acked) queue.ack(pendingAck);
  }

  function onDeskMessage(s: DeskSession, data: string): void {
    let frame: ClientToRelay;
    try {
      frame = JSON.parse(data) as ClientToRelay;
    } catch {
      s.ws.close(1007, 'frames must be JSON');
      return;
    }
    const isSeq = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    switch (frame?.type) {
      case 'hello': {
        if (s.sentUpTo !== null || !isSeq(frame.cursor) || (frame.queueId !== undefined && typeof frame.queueId !== 'string')) {
          s.ws.close(1008, 'hello must come once with a non-negative integer cursor (and an optional string queueId)');
          return;
        }
        const newestSeq = queue.maxSeq();
        const otherQueue = frame.queueId !== undefined && frame.queueId !== queue.queueId;
        // A cursor of another queue, or beyond anything this queue holds, acknowledges nothing (addition 1).
        const reset = otherQueue || frame.cursor > newestSeq;
        if (reset) {
          log(
            'warn',
            otherQueue
              ? 'desk cursor belongs to another queue (another relay or data folder): not taken as an acknowledgement; delivering from the oldest push held'
              : 'desk cursor is beyond the newest seq (was the relay data folder replaced?): not taken as an acknowledgement; delivering from the oldest push held',
            { session: s.id, cursor: frame.cursor, newestSeq },
          );
          s.sentUpTo = 0;
        } else {
          s.sentUpTo = frame.cursor;
          // The desk has durably processed everything up to its cursor: that is an ack too.
          if (frame.cursor > pendingAck) pendingAck = frame.cursor;
        }
        // Before any push: the queue frame, then what was refused lately.
        s.ws.send(JSON.stringify({ type: 'queue', queueId: queue.queueId, newestSeq, reset } satisfies QueueFrame));
        s.ws.send(refusalsFrame());
        log('info', 'desk connected', { session: s.id, cursor: frame.cursor, reset, backlog: Math.max(0, newestSeq - s.sentUpTo) });
        pump(s);
        return;
      }
      case 'ack': {
        if (!isSeq(frame.seq)) {
          s.ws.close(1008, 'ack.seq must be a non-negative integer');
          return;
        }
        // Acks are coalesced: losing one only means a redelivery the desk deduplicates.
        const upTo = Math.min(frame.seq, s.sentUpTo ?? 0);
        if (upTo > pendingAck) {
          pendingAck = upTo;
          ackTimer ??= setTimeout(flushAck, ACK_FLUSH_MS);
        }
        return;
      }
      case 'reply': {
        if (!isSeq(frame.seq) || typeof frame.body !== 'string' || Buffer.byteLength(frame.body) > MAX_PUSH_BYTES) {
          s.ws.close(1008, 'reply needs an integer seq and a string body of at most 64 KiB');
          return;
        }
        const waiter = replyWaiters.get(frame.seq);
        if (waiter) {
          waiter.resolve(frame.body);
          // Kept for WeChat's retries of the same push, which must get the same answer.
          try {
            queue.setReply(frame.seq, frame.body);
          } catch (err) {
            log('error', 'storing a passive reply failed', { seq: frame.seq, error: (err as Error).message });
          }
        } else {
          log('info', 'late passive reply dropped (WeChat was already answered)', { seq: frame.seq });
        }
        return;
      }
      default:
        s.ws.close(1008, 'unknown frame type');
    }
  }

  // ---------- HTTP ----------

  /** The body, within `max` bytes and by `deadline` (epoch ms; default bodyTimeoutMs from now), else 413 / 408. */
  async function readBody(req: http.IncomingMessage, max: number, deadline = Date.now() + config.bodyTimeoutMs): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) throw new HttpError(413, 'body_too_large');
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => finish(new HttpError(408, 'body_timeout')), Math.max(0, deadline - Date.now()));
      let done = false;
      const finish = (err: Error | HttpError | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData);
        if (err) {
          req.pause();
          reject(err);
        } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onData = (c: Buffer) => {
        size += c.length;
        if (size > max) finish(new HttpError(413, 'body_too_large'));
        else chunks.push(c);
      };
      req.on('data', onData);
      req.on('end', () => finish(null));
      req.on('error', (e) => finish(e));
      req.on('aborted', () => finish(new HttpError(400, 'client_aborted')));
    });
  }

  function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', close = false): void {
    if (res.headersSent || res.writableEnded) return;
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' };
    if (close) headers['Connection'] = 'close';
    if (type.startsWith('text/html')) {
      // The pages are static: no scripts, no framing; the one link is the registered login URL.
      headers['Content-Security-Policy'] = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
      headers['X-Frame-Options'] = 'DENY';
      headers['X-Content-Type-Options'] = 'nosniff';
    }
    res.writeHead(status, headers);
    res.end(body);
  }

  /** Refuse a public request: answer (a page or `status reason`), log it, and count it as a refusal. */
  function reject(res: http.ServerResponse, req: http.IncomingMessage, status: number, reason: string, path: string, body?: string, html?: string): void {
    if (res.headersSent) return;
    // Oversized or unfinished bodies: close the connection instead of reading the rest.
    const close = status === 413 || status === 408 || !req.complete;
    if (close) lingeringClose(req.socket);
    if (html !== undefined) send(res, status, html, 'text/html; charset=utf-8', close);
    else send(res, status, `${status} ${reason}\n`, 'text/plain; charset=utf-8', close);
    logRefusal('request refused', { reason, status, path, ...(config.debugBodies && body !== undefined ? { body } : {}) });
    refused(req, '', status, reason, path);
  }

  async function handlePush(req: http.IncomingMessage, res: http.ServerResponse, url: URL, kind: PushKind, appid: string | null, arrivedAt: number) {
    const path = url.pathname;
    let stored: { seq: number } | null = null;
    let readingBody = false;
    // The hard bound: whatever is still pending at 4.4 s, WeChat gets an answer now.
    const guard = setTimeout(() => {
      if (res.headersSent) return;
      if (stored) send(res, 200, 'success');
      else if (readingBody) reject(res, req, 408, 'body_timeout', path);
      else {
        send(res, 503, 'busy\n', 'text/plain; charset=utf-8', true);
        log('warn', 'push not committed within the answer bound; WeChat will retry', { path });
      }
    }, Math.max(0, arrivedAt + HARD_ANSWER_MS - Date.now()));
    let raw: Buffer | undefined;
    try {
      // Cheap checks first, in order of cost: query, size and time, a scan for DOCTYPE and Encrypt, the signature.
      // Only a body signed with the Token is parsed.
      const q = parseQueryStrict(url.search);
      const { timestamp, nonce, msg_signature: msgSignature } = q;
      if (!timestamp || !nonce || !msgSignature) throw new HttpError(400, 'missing_query');
      if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(400, 'bad_timestamp');
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > config.timestampWindowS) throw new HttpError(403, 'stale_timestamp');
      const ct = String(req.headers['content-type'] ?? '');
      if (ct && !/xml|text\/plain/i.test(ct)) throw new HttpError(415, 'not_xml_content_type');
      readingBody = true;
      // The body's 408 comes before the answer bound's 503, whatever bodyTimeoutMs says.
      raw = await readBody(req, MAX_PUSH_BYTES, Math.min(Date.now() + config.bodyTimeoutMs, arrivedAt + HARD_ANSWER_MS - BODY_DEADLINE_MARGIN_MS));
      readingBody = false;
      // On the raw bytes: nothing is decoded or parsed for a body that fails these.
      if (hasXmlDeclaration(raw)) throw new HttpError(400, 'doctype_or_entity');
      const encrypt = scanEncrypt(raw);
      if (!encrypt) throw new HttpError(400, 'no_encrypt');
      if (encrypt.length % 4 !== 0 || !BASE64_RE.test(encrypt)) throw new HttpError(400, 'encrypt_not_base64');
      if (!signaturesEqual(signMessage(config.token, timestamp, nonce, encrypt), msgSignature)) throw new HttpError(403, 'bad_msg_signature');
      const plain = q['signature'];
      if (plain && !signaturesEqual(signMessage(config.token, timestamp, nonce), plain)) throw new HttpError(403, 'bad_signature');
      const body = raw.toString('utf8');
      let xml;
      try {
        xml = parseXml(body, MAX_PUSH_BYTES);
      } catch (err) {
        if (err instanceof XmlError) throw new HttpError(err.kind === 'doctype' ? 400 : err.kind === 'too_large' ? 413 : 400, err.kind === 'doctype' ? 'doctype_or_entity' : err.kind === 'too_large' ? 'body_too_large' : `xml_${err.kind}`);
        throw err;
      }
      // What was signed must be what the desk will read.
      if (field(xml, 'Encrypt') !== encrypt) throw new HttpError(400, 'encrypt_mismatch');
      if (kind === 'component') {
        const bodyAppid = field(xml, 'AppId');
        if (bodyAppid !== undefined && bodyAppid !== config.componentAppid) throw new HttpError(400, 'component_appid_mismatch');
      }
      if (closing) throw new HttpError(503, 'shutting_down');
      const result = await queue.insert({
        kind,
        appid,
        // Exactly the query that was checked.
        query: q,
        body,
        dedupeSource: `POST ${req.url}\n${body}`,
        receivedAt: arrivedAt,
      });
      stored = result;
      lastPushAt = arrivedAt;
      if (kind === 'component') lastTicketPushAt = arrivedAt;
      let answer: string | null = null;
      if (kind === 'authorizer') {
        let waiter = replyWaiters.get(result.seq);
        if (result.duplicate) answer = result.reply;
        else if (connectedDesk() && !closing) {
          let resolveFn!: (b: string | null) => void;
          const promise = new Promise<string | null>((r) => (resolveFn = r));
          waiter = { deadline: arrivedAt + config.replyDeadlineMs, promise, resolve: resolveFn };
          replyWaiters.set(result.seq, waiter);
          setTimeout(() => {
            waiter!.resolve(null);
            replyWaiters.delete(result.seq);
          }, HARD_ANSWER_MS + 100).unref();
        }
        // Deliver now: the desk must see the push (with its replyDeadline) while we wait for its reply.
        if (!result.duplicate) schedulePump();
        if (answer === null && waiter) {
          const waitMs = Math.max(0, Math.min(waiter.deadline, arrivedAt + HARD_ANSWER_MS) - Date.now());
          let t: NodeJS.Timeout | undefined;
          answer = await Promise.race([waiter.promise, new Promise<null>((r) => (t = setTimeout(() => r(null), waitMs)))]);
          clearTimeout(t);
        }
      } else if (!result.duplicate) schedulePump();
      if (answer !== null) send(res, 200, answer, answer.trimStart().startsWith('<') ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8');
      else send(res, 200, 'success');
    } catch (err) {
      readingBody = false;
      if (err instanceof HttpError) reject(res, req, err.status, err.reason, path, config.debugBodies && raw ? raw.toString('utf8') : undefined);
      else if (err instanceof QueryError) reject(res, req, 400, err.reason, path);
      else {
        log('error', 'push failed', { path, error: (err as Error).message });
        send(res, 500, 'internal error\n');
      }
    } finally {
      clearTimeout(guard);
      if (stored) {
        const seq = stored.seq;
        // Leave the waiter for retries only while its deadline can still matter.
        const w = replyWaiters.get(seq);
        if (w && w.deadline <= Date.now()) replyWaiters.delete(seq);
      }
    }
  }

  function refuseDeskKey(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    logRefusal('refused: missing or wrong desk key', { reason: 'bad_desk_key', path, remote: sourceAddress(req, trustedProxies) });
    refused(req, '', 401, 'bad_desk_key', path);
    send(res, 401, '{"error":"missing or wrong desk key (Authorization: Bearer <deskKey>)"}', 'application/json');
  }

  async function handleAuthLinks(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!bearerMatches(req.headers['authorization'], deskKeyDigest)) return refuseDeskKey(req, res, '/desk/auth-links');
    // The desk's own mistakes: a JSON error saying what to send, not a public refusal.
    const fail = (status: number, error: string) => send(res, status, JSON.stringify({ error }), 'application/json');
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req, 16 * 1024)).toString('utf8'));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      return fail(400, 'body must be JSON {"url": componentloginpage URL, "expiresAt": epoch ms, "id"?: link id}');
    }
    const { url, expiresAt, id: wantedId } = (parsed ?? {}) as { url?: unknown; expiresAt?: unknown; id?: unknown };
    let target: URL;
    try {
      if (typeof url !== 'string' || url.length > 4096) throw new Error();
      target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error();
    } catch {
      return fail(400, 'url must be an http(s) URL (the componentloginpage / bindcomponent URL) of at most 4096 characters');
    }
    const now = Date.now();
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= now || expiresAt > now + 7 * 86_400_000) {
      return fail(400, 'expiresAt must be epoch milliseconds in the future, at most 7 days ahead');
    }
    if (wantedId !== undefined && (typeof wantedId !== 'string' || !LINK_ID_RE.test(wantedId))) {
      return fail(400, 'id must be 16 to 64 of A-Z a-z 0-9 _ - (the link id in the redirect_uri), or left out for the relay to choose one');
    }
    const id = wantedId ?? randomBytes(12).toString('base64url');
    if (!queue.addAuthLink(id, target.toString(), expiresAt)) return fail(409, `link id "${id}" is already registered; choose another id`);
    const out: AuthLinkResponse = { id, startUrl: `${publicUrl}/authorize/${id}` };
    log('info', 'auth link registered', { id });
    send(res, 201, JSON.stringify(out), 'application/json');
  }

  const PAGES = {
    notFound: page('链接无效 / Link not found', '<h1>链接无效</h1><p>该授权链接不存在。请在控制台重新生成。</p><p class="en">This authorization link does not exist. Create a new one in the console.</p>'),
    expired: page('链接已过期 / Link expired', '<h1>链接已过期</h1><p>请在控制台重新生成授权链接。</p><p class="en">This authorization link has expired. Create a new one in the console.</p>'),
    noCode: page('授权未完成 / Not authorized', '<h1>授权未完成</h1><p>没有收到授权码，请回到控制台重试。</p><p class="en">No authorization code arrived. Go back to the console and try again.</p>'),
    used: page('已记录 / Already recorded', '<h1>授权已记录</h1><p>此链接的授权结果已经记录过了，无需重复操作。可以关闭此页面，回到控制台查看。</p><p class="en">The authorization for this link was already recorded; nothing more to do. You can close this page and return to the console.</p>'),
    tooMany: page('请求过于频繁 / Too many requests', '<h1>请求过于频繁</h1><p>请稍等一分钟后再刷新此页面。</p><p class="en">Too many requests. Wait a minute, then reload this page.</p>'),
    done: page('授权成功 / Authorized', '<h1>授权成功</h1><p>授权已完成，可以关闭此页面，回到控制台查看。</p><p class="en">Authorization complete. You can close this page and return to the console.</p>'),
  };

  function handleAuthorizePage(req: http.IncomingMessage, res: http.ServerResponse, path: string, id: string) {
    const link = LINK_ID_RE.test(id) ? queue.getAuthLink(id) : null;
    if (link === null) return reject(res, req, 404, 'unknown_link', path, undefined, PAGES.notFound);
    if (link === 'expired') return reject(res, req, 410, 'unknown_link', path, undefined, PAGES.expired);
    // A button, not a redirect: WeChat checks that the request to its page comes from this (registered) domain.
    send(
      res,
      200,
      page(
        '授权公众号/小程序 / Authorize',
        `<h1>授权公众号或小程序</h1><p>点击下方按钮，使用公众号或小程序管理员微信扫码授权。</p><p class="en">Click the button and scan with the administrator's WeChat to authorize your account.</p><p><a class="button" href="${escapeHtml(link.url)}">前往授权 / Authorize</a></p>`,
      ),
      'text/html; charset=utf-8',
    );
  }

  /**
   * The admin's browser after WeChat's authorization page. Anyone can call it, so: rate-limited, recorded only for a
   * registered, unexpired link and only once per link, with only the code (the desk exchanges it with WeChat).
   */
  async function handleAuthorized(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const path = url.pathname;
    if (!authorizedLimiter.take(sourceAddress(req, trustedProxies))) return reject(res, req, 429, 'rate_limited', path, undefined, PAGES.tooMany);
    let q: Record<string, string>;
    try {
      q = parseQueryStrict(url.search);
    } catch (err) {
      if (err instanceof QueryError) return reject(res, req, 400, err.reason, path, undefined, PAGES.noCode);
      throw err;
    }
    const linkId = q['link'] ?? '';
    const link = LINK_ID_RE.test(linkId) ? queue.getAuthLink(linkId) : null;
    if (link === null) return reject(res, req, 404, 'unknown_link', path, undefined, PAGES.notFound);
    if (link === 'expired') return reject(res, req, 410, 'unknown_link', path, undefined, PAGES.expired);
    const authCode = q['auth_code'] ?? '';
    const expiresIn = q['expires_in'] ?? '';
    if (!/^[\x21-\x7e]{1,512}$/.test(authCode) || !/^\d{0,9}$/.test(expiresIn)) {
      return reject(res, req, 400, authCode ? 'bad_auth_code' : 'missing_query', path, undefined, PAGES.noCode);
    }
    // A second redirect for the same link while the first is being stored: wait for it, then look again.
    const pending = recordingLinks.get(linkId);
    if (pending) await pending.catch(() => {});
    const current = pending ? queue.getAuthLink(linkId) : link;
    if (current === null || current === 'expired' || current.usedAt !== null || recordingLinks.has(linkId)) {
      return reject(res, req, 409, 'link_used', path, undefined, PAGES.used);
    }
    const body = JSON.stringify({ auth_code: authCode, expires_in: expiresIn ? Number(expiresIn) : null, link: linkId });
    const arrivedAt = Date.now();
    // One push per link, also across a crash between the commit and marking the link used.
    const inserting = queue.insert({ kind: 'auth_redirect', appid: null, query: {}, body, dedupeSource: `auth_redirect link ${linkId}`, receivedAt: arrivedAt });
    recordingLinks.set(linkId, inserting);
    let result;
    try {
      result = await inserting;
      queue.markAuthLinkUsed(linkId, arrivedAt);
    } finally {
      recordingLinks.delete(linkId);
    }
    if (result.duplicate) return reject(res, req, 409, 'link_used', path, undefined, PAGES.used);
    lastPushAt = arrivedAt;
    schedulePump();
    log('info', 'authorization redirect recorded', { seq: result.seq, link: linkId });
    send(res, 200, PAGES.done, 'text/html; charset=utf-8');
  }

  function health(): RelayHealthDetails {
    flushAck();
    const lagFrom = queue.oldestUnackedAt();
    return {
      ok: !closing,
      queueDepth: queue.queueDepth(),
      lastPushAt,
      lastTicketPushAt,
      queueId: queue.queueId,
      newestSeq: queue.maxSeq(),
      ackedSeq: queue.acked,
      deskConnected: connectedDesk(),
      deskLagMs: lagFrom === null ? null : Math.max(0, Date.now() - lagFrom),
      connections: { open: openConnections, addresses: connectionsByAddress.size, max: config.maxConnections, maxPerAddress: config.maxConnectionsPerAddress, refused: refusedConnections },
      refusals: refusals.summary(),
    };
  }

  /** Addition 4: the public learns only whether the relay is up; the desk key holder gets everything. */
  function handleHealthz(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.headers['authorization'] === undefined) return send(res, 200, JSON.stringify({ ok: !closing } satisfies RelayHealthPublic), 'application/json');
    if (!bearerMatches(req.headers['authorization'], deskKeyDigest)) return refuseDeskKey(req, res, '/healthz');
    send(res, 200, JSON.stringify(health()), 'application/json');
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const arrivedAt = Date.now();
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idleWaiters.splice(0).forEach((f) => f());
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      return reject(res, req, 400, 'bad_request', '');
    }
    const path = url.pathname;
    try {
      if (path === '/wechat/component') {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
        return await handlePush(req, res, url, 'component', null, arrivedAt);
      }
      const m = /^\/wechat\/authorizer\/([^/]+)$/.exec(path);
      if (m) {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
        // An appid needs no percent-escapes: anything else in the path is refused as it stands.
        const appid = m[1]!;
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new HttpError(400, 'bad_appid_in_path');
        return await handlePush(req, res, url, 'authorizer', appid, arrivedAt);
      }
      if (path === '/healthz' && req.method === 'GET') return handleHealthz(req, res);
      if (path === '/desk/auth-links' && req.method === 'POST') return await handleAuthLinks(req, res);
      const a = /^\/authorize\/([^/]+)$/.exec(path);
      if (a && req.method === 'GET') return handleAuthorizePage(req, res, path, a[1]!);
      if (path === '/authorized' && req.method === 'GET') return await handleAuthorized(req, res, url);
      if (path === '/favicon.ico') return send(res, 204, '');
      return reject(res, req, 404, 'not_found', path);
    } catch (err) {
      if (err instanceof HttpError) reject(res, req, err.status, err.reason, path);
      else {
        log('error', 'request failed', { path, error: (err as Error).message });
        send(res, 500, 'internal error\n');
      }
    }
  }

  // ---------- egress (CONNECT) ----------

  const egressAllow = new Set(config.egressAllow);

  async function onConnect(req: http.IncomingMessage, client: Duplex, head: Buffer) {
    const refuse = (status: number, reason: string, target: string) => {
      const text = status === 407 ? 'Proxy Authentication Required' : status === 403 ? 'Forbidden' : 'Bad Gateway';
      client.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close${status === 407 ? '\r\nProxy-Authenticate: Bearer' : ''}\r\n\r\n`);
      logRefusal('egress refused', { reason, status, target });
      refused(req, '', status, reason, `CONNECT ${target.slice(0, 200)}`);
    };
    client.on('error', () => {});
    const target = (req.url ?? '').toLowerCase();
    if (!bearerMatches(req.headers['proxy-authorization'], deskKeyDigest)) return refuse(407, 'bad_desk_key', target);
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/.exec(target);
    if (!m || Number(m[2]) > 65535) return refuse(403, 'malformed_target', target);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const port = Number(m[2]);
    if (!egressAllow.has(target)) return refuse(403, isLiteralOrLocalHost(host) ? 'literal_or_local_host' : 'not_in_allowlist', target);
    // Literal entries exist only with egressAllowLiteralTargets (checked at start-up); names must resolve to public addresses.
    let address = host;
    if (net.isIP(host) === 0) {
      try {
        const addrs = await lookup(host, { all: true });
        const ok = addrs.find((a) => config.egressAllowLiteralTargets || !isNonPublicAddress(a.address));
        if (!ok) return refuse(403, 'resolves_to_non_public_address', target);
        address = ok.address;
      } catch {
        return refuse(502, 'dns_failure', target);
      }
    }
    const upstream = net.connect({ host: address, port });
    upstream.setTimeout(30_000, () => upstream.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      log('info', 'egress tunnel opened', { target });
    });
    upstream.on('error', (e) => {
      if (!client.writableEnded && upstream.connecting) refuse(502, `upstream_${(e as NodeJS.ErrnoException).code ?? 'error'}`, target);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  // ---------- server wiring ----------

  // Node checks headersTimeout and requestTimeout only every connectionsCheckingInterval (30 s by default): check
  // often enough that the header deadline really holds, and give a TLS handshake no longer than the headers.
  const timeouts = { connectionsCheckingInterval: Math.min(1000, Math.ceil(config.headersTimeoutMs / 2)) };
  const server = config.tls
    ? https.createServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key), handshakeTimeout: config.headersTimeoutMs, ...timeouts })
    : http.createServer(timeouts);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = Math.max(30_000, config.headersTimeoutMs);

  // Connection caps, in total and per source address (trusted proxies carry many clients: only the total applies).
  let openConnections = 0;
  let refusedConnections = 0;
  const connectionsByAddress = new Map<string, number>();
  server.on('connection', (socket: net.Socket) => {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const fromAddress = connectionsByAddress.get(address) ?? 0;
    if (openConnections >= config.maxConnections || (fromAddress >= config.maxConnectionsPerAddress && !trustedProxies.has(address))) {
      refusedConnections++;
      socket.on('error', () => {});
      // Plain HTTP gets a short answer; a TLS client would not understand one before its handshake.
      if (config.tls) socket.destroy();
      else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 10\r\n\r\n', () => socket.destroy());
      const over = openConnections >= config.maxConnections ? 'total' : 'address';
      logRefusal('connection refused: too many open', { reason: 'too_many_connections', over, remote: address, open: openConnections, fromAddress });
      refused(null, address, 503, 'too_many_connections', '');
      return;
    }
    openConnections++;
    connectionsByAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      openConnections--;
      const n = (connectionsByAddress.get(address) ?? 1) - 1;
      if (n > 0) connectionsByAddress.set(address, n);
      else connectionsByAddress.delete(address);
    });
  });
  server.on('request', (req, res) => void onRequest(req, res));
  server.on('connect', (req, socket, head) => void onConnect(req, socket, head));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const [status, reason] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'headers_timeout'] : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large'] : [400, 'bad_request'];
    if (err.code !== 'ECONNRESET') refused(null, normalizeAddress((socket as net.Socket).remoteAddress ?? ''), status, reason, '');
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_PUSH_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/desk' || closing) {
      socket.end(`HTTP/1.1 ${closing ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!bearerMatches(req.headers['authorization'], deskKeyDigest)) {
      logRefusal('desk refused: missing or wrong desk key', { reason: 'bad_desk_key', remote: sourceAddress(req, trustedProxies) });
      refused(req, '', 401, 'bad_desk_key', '/desk');
      socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const s: DeskSession = { id: nextSessionId++, ws, remote: req.socket.remoteAddress ?? '', sentUpTo: null, sending: false, alive: true };
      // One desk at a time: the newest connection wins (the old one is usually a dead link not yet noticed).
      for (const old of sessions) old.ws.close(4000, 'replaced by a newer desk connection');
      sessions.add(s);
      ws.on('message', (data, isBinary) => {
        s.alive = true;
        if (isBinary) return ws.close(1003, 'text frames only');
        onDeskMessage(s, data.toString());
      });
      ws.on('pong', () => (s.alive = true));
      ws.on('close', (code) => {
        sessions.delete(s);
        log('info', 'desk disconnected', { session: s.id, code });
      });
      ws.on('error', () => {});
    });
  });

  const heartbeat = setInterval(() => {
    for (const s of sessions) {
      if (!s.alive) {
        log('warn', 'desk silent; dropping it', { session: s.id });
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      s.ws.ping();
    }
  }, config.heartbeatMs);

  const retentionMs = config.retentionDays * 86_400_000;
  const runPrune = () => {
    try {
      flushAck();
      const { deleted } = queue.prune(retentionMs);
      if (deleted) log('info', 'pruned acknowledged pushes past retention', { deleted });
    } catch (err) {
      log('error', 'prune failed', { error: (err as Error).message });
    }
  };
  runPrune();
  const pruneTimer = setInterval(runPrune, config.pruneIntervalMs);
  const saveRefusalsTimer = setInterval(saveRefusals, REFUSALS_SAVE_MS);

  const { host, port: wantPort } = parseListen(config.listen);
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(wantPort, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  }).catch(async (err) => {
    clearInterval(heartbeat);
    clearInterval(pruneTimer);
    clearInterval(saveRefusalsTimer);
    await queue.close();
    throw err;
  });
  const port = (server.address() as net.AddressInfo).port;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (options.publicUrlIsListenUrl) publicUrl = url;
  log('info', 'relay listening', { url, publicUrl, maxSeq: queue.maxSeq(), queueDepth: queue.queueDepth() });

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    if (closed) return closed;
    closing = true;
    closed = (async () => {
      const serverClosed = new Promise<void>((r) => server.close(() => r()));
      clearInterval(heartbeat);
      clearInterval(pruneTimer);
      clearInterval(saveRefusalsTimer);
      if (refusalsTimer) clearTimeout(refusalsTimer);
      // Waiting passive replies: the push is stored, so answer `success` now; the desk gets it after restart.
      for (const w of replyWaiters.values()) w.resolve(null);
      for (const s of sessions) s.ws.close(1001, 'relay shutting down');
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => idleWaiters.push(r)), new Promise((r) => setTimeout(r, 5000))]);
      server.closeIdleConnections?.();
      for (const s of sessions) s.ws.terminate();
      server.closeAllConnections?.();
      await Promise.race([serverClosed, new Promise((r) => setTimeout(r, 2000))]);
      flushAck();
      saveRefusals();
      await queue.close();
      log('info', 'relay stopped');
    })();
    return closed;
  }

  return { url, port, publicUrl, health, close };
}
