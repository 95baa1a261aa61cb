/** Daily (45009) and per-minute (45011) limits per (appid, API path), and the 10 clears a month (48006). */
import { CLEARS_PER_MONTH } from '../../wechat/endpoints/quota';
import type { SimSettings } from '../types';
import type { SimClock } from './clock';
import { ApiError } from './errors';

export class Quotas {
  private usage = new Map<string, number>();
  private minuteUsage = new Map<string, number>();
  private clearCounts = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
  ) {}

  dailyLimit(path: string): number {
    return this.settings.dailyQuota[path] ?? this.settings.defaultDailyQuota;
  }

  used(appid: string, path: string): number {
    return this.usage.get(`${appid}|${path}|${this.clock.dayKey()}`) ?? 0;
  }

  /** Count one call, or throw 45009/45011 when a limit is reached. */
  check(appid: string, path: string): void {
    const key = `${appid}|${path}|${this.clock.dayKey()}`;
    const used = this.usage.get(key) ?? 0;
    if (used >= this.dailyLimit(path)) throw new ApiError(45009);
    const perMinute = this.settings.minuteQuota[path];
    if (perMinute !== undefined) {
      const mkey = `${appid}|${path}|${Math.floor(this.clock.now() / 60000)}`;
      const m = this.minuteUsage.get(mkey) ?? 0;
      if (m >= perMinute) throw new ApiError(45011);
      this.minuteUsage.set(mkey, m + 1);
      if (this.minuteUsage.size > 50_000) this.minuteUsage.clear();
    }
    this.usage.set(key, used + 1);
  }

  /** openapi/quota/clear: one API's count for today. */
  clearPath(appid: string, path: string): void {
    this.usage.delete(`${appid}|${path}|${this.clock.dayKey()}`);
  }

  /** clear_quota and clear_quota/v2: every count of the account, at most 10 times a month. */
  clearAll(appid: string): void {
    const month = this.clock.dayKey().slice(0, 7);
    const key = `${appid}|${month}`;
    const n = this.clearCounts.get(key) ?? 0;
    if (n >= CLEARS_PER_MONTH) throw new ApiError(48006);
    this.clearCounts.set(key, n + 1);
    for (const k of [...this.usage.keys()]) if (k.startsWith(`${appid}|`)) this.usage.delete(k);
  }

  reset(): void {
    this.usage.clear();
    this.minuteUsage.clear();
    this.clearCounts.clear();
  }
}
