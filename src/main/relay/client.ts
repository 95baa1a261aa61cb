/**
 * The desktop's relay client (relay protocol v1). Connects out to the relay's /desk WebSocket, announces its durable
 * cursor, feeds pushes to onPush one at a time in seq order, acknowledges only after onPush resolved (the caller commits
 * the event and the cursor together before resolving), sends passive replies, and reconnects with backoff and jitter.
 * No electron import: this runs in the main process, in console mode and in tests alike.
 */
import WebSocket from 'ws';
import type { ClientToRelay, PushFrame } from '../../shared/relay-protocol';

export type RelayStatus = 'connecting' | 'connected' | 'disconnected';

export interface RelayClientState {
  status: RelayStatus;
  /** Relay receipt → processed here, for the latest push (ms; includes any clock difference between the two machines). */
  lagMs: number | null;
  /** When the latest processed push reached the relay (epoch ms). */
  lastPushAt: number | null;
  lastError: string | null;
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
  /** Process one push; resolve after the event and the cursor are committed. reply: the passive reply body or null. */
  onPush: (push: PushFrame) => Promise<{ reply: string | null }>;
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
}

function deskUrl(base: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new RelayClientError(`relay url "${base}" is not a URL; expected ws(s)://host[:port] or http(s)://host[:port]`);
  }
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new RelayClientError(`relay url must use ws, wss, http or https (got ${u.protocol})`);
  u.pathname = u.pathname.replace(/\/+$/, '') + '/desk';
  u.search = '';
  return u.toString();
}

export class RelayClient {
  private readonly url: string;
  private readonly opts: Required<Pick<RelayClientOptions, 'heartbeatMs' | 'minBackoffMs' | 'maxBackoffMs'>> & RelayClientOptions;
  private ws: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  /** Processing is one chain across connections, so a reconnect never overlaps an unfinished onPush. */
  private chain: Promise<void> = Promise.resolve();
  private processed = 0;
  private processingFailed = false;
  private generation = 0;
  private readonly current: RelayClientState;

  constructor(options: RelayClientOptions) {
    if (!options || typeof options.onPush !== 'function' || typeof options.getCursor !== 'function') {
      throw new RelayClientError('RelayClient needs url, deskKey, getCursor() and onPush()');
    }
    if (typeof options.deskKey !== 'string' || options.deskKey.length < 32) {
      throw new RelayClientError('deskKey must be the relay\'s desk key (at least 32 characters)');
    }
    this.url = deskUrl(options.url);
    this.opts = { heartbeatMs: 15_000, minBackoffMs: 500, maxBackoffMs: 30_000, ...options };
    this.current = { status: 'disconnected', lagMs: null, lastPushAt: null, lastError: null, cursor: 0, nextRetryAt: null };
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
      const why = res.statusCode === 401 ? 'the relay refused the desk key (401): check the desk key in settings' : `the relay answered HTTP ${res.statusCode} instead of upgrading`;
      this.setState({ lastError: why });
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
        this.send(ws, { type: 'hello', cursor });
        // A link that comes up resets the backoff, unless the last one was dropped because onPush kept failing.
        if (!this.processingFailed) this.attempt = 0;
        this.setState({ status: 'connected', lastError: null, cursor });
        this.startHeartbeat(ws, gen);
      });
    });
    ws.on('message', (data, isBinary) => {
      if (gen !== this.generation || isBinary) return;
      let frame: PushFrame;
      try {
        frame = JSON.parse(data.toString()) as PushFrame;
      } catch {
        this.log('warn', 'relay sent a frame that is not JSON; reconnecting');
        ws.terminate();
        return;
      }
      if (frame?.type !== 'push' || !Number.isSafeInteger(frame.seq)) return;
      this.chain = this.chain.then(() => this.process(ws, gen, frame));
    });
    ws.on('pong', () => (this.awaitingPong = false));
    ws.on('error', (err) => {
      // After a refusal the abort raises a generic error; the refusal is the useful message.
      if (!refused) this.setState({ lastError: err.message });
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.stopHeartbeat();
      this.ws = null;
      this.generation++;
      const nextRetryAt = this.scheduleReconnect();
      this.setState({
        status: 'disconnected',
        nextRetryAt,
        ...(code !== 1000 && code !== 1005 && !this.current.lastError ? { lastError: `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` } : {}),
      });
    });
  }

  private async process(ws: WebSocket, gen: number, frame: PushFrame): Promise<void> {
    if (gen !== this.generation) return; // frames of a dead link are redelivered after the next hello
    if (frame.seq <= this.processed) {
      // Already processed (a redelivery): just acknowledge again.
      this.send(ws, { type: 'ack', seq: frame.seq });
      return;
    }
    let result: { reply: string | null };
    try {
      result = await this.opts.onPush(frame);
    } catch (err) {
      // Not acknowledged: drop the link so the push comes again after a backoff.
      this.processingFailed = true;
      this.setState({ lastError: `processing push ${frame.seq} failed: ${(err as Error).message}` });
      this.log('error', 'onPush failed; reconnecting to retry', { seq: frame.seq, error: (err as Error).message });
      if (gen === this.generation) {
        // Invalidate the frames already queued behind this one: processing them would skip the failed push.
        this.generation++;
        ws.terminate();
      }
      return;
    }
    this.processed = frame.seq;
    if (this.processingFailed) {
      this.processingFailed = false;
      this.attempt = 0;
    }
    const now = Date.now();
    this.setState({ cursor: frame.seq, lagMs: now - frame.receivedAt, lastPushAt: frame.receivedAt });
    if (frame.kind === 'authorizer' && result?.reply != null && frame.replyDeadline !== null && now <= frame.replyDeadline) {
      this.send(ws, { type: 'reply', seq: frame.seq, body: result.reply });
    }
    this.send(ws, { type: 'ack', seq: frame.seq });
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
        this.setState({ lastError: 'relay stopped answering pings' });
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
