/**
 * A rate limit per key (a WeChat API path): calls are given evenly spaced slots, one every 1/rate seconds, with no
 * burst, so N calls take (N - 1) / rate seconds however many workers ask at once.
 */
export class SlotRateLimiter {
  private readonly nextSlot = new Map<string, number>();
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`the rate limit must be above 0 calls a second, got ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves at this caller's slot for `key`. */
  async take(key: string): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
    this.nextSlot.set(key, slot + this.intervalMs);
    const wait = slot - now;
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
