/** Limits of the public side: a push's size and answer time, request rates, and where a request really comes from. */
import { isIP } from 'node:net';
import type http from 'node:http';

/** A push body (and a passive reply) is at most this big (relay protocol v1). */
export const MAX_PUSH_BYTES = 64 * 1024;
/** WeChat waits 5 s; answer well inside that whatever happens (the protocol bound is 4.5 s). */
export const HARD_ANSWER_MS = 4400;

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * The request's source address: the peer, or, when the peer is a trusted proxy, the last X-Forwarded-For entry
 * (the one that proxy added; earlier entries are whatever the client claimed).
 */
export function sourceAddress(req: http.IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const last = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').pop()?.trim() ?? '';
  return isIP(last) !== 0 ? normalizeAddress(last) : peer;
}

/**
 * Fixed one-minute windows, per key and in total. A refused attempt does not use up the total, so one noisy source
 * cannot lock everyone out. Memory is bounded: past maxKeys distinct keys in a window, new keys are refused.
 */
export class RateLimiter {
  private windowStart = 0;
  private total = 0;
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly perKeyLimit: number,
    private readonly totalLimit: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.total = 0;
      this.perKey.clear();
    }
    const n = this.perKey.get(key) ?? 0;
    if (n >= this.perKeyLimit || this.total >= this.totalLimit || (n === 0 && this.perKey.size >= this.maxKeys)) return false;
    this.perKey.set(key, n + 1);
    this.total++;
    return true;
  }
}
