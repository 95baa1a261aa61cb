/**
 * Delivery to the desktop (relay protocol v1 /desk): one WebSocket at a time, pushes in seq order after the desk's
 * cursor (backlog first, then live, with flow control), coalesced cumulative acks, passive replies handed to the
 * push's waiting HTTP answer, refusals frames, and a ping heartbeat that drops a silent desk.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientToRelay, PushFrame, QueueFrame } from '../shared/relay-protocol';
import type { RelayContext } from './context';
import { bearerMatches } from './desk-key';
import { MAX_PUSH_BYTES, sourceAddress } from './limits';
import type { StoredPush } from './queue';

const DELIVERY_BATCH = 256;
const ACK_FLUSH_MS = 200;
/** Refusals frames go out at most this often while refusals keep coming. */
const REFUSALS_FRAME_MS = 2000;

/** An authorizer push whose HTTP answer waits for the desk's passive reply until `deadline`. */
export interface ReplyWaiter {
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

export interface Delivery {
  /** Waiting passive replies by seq (the intake adds them; retries of the same push find them here). */
  readonly replyWaiters: Map<number, ReplyWaiter>;
  /** Whether a desk has said hello on an open socket. */
  connectedDesk(): boolean;
  /** Send what was committed, on the next turn (so every push of one group commit has its reply waiter first). */
  schedulePump(): void;
  /** Store the acknowledgement received so far now, instead of on the coalescing timer. */
  flushAck(): void;
  /** The server's 'upgrade' handler: /desk with the desk key becomes the desk's session; anything else is refused. */
  onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** First step of closing: stop timers, answer waiting replies with `success`, ask desks to go (1001). */
  beginClose(): void;
  /** Last step of closing: drop desks that did not go. */
  terminate(): void;
}

export function createDelivery(ctx: RelayContext): Delivery {
  const { queue, log, refusals } = ctx;
  const replyWaiters = new Map<number, ReplyWaiter>();
  const sessions = new Set<DeskSession>();
  let nextSessionId = 1;
  let pendingAck = 0;
  let ackTimer: NodeJS.Timeout | null = null;

  // ---------- refusals frames (addition 2) ----------

  let refusalsFrameAt = 0;
  let refusalsTimer: NodeJS.Timeout | null = null;
  refusals.log.onRecord = () => {
    if (refusalsTimer || ctx.closing || !connectedDesk()) return;
    refusalsTimer = setTimeout(() => {
      refusalsTimer = null;
      refusalsFrameAt = Date.now();
      const frame = refusals.frame();
      for (const s of sessions) if (s.sentUpTo !== null && s.ws.readyState === s.ws.OPEN) s.ws.send(frame);
    }, Math.max(0, refusalsFrameAt + REFUSALS_FRAME_MS - Date.now()));
  };

  // ---------- pushes and acks ----------

  function connectedDesk(): boolean {
    for (const s of sessions) if (s.sentUpTo !== null) return true;
    return false;
  }

  let pumpScheduled = false;
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
    if (s.sending || s.sentUpTo === null || s.ws.readyState !== s.ws.OPEN || ctx.closing) return;
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
        s.ws.send(refusals.frame());
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

  // ---------- the /desk socket ----------

  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_PUSH_BYTES, perMessageDeflate: false });
  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/desk' || ctx.closing) {
      socket.end(`HTTP/1.1 ${ctx.closing ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!bearerMatches(req.headers['authorization'], ctx.deskKeyDigest)) {
      refusals.logLine('desk refused: missing or wrong desk key', { reason: 'bad_desk_key', remote: sourceAddress(req, ctx.trustedProxies) });
      refusals.count(req, '', 401, 'bad_desk_key', '/desk');
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
  }

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
  }, ctx.config.heartbeatMs);

  return {
    replyWaiters,
    connectedDesk,
    schedulePump,
    flushAck,
    onUpgrade,
    beginClose() {
      clearInterval(heartbeat);
      if (refusalsTimer) clearTimeout(refusalsTimer);
      // Waiting passive replies: the push is stored, so answer `success` now; the desk gets it after restart.
      for (const w of replyWaiters.values()) w.resolve(null);
      for (const s of sessions) s.ws.close(1001, 'relay shutting down');
    },
    terminate() {
      for (const s of sessions) s.ws.terminate();
    },
  };
}
