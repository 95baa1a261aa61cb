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
import { signMessage, signaturesEqual } from '../main/wechat/crypto';
import { XmlError, field, parseXml } from '../main/wechat/xml';
import type { AuthLinkResponse, ClientToRelay, PushFrame, PushKind, RelayHealth } from '../shared/relay-protocol';
import type { RelayConfig } from './config';
import { isLiteralOrLocalHost } from './config';
import { jsonLineLogger, type RelayLogger } from './log';
import { isNonPublicAddress } from './net-guard';
import { PushQueue, type StoredPush } from './queue';

export const MAX_PUSH_BYTES = 64 * 1024;
/** WeChat waits 5 s; answer well inside that whatever happens (the protocol bound is 4.5 s). */
export const HARD_ANSWER_MS = 4400;
const DELIVERY_BATCH = 256;
const ACK_FLUSH_MS = 200;

export interface RunningRelay {
  /** The listen URL (http://127.0.0.1:PORT or https://…). */
  url: string;
  port: number;
  /** The base URL start pages are built from (config.publicUrl, or url with publicUrlIsListenUrl). */
  publicUrl: string;
  health(): RelayHealth;
  /** Stop accepting, answer in-flight requests, close desk sockets and the database. */
  close(): Promise<void>;
}

export interface StartRelayOptions {
  logger?: RelayLogger;
  /** Loopback sandboxes (demo, tests) listening on port 0: build start pages from the actual listen URL. */
  publicUrlIsListenUrl?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
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
        if (s.sentUpTo !== null || !isSeq(frame.cursor)) {
          s.ws.close(1008, 'hello must come once with a non-negative integer cursor');
          return;
        }
        const max = queue.maxSeq();
        if (frame.cursor > max) log('warn', 'desk cursor is ahead of the relay queue (was the relay data dir replaced?)', { cursor: frame.cursor, maxSeq: max });
        s.sentUpTo = frame.cursor;
        // The desk has durably processed everything up to its cursor: that is an ack too.
        if (frame.cursor > pendingAck) pendingAck = Math.min(frame.cursor, max);
        log('info', 'desk connected', { session: s.id, cursor: frame.cursor, backlog: Math.max(0, max - frame.cursor) });
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

  async function readBody(req: http.IncomingMessage, max: number): Promise<string> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) throw new HttpError(413, 'body_too_large');
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => finish(new HttpError(408, 'body_timeout')), config.bodyTimeoutMs);
      let done = false;
      const finish = (err: Error | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData);
        if (err) {
          req.pause();
          reject(err);
        } else resolve(Buffer.concat(chunks).toString('utf8'));
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

  function reject(res: http.ServerResponse, req: http.IncomingMessage, status: number, reason: string, path: string, body?: string): void {
    // Oversized or unfinished bodies: close the connection instead of reading the rest.
    const close = status === 413 || status === 408 || !req.complete;
    if (close) lingeringClose(req.socket);
    send(res, status, `${status} ${reason}\n`, 'text/plain; charset=utf-8', close);
    log('warn', 'push rejected', { reason, status, path, ...(config.debugBodies && body !== undefined ? { body } : {}) });
  }

  async function handlePush(req: http.IncomingMessage, res: http.ServerResponse, url: URL, kind: PushKind, appid: string | null, arrivedAt: number) {
    const path = url.pathname;
    let stored: { seq: number } | null = null;
    // The hard bound: whatever is still pending at 4.4 s, WeChat gets an answer now.
    const guard = setTimeout(() => {
      if (res.headersSent) return;
      if (stored) send(res, 200, 'success');
      else {
        send(res, 503, 'busy\n', 'text/plain; charset=utf-8', true);
        log('warn', 'push not committed within the answer bound; WeChat will retry', { path });
      }
    }, Math.max(0, arrivedAt + HARD_ANSWER_MS - Date.now()));
    let body: string | undefined;
    try {
      const q = url.searchParams;
      for (const name of ['timestamp', 'nonce', 'msg_signature']) {
        if (!q.get(name)) throw new HttpError(400, `missing_${name}`);
      }
      const timestamp = q.get('timestamp')!;
      const nonce = q.get('nonce')!;
      if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(400, 'bad_timestamp');
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > config.timestampWindowS) throw new HttpError(403, 'stale_timestamp');
      const ct = String(req.headers['content-type'] ?? '');
      if (ct && !/xml|text\/plain/i.test(ct)) throw new HttpError(415, 'not_xml_content_type');
      body = await readBody(req, MAX_PUSH_BYTES);
      let xml;
      try {
        xml = parseXml(body, MAX_PUSH_BYTES);
      } catch (err) {
        if (err instanceof XmlError) throw new HttpError(err.kind === 'too_large' ? 413 : 400, `xml_${err.kind}`);
        throw err;
      }
      const encrypt = field(xml, 'Encrypt');
      if (!encrypt) throw new HttpError(400, 'no_encrypt');
      if (encrypt.length % 4 !== 0 || !BASE64_RE.test(encrypt)) throw new HttpError(400, 'encrypt_not_base64');
      if (!signaturesEqual(signMessage(config.token, timestamp, nonce, encrypt), q.get('msg_signature')!)) throw new HttpError(403, 'bad_msg_signature');
      const plain = q.get('signature');
      if (plain && !signaturesEqual(signMessage(config.token, timestamp, nonce), plain)) throw new HttpError(403, 'bad_signature');
      if (kind === 'component') {
        const bodyAppid = field(xml, 'AppId');
        if (bodyAppid !== undefined && bodyAppid !== config.componentAppid) throw new HttpError(400, 'component_appid_mismatch');
      }
      if (closing) throw new HttpError(503, 'shutting_down');
      const result = await queue.insert({
        kind,
        appid,
        query: Object.fromEntries(q),
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
      if (err instanceof HttpError) reject(res, req, err.status, err.reason, path, body);
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

  async function handleAuthLinks(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!bearerMatches(req.headers['authorization'], deskKeyDigest)) {
      log('warn', 'auth-links refused: missing or wrong desk key', { remote: req.socket.remoteAddress });
      return send(res, 401, '{"error":"missing or wrong desk key (Authorization: Bearer <deskKey>)"}', 'application/json');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req, 16 * 1024));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'body must be JSON {"url": componentloginpage URL, "expiresAt": epoch ms}');
    }
    const { url, expiresAt } = (parsed ?? {}) as { url?: unknown; expiresAt?: unknown };
    let target: URL;
    try {
      if (typeof url !== 'string' || url.length > 4096) throw new Error();
      target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error();
    } catch {
      throw new HttpError(400, 'url must be an http(s) URL (the componentloginpage / bindcomponent URL) of at most 4096 characters');
    }
    const now = Date.now();
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= now || expiresAt > now + 7 * 86_400_000) {
      throw new HttpError(400, 'expiresAt must be epoch milliseconds in the future, at most 7 days ahead');
    }
    const id = randomBytes(12).toString('base64url');
    queue.addAuthLink(id, target.toString(), expiresAt);
    const out: AuthLinkResponse = { id, startUrl: `${publicUrl}/authorize/${id}` };
    log('info', 'auth link registered', { id });
    send(res, 201, JSON.stringify(out), 'application/json');
  }

  function handleAuthorizePage(res: http.ServerResponse, id: string) {
    const link = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? queue.getAuthLink(id) : null;
    if (link === null) return send(res, 404, page('链接无效 / Link not found', '<h1>链接无效</h1><p>该授权链接不存在。请在控制台重新生成。</p><p class="en">This authorization link does not exist. Create a new one in the console.</p>'), 'text/html; charset=utf-8');
    if (link === 'expired') return send(res, 410, page('链接已过期 / Link expired', '<h1>链接已过期</h1><p>请在控制台重新生成授权链接。</p><p class="en">This authorization link has expired. Create a new one in the console.</p>'), 'text/html; charset=utf-8');
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

  async function handleAuthorized(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const q = url.searchParams;
    const authCode = q.get('auth_code') ?? '';
    const expiresIn = q.get('expires_in') ?? '';
    const linkId = q.get('link') ?? '';
    if (!/^[\x21-\x7e]{1,512}$/.test(authCode) || !/^\d{0,9}$/.test(expiresIn) || !/^[A-Za-z0-9_-]{0,64}$/.test(linkId)) {
      log('warn', 'authorization redirect refused', { reason: authCode ? 'malformed_query' : 'no_auth_code' });
      return send(res, 400, page('授权未完成 / Not authorized', '<h1>授权未完成</h1><p>没有收到授权码，请回到控制台重试。</p><p class="en">No authorization code arrived. Go back to the console and try again.</p>'), 'text/html; charset=utf-8');
    }
    const body = JSON.stringify({ auth_code: authCode, expires_in: expiresIn ? Number(expiresIn) : null, link: linkId || null });
    const arrivedAt = Date.now();
    const result = await queue.insert({ kind: 'auth_redirect', appid: null, query: Object.fromEntries(q), body, dedupeSource: `GET ${req.url}\n`, receivedAt: arrivedAt });
    lastPushAt = arrivedAt;
    if (!result.duplicate) schedulePump();
    log('info', 'authorization redirect recorded', { seq: result.seq, duplicate: result.duplicate });
    send(res, 200, page('授权成功 / Authorized', '<h1>授权成功</h1><p>授权已完成，可以关闭此页面，回到控制台查看。</p><p class="en">Authorization complete. You can close this page and return to the console.</p>'), 'text/html; charset=utf-8');
  }

  function health(): RelayHealth {
    flushAck();
    return { ok: !closing, queueDepth: queue.queueDepth(), lastPushAt, lastTicketPushAt };
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
      return send(res, 400, 'bad request\n');
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
        const appid = decodeURIComponent(m[1]!);
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new HttpError(400, 'bad_appid_in_path');
        return await handlePush(req, res, url, 'authorizer', appid, arrivedAt);
      }
      if (path === '/healthz' && req.method === 'GET') return send(res, 200, JSON.stringify(health()), 'application/json');
      if (path === '/desk/auth-links' && req.method === 'POST') return await handleAuthLinks(req, res);
      const a = /^\/authorize\/([^/]+)$/.exec(path);
      if (a && req.method === 'GET') return handleAuthorizePage(res, a[1]!);
      if (path === '/authorized' && req.method === 'GET') return await handleAuthorized(req, res, url);
      if (path === '/favicon.ico') return send(res, 204, '');
      return send(res, 404, 'not found\n');
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
      log('warn', 'egress refused', { reason, status, target });
    };
    client.on('error', () => {});
    const target = (req.url ?? '').toLowerCase();
    if (!bearerMatches(req.headers['proxy-authorization'], deskKeyDigest)) return refuse(407, 'missing_or_wrong_desk_key', target);
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

  const server = config.tls
    ? https.createServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) })
    : http.createServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('request', (req, res) => void onRequest(req, res));
  server.on('connect', (req, socket, head) => void onConnect(req, socket, head));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
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
      log('warn', 'desk refused: missing or wrong desk key', { remote: req.socket.remoteAddress });
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
      // Waiting passive replies: the push is stored, so answer `success` now; the desk gets it after restart.
      for (const w of replyWaiters.values()) w.resolve(null);
      for (const s of sessions) s.ws.close(1001, 'relay shutting down');
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => idleWaiters.push(r)), new Promise((r) => setTimeout(r, 5000))]);
      server.closeIdleConnections?.();
      for (const s of sessions) s.ws.terminate();
      server.closeAllConnections?.();
      await Promise.race([serverClosed, new Promise((r) => setTimeout(r, 2000))]);
      flushAck();
      await queue.close();
      log('info', 'relay stopped');
    })();
    return closed;
  }

  return { url, port, publicUrl, health, close };
}
