/** Turn sparse per-minute counts into the last N minute buckets for the charts. */
import type { ErrcodeMinuteCount, MinuteCount } from '../../../../shared/domain';

export const MINUTE = 60_000;

export function minuteStarts(now: number, minutes: number): number[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const out: number[] = [];
  for (let i = minutes - 1; i >= 0; i--) out.push(last - i * MINUTE);
  return out;
}

export function eventBuckets(counts: MinuteCount[], starts: number[]): { ok: number[]; failed: number[] } {
  const byMinute = new Map(counts.map((c) => [c.minute, c]));
  return {
    ok: starts.map((m) => {
      const c = byMinute.get(m);
      return c ? c.count - c.failed : 0;
    }),
    failed: starts.map((m) => byMinute.get(m)?.failed ?? 0),
  };
}

/** One series per errcode (null = transport failure), aligned with `starts`. */
export function errcodeBuckets(counts: ErrcodeMinuteCount[], starts: number[]): { errcode: number | null; values: number[] }[] {
  const index = new Map(starts.map((m, i) => [m, i]));
  const series = new Map<string, { errcode: number | null; values: number[] }>();
  for (const c of counts) {
    const i = index.get(c.minute);
    if (i === undefined) continue;
    const key = String(c.errcode);
    let s = series.get(key);
    if (!s) series.set(key, (s = { errcode: c.errcode, values: starts.map(() => 0) }));
    s.values[i]! += c.count;
  }
  return [...series.values()].sort((a, b) => sum(b.values) - sum(a.values));
}

function sum(v: number[]): number {
  return v.reduce((a, b) => a + b, 0);
}
