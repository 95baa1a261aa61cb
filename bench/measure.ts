/** Small, dependency-free measuring helpers shared by the benchmark modules. */

/** Operations per second of a synchronous function: warm up, then take the median of `rounds` timed windows. */
export function opsPerSecond(fn: () => unknown, opts: { windowMs?: number; rounds?: number } = {}): number {
  const windowMs = opts.windowMs ?? 400;
  const rounds = opts.rounds ?? 5;
  timeWindow(fn, 150); // warm-up: let the JIT settle
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) results.push(timeWindow(fn, windowMs));
  return median(results);
}

/**
 * Ops/s of several synchronous functions, rounds interleaved (a, b, c, a, b, c, …) so that load from other
 * processes and CPU frequency drift hit every contender alike. Returns the median per name.
 */
export function compareOpsPerSecond<K extends string>(fns: Record<K, () => unknown>, opts: { windowMs?: number; rounds?: number } = {}): Record<K, number> {
  const windowMs = opts.windowMs ?? 300;
  const rounds = opts.rounds ?? 7;
  const names = Object.keys(fns) as K[];
  for (const n of names) timeWindow(fns[n], 150);
  const results = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) for (const n of names) results[n].push(timeWindow(fns[n], windowMs));
  return Object.fromEntries(names.map((n) => [n, median(results[n])])) as Record<K, number>;
}

function timeWindow(fn: () => unknown, windowMs: number): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(windowMs) * 1_000_000n;
  let elapsed = 0n;
  // Check the clock every 16 calls so timing overhead stays small against microsecond work.
  while (elapsed < limit) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
    elapsed = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsed) / 1e9);
}

/** Same as opsPerSecond for an async function run sequentially. */
export async function asyncOpsPerSecond(fn: () => Promise<unknown>, opts: { windowMs?: number; rounds?: number } = {}): Promise<number> {
  const windowMs = opts.windowMs ?? 400;
  const rounds = opts.rounds ?? 5;
  const once = async (ms: number) => {
    let ops = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      await fn();
      ops++;
    }
    return ops / ((performance.now() - start) / 1000);
  };
  await once(150);
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) results.push(await once(windowMs));
  return median(results);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1)) + ' ms',
  ratio: (n: number) => n.toFixed(2) + '×',
  mb: (bytes: number) => (bytes / 1024 / 1024).toFixed(1) + ' MB',
};
