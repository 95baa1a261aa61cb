/** The simulator clock: real time plus an offset that tests advance. Every lifetime is judged by it. */
export class SimClock {
  offsetMs = 0;

  /** In ms. */
  now(): number {
    return Date.now() + this.offsetMs;
  }
  nowS(): number {
    return Math.floor(this.now() / 1000);
  }
  /** Move forward; returns the new time (ms). */
  advance(seconds: number): number {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a number ≥ 0');
    this.offsetMs += seconds * 1000;
    return this.now();
  }
  /** WeChat's days are Beijing days. */
  dayKey(): string {
    return new Date(this.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }
}
