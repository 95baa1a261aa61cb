/**
 * What the public relay refused lately (relay protocol addition 2): counts by reason over the last 24 h, in
 * 10-minute buckets, and the last 20 refusals. Bounded whatever arrives: at most 145 buckets of one count per reason
 * (reasons are the relay's own codes), 20 recent entries with their path and address cut short. Never a body or query.
 * Kept in memory; the server saves a snapshot to SQLite every few seconds and on close (lost on kill -9: the last
 * few seconds).
 */
import type { Refusal, RefusalsFrame } from '../shared/relay-protocol';

export const REFUSAL_WINDOW_MS = 24 * 3600_000;
const BUCKET_MS = 10 * 60_000;
const RECENT = 20;
const MAX_PATH = 256;
const MAX_REMOTE = 64;

export interface RefusalSnapshot {
  buckets: [start: number, counts: Record<string, number>][];
  recent: Refusal[];
}

export class RefusalLog {
  private readonly buckets = new Map<number, Map<string, number>>();
  private recent: Refusal[] = [];
  /** Called after each record (the server throttles what it sends). */
  onRecord: (() => void) | null = null;
  /** Bumped on each record: the server saves a snapshot only when it moved. */
  version = 0;

  constructor(private readonly now: () => number = Date.now) {}

  record(r: Omit<Refusal, 'at'>): void {
    const at = this.now();
    const start = at - (at % BUCKET_MS);
    let bucket = this.buckets.get(start);
    if (!bucket) {
      this.buckets.set(start, (bucket = new Map()));
      this.dropOld(at);
    }
    bucket.set(r.reason, (bucket.get(r.reason) ?? 0) + 1);
    this.recent.unshift({ at, reason: r.reason, status: r.status, path: r.path.slice(0, MAX_PATH), remote: r.remote.slice(0, MAX_REMOTE) });
    if (this.recent.length > RECENT) this.recent.length = RECENT;
    this.version++;
    this.onRecord?.();
  }

  summary(): Omit<RefusalsFrame, 'type'> {
    this.dropOld(this.now());
    const counts: Record<string, number> = {};
    let total = 0;
    for (const bucket of this.buckets.values()) {
      for (const [reason, n] of bucket) {
        counts[reason] = (counts[reason] ?? 0) + n;
        total += n;
      }
    }
    return { windowMs: REFUSAL_WINDOW_MS, total, counts, recent: this.recent.map((r) => ({ ...r })) };
  }

  snapshot(): RefusalSnapshot {
    this.dropOld(this.now());
    return { buckets: [...this.buckets].map(([start, m]) => [start, Object.fromEntries(m)]), recent: this.recent };
  }

  /** Take a saved snapshot back (after a restart); anything malformed is skipped. */
  restore(s: RefusalSnapshot): void {
    for (const [start, counts] of Array.isArray(s?.buckets) ? s.buckets : []) {
      if (typeof start !== 'number' || !counts || typeof counts !== 'object') continue;
      const m = new Map<string, number>();
      for (const [reason, n] of Object.entries(counts)) if (Number.isSafeInteger(n) && n > 0) m.set(reason, n);
      this.buckets.set(start, m);
    }
    if (Array.isArray(s?.recent)) this.recent = s.recent.slice(0, RECENT);
    this.dropOld(this.now());
  }

  /** Buckets that ended before the window: gone. */
  private dropOld(now: number): void {
    for (const start of this.buckets.keys()) if (start + BUCKET_MS <= now - REFUSAL_WINDOW_MS) this.buckets.delete(start);
  }
}
