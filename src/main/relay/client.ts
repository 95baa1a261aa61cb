/**
 * The desktop's relay client (relay protocol v1 with additions 1 and 2). Connects out to the relay's /desk WebSocket,
 * announces its durable cursor and the queue it belongs to, and hands pushes over in seq order: every push waiting at
 * the link goes to onPushes as one batch (the caller commits their events and the cursor in one transaction), and one
 * cumulative ack follows the commit, after the passive replies. A `queue` frame that says the relay's queue is new
 * (reset, or another queue id) makes the client forget its cursor and take the relay's pushes from the beginning.
 * `refusals` frames go to onRefusals. Reconnects with backoff and jitter.
 * No electron import: this runs in the main process, in console mode and in tests alike.
 */
import WebSocket from 'ws';
import type { ClientToRelay, PushFrame, QueueFrame, RefusalsFrame } from '../../shared/relay-protocol';
import { errorText } from '../errors';

export type RelayStatus = 'connecting' | 'connected' | 'disconnected';

export interface RelayClientState {
  status: RelayStatus;
  /** Relay receipt → processed here, for the latest push (ms; includes any clock difference between the two machines). */
  lagMs: number | null;
  /** When the latest processed push reached the relay (epoch ms). */
  lastPushAt: number | null;
  lastError: string | null;
  /** lastError in Chinese. */
  lastErrorZh: string | null;
  /** The last seq processed (the caller's durable cursor as last seen). */
  cursor: number;
  /** While disconnected: when the next connection attempt starts (epoch ms); else null. */
  nextRetryAt: number | null;
}

export interface RelayClientLogger {
  (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
}

export interface RelayClientOptions {
  /** ws:// or wss:// base URL of the relay (its /desk path is appended), or http(s):// (mapped to ws(s)://). */
  url: string;
  deskKey: string;
  /** The last seq durably processed (read at every (re)connect). */
  getCursor: () => number;
  /** The relay queue id the cursor belongs to, as stored from the last `queue` frame (null: none yet). */
  getQueueId?: () => string | null;
  /**
   * Process the pushes waiting at the link, in seq order; resolve after their events and the cursor are committed
   * (one transaction). replies[i]: the passive reply body for pushes[i], or null. Rejecting means nothing was
   * committed: nothing is acknowledged and the link is retried after a backoff.
   */
  onPushes?: (pushes: PushFrame[]) => Promise<{ replies: (string | null)[] }>;
  /** One push at a time, acknowledged one by one (simple callers); used when onPushes is absent. */
  onPush?: (push: PushFrame) => Promise<{ reply: string | null }>;
  /**
   * The relay's answer to hello. change: 'first' (no queue id stored yet; the cursor stands), 'same', or 'new' (reset,
   * or another queue id): then the caller durably sets its cursor to 0 and stores the queue id before resolving, and
   * the client takes every push from the relay's beginning. Runs in order with the pushes.
   */
  onQueue?: (queue: QueueFrame, change: 'first' | 'same' | 'new') => void | Promise<void>;
  /** The relay's latest summary of refused requests. */
  onRefusals?: (refusals: RefusalsFrame) => void;
  /** Most pushes handed to onPushes at once (default 500). */
  maxBatch?: number;
  onState?: (state: RelayClientState) => void;
  logger?: RelayClientLogger;
  /** Ping interval; a relay that does not answer within another interval is treated as gone (default 15 s). */
  heartbeatMs?: number;
  /** Backoff bounds for reconnects (defaults 500 ms and 30 s); each wait is randomized (full jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Extra trust for a wss:// relay with a private CA or self-signed certificate (PEM). */
  ca?: string | Buffer;
}

export class RelayClientError extends Error {
  override name = 'RelayClientError';
  constructor(
    message: string,
    /** The same sentence in Chinese, for the operator. */
    readonly messageZh: string,
  ) {
    super(message);
  }
}

function deskUrl(base: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new RelayClientError(
      `relay url "${base}" is not a URL; expected ws(s)://host[:port] or http(s)://host[:port]`,
      `中继地址“${base}”不是有效网址；应为 ws(s)://主机[:端口] 或 http(s)://主机[:端口]`,
    );
  }
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new RelayClientError(`relay url must use ws, wss, http or https (got ${u.protocol})`, `中继地址须使用 ws、wss、http 或 https（当前为 ${u.protocol}）`);
  u.pathname = u.pathname.replace(/\/+$/, '') + '/desk';
  u.search = '';
  return u.toString();
}

export class RelayClient {
  private readonly url: string;
  private readonly opts: Required<Pick<RelayClientOptions, 'heartbeatMs' | 'minBackoffMs' | 'maxBackoffMs' | 'maxBatch'>> & RelayClientOptions;
  private ws: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  /** Processing is one chain across connections, so a reconnect never overlaps an unfinished onPushes. */
  private chain: Promise<void> = Promise.resolve();
  /** Frames of the current link not yet processed, in arrival order. */
  private waiting: (PushFrame | QueueFrame)[] = [];
  /** The link generation whose frames a drain on the chain is taking care of, or null. */
  private drainingGen: number | null = null;
  private processed = 0;
  private processingFailed = false;
  private generation = 0;
  private readonly current: RelayClientState;

  constructor(options: RelayClientOptions) {
    if (!options || (typeof options.onPush !== 'function' && typeof options.onPushes !== 'function') || typeof options.getCursor !== 'function') {
      throw new RelayClientError('RelayClient needs url, deskKey, getCursor() and onPushes() or onPush()', '中继客户端缺少 url、deskKey、getCursor() 或 onPushes()/onPush()');
    }
    if (typeof options.deskKey !== 'string' || options.deskKey.length < 32) {
      throw new RelayClientError("deskKey must be the relay's desk key (at least 32 characters)", '桌面密钥须为中继的 desk key（至少 32 个字符）');
    }
    this.url = deskUrl(options.url);
    this.opts = { heartbeatMs: 15_000, minBackoffMs: 500, maxBackoffMs: 30_000, maxBatch: 500, ...options };
    this.current = { status: 'disconnected', lagMs: null, lastPushAt: null, lastError: null, lastErrorZh: null, cursor: 0, nextRetryAt: null };
  }

  /** Start connecting (idempotent). */
  start(): void {
    if (this.ws || this.reconnectTimer) return;
    this.stopped = false;
    this.connect();
  }

  state(): RelayClientState {
    return { ...this.current };
  }

  /** Close the connection and stop reconnecting; resolves after any onPush in progress finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => {});
      ws.close(1000, 'desk stopping');
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    this.generation++;
    this.waiting = [];
    await this.chain;
    this.setState({ status: 'disconnected', nextRetryAt: null });
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) {
    this.opts.logger?.(level, msg, fields);
  }

  private setState(patch: Partial<RelayClientState>) {
    Object.assign(this.current, patch);
    this.opts.onState?.(this.state());
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    const gen = ++this.generation;
    this.setState({ status: 'connecting', nextRetryAt: null });
    const ws = new WebSocket(this.url, {
      headers: { Authorization: `Bearer ${this.opts.deskKey}` },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      maxPayload: 1024 * 1024,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    this.ws = ws;
    let refused = false;
    ws.on('unexpected-response', (_req, res) => {
      refused = true;
      const why =
        res.statusCode === 401
          ? { en: 'the relay refused the desk key (401): check the desk key in settings', zh: '中继拒绝了桌面密钥（401）：请在设置中检查桌面密钥' }
          : { en: `the relay answered HTTP ${res.statusCode} instead of upgrading`, zh: `中继返回了 HTTP ${res.statusCode}，没有建立 WebSocket 连接` };
      this.setState({ lastError: why.en, lastErrorZh: why.zh });
      this.log('warn', 'relay refused the connection', { status: res.statusCode });
      ws.terminate();
    });
    ws.on('open', () => {
      if (gen !== this.generation) return;
      // Hello only after any push still being processed from the previous link has committed its cursor.
      void this.chain.then(() => {
        if (gen !== this.generation || ws.readyState !== WebSocket.OPEN) return;
        const cursor = Math.max(this.opts.getCursor(), this.processed);
        this.processed = cursor;
        const queueId = this.opts.getQueueId?.() ?? null;
        this.send(ws, { type: 'hello', cursor, ...(queueId ? { queueId } : {}) });
        // A link that comes up resets the backoff, unless the last one was dropped because onPush kept failing.
        if (!this.processingFailed) this.attempt = 0;
        this.setState({ status: 'connected', lastError: null, lastErrorZh: null, cursor });
        this.startHeartbeat(ws, gen);
      });
    });
    ws.on('message', (data, isBinary) => {
      if (gen !== this.generation || isBinary) return;
      let frame: { type?: unknown } | null;
      try {
        frame = JSON.parse(data.toString()) as { type?: unknown } | null;
      } catch {
        this.log('warn', 'relay sent a frame that is not JSON; reconnecting');
        ws.terminate();
        return;
      }
      if (isPushFrame(frame) || isQueueFrame(frame)) {
        this.waiting.push(frame);
        this.scheduleDrain(ws, gen);
      } else if (isRefusalsFrame(frame)) {
        try {
          this.opts.onRefusals?.(frame);
        } catch (err) {
          this.log('warn', 'onRefusals failed', { error: (err as Error).message });
        }
      } else if (frame?.type === 'push' || frame?.type === 'queue') {
        this.log('warn', `relay sent a ${String(frame.type)} frame with missing or malformed fields; ignored`);
      }
      // Other types: a newer relay's additions this client does not know (the protocol grows by addition only).
    });
    ws.on('pong', () => (this.awaitingPong = false));
    ws.on('error', (err) => {
      // After a refusal the abort raises a generic error; the refusal is the useful message.
      if (!refused) this.setState({ lastError: err.message, lastErrorZh: `无法连接中继：${err.message}` });
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.stopHeartbeat();
      this.ws = null;
      this.generation++;
      this.waiting = []; // redelivered after the next hello
      const nextRetryAt = this.scheduleReconnect();
      this.setState({
        status: 'disconnected',
        nextRetryAt,
        ...(code !== 1000 && code !== 1005 && !this.current.lastError
          ? {
              lastError: `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`,
              lastErrorZh: `连接已关闭（${code}${reason.length ? ` ${reason.toString()}` : ''}）`,
            }
          : {}),
      });
    });
  }

  /** Queue one drain of this link's waiting frames on the processing chain (one at a time per link). */
  private scheduleDrain(ws: WebSocket, gen: number): void {
    if (this.drainingGen === gen) return;
    this.drainingGen = gen;
    this.chain = this.chain.then(() => this.drain(ws, gen));
  }

  /**
   * Takes the waiting frames in order: a queue frame alone, else every push up to the next queue frame (at most
   * maxBatch) as one batch. Before each take it lets the event loop read the socket, so frames that arrived while the
   * previous batch was committing join the next one.
   */
  private async drain(ws: WebSocket, gen: number): Promise<void> {
    try {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        if (gen !== this.generation || this.waiting.length === 0) return;
        const head = this.waiting[0]!;
        if (head.type === 'queue') {
          this.waiting.shift();
          if (!(await this.handleQueue(ws, gen, head))) return;
          continue;
        }
        let n = 0;
        while (n < this.waiting.length && n < this.opts.maxBatch && this.waiting[n]!.type === 'push') n++;
        const batch = this.waiting.splice(0, n) as PushFrame[];
        if (!(await this.processBatch(ws, gen, batch))) return;
      }
    } finally {
      if (this.drainingGen === gen) this.drainingGen = null;
    }
  }

  private async handleQueue(ws: WebSocket, gen: number, frame: QueueFrame): Promise<boolean> {
    const stored = this.opts.getQueueId?.() ?? null;
    const change = frame.reset || (stored !== null && stored !== frame.queueId) ? 'new' : stored === null ? 'first' : 'same';
    try {
      await this.opts.onQueue?.(frame, change);
    } catch (err) {
      return this.failed(ws, gen, { en: `storing the relay's queue ${frame.queueId} failed: ${errorText(err).en}`, zh: `保存中继队列 ${frame.queueId} 失败：${errorText(err).zh}` }, err);
    }
    if (change === 'new') {
      // Seqs of another queue mean nothing here: everything the relay holds is new to this desk.
      this.processed = 0;
      this.log('warn', 'the relay has a new queue; taking its pushes from the beginning', { queueId: frame.queueId, previous: stored, newestSeq: frame.newestSeq });
      this.setState({ cursor: 0 });
    }
    return true;
  }

  /** Returns false when processing failed (the link is being dropped). */
  private async processBatch(ws: WebSocket, gen: number, frames: PushFrame[]): Promise<boolean> {
    // Redeliveries (seq at or below the cursor) are acknowledged again, not processed; seqs only go up.
    const fresh: PushFrame[] = [];
    let top = this.processed;
    for (const f of frames) {
      if (f.seq > top) {
        fresh.push(f);
        top = f.seq;
      }
    }
    const ackSeq = Math.max(...frames.map((f) => f.seq));
    if (fresh.length === 0) {
      this.send(ws, { type: 'ack', seq: ackSeq });
      return true;
    }
    if (!this.opts.onPushes) {
      for (const f of fresh) if (!(await this.processOne(ws, gen, f))) return false;
      if (ackSeq > top) this.send(ws, { type: 'ack', seq: ackSeq });
      return true;
    }
    let replies: (string | null)[];
    try {
      replies = (await this.opts.onPushes(fresh)).replies ?? [];
    } catch (err) {
      const seqs = fresh.length === 1 ? `push ${fresh[0]!.seq}` : `pushes ${fresh[0]!.seq}-${top}`;
      return this.failed(ws, gen, { en: `processing ${seqs} failed: ${errorText(err).en}`, zh: `处理 ${seqs} 失败：${errorText(err).zh}` }, err);
    }
    this.done(top, fresh[fresh.length - 1]!);
    const now = Date.now();
    fresh.forEach((f, i) => {
      const reply = replies[i];
      if (f.kind === 'authorizer' && reply != null && f.replyDeadline !== null && now <= f.replyDeadline) this.send(ws, { type: 'reply', seq: f.seq, body: reply });
    });
    this.send(ws, { type: 'ack', seq: Math.max(ackSeq, top) });
    return true;
  }

  private async processOne(ws: WebSocket, gen: number, frame: PushFrame): Promise<boolean> {
    let result: { reply: string | null };
    try {
      result = await this.opts.onPush!(frame);
    } catch (err) {
      return this.failed(ws, gen, { en: `processing push ${frame.seq} failed: ${errorText(err).en}`, zh: `处理推送 ${frame.seq} 失败：${errorText(err).zh}` }, err);
    }
    this.done(frame.seq, frame);
    const now = Date.now();
    if (frame.kind === 'authorizer' && result?.reply != null && frame.replyDeadline !== null && now <= frame.replyDeadline) {
      this.send(ws, { type: 'reply', seq: frame.seq, body: result.reply });
    }
    this.send(ws, { type: 'ack', seq: frame.seq });
    return true;
  }

  private done(seq: number, last: PushFrame): void {
    this.processed = seq;
    if (this.processingFailed) {
      this.processingFailed = false;
      this.attempt = 0;
    }
    this.setState({ cursor: seq, lagMs: Date.now() - last.receivedAt, lastPushAt: last.receivedAt });
  }

  /** Not acknowledged: drop the link so the frames come again after a backoff. Returns false. */
  private failed(ws: WebSocket, gen: number, message: { zh: string; en: string }, err: unknown): false {
    this.processingFailed = true;
    this.setState({ lastError: message.en, lastErrorZh: message.zh });
    this.log('error', 'processing failed; reconnecting to retry', { error: (err as Error)?.message ?? String(err) });
    if (gen === this.generation) {
      // Invalidate the frames queued behind: processing them would skip the failed ones.
      this.generation++;
      this.waiting = [];
      ws.terminate();
    }
    return false;
  }

  private send(ws: WebSocket, frame: ClientToRelay): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private startHeartbeat(ws: WebSocket, gen: number) {
    this.stopHeartbeat();
    this.awaitingPong = false;
    this.heartbeatTimer = setInterval(() => {
      if (gen !== this.generation) return this.stopHeartbeat();
      if (this.awaitingPong) {
        this.setState({ lastError: 'relay stopped answering pings', lastErrorZh: '中继不再响应心跳（ping）' });
        this.log('warn', 'relay silent; reconnecting');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
    }, this.opts.heartbeatMs);
    this.heartbeatTimer.unref?.();
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Returns when the next attempt starts, or null when stopped. */
  private scheduleReconnect(): number | null {
    if (this.stopped) return null;
    const cap = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(this.attempt, 16));
    const wait = Math.round(this.opts.minBackoffMs / 2 + Math.random() * (cap - this.opts.minBackoffMs / 2));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.connect(), wait);
    return Date.now() + wait;
  }
}

function isPushFrame(f: unknown): f is PushFrame {
  const p = f as PushFrame | null;
  // seq is what ordering and acks rest on; the inbox copes with anything else being wrong.
  return p?.type === 'push' && Number.isSafeInteger(p.seq) && p.seq >= 1;
}

function isQueueFrame(f: unknown): f is QueueFrame {
  const q = f as QueueFrame | null;
  return (
    q?.type === 'queue' &&
    typeof q.queueId === 'string' &&
    q.queueId.length > 0 &&
    q.queueId.length <= 200 &&
    Number.isSafeInteger(q.newestSeq) &&
    typeof q.reset === 'boolean'
  );
}

function isRefusalsFrame(f: unknown): f is RefusalsFrame {
  const r = f as RefusalsFrame | null;
  return (
    r?.type === 'refusals' &&
    Number.isSafeInteger(r.windowMs) &&
    Number.isSafeInteger(r.total) &&
    typeof r.counts === 'object' &&
    r.counts !== null &&
    Array.isArray(r.recent)
  );
}
