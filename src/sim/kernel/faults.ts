/** Fault injection: a share of calls answered -1 or 45009, added latency, a share of pushes dropped. */
import type { FaultSettings } from '../types';
import { ApiError } from './errors';
import { sleep } from './http';

/** Deterministic fractional shares: with share s, exactly floor(n*s) of n calls are hit, evenly spread. */
class ShareCounter {
  private acc = new Map<string, number>();
  hit(key: string, share: number | undefined): boolean {
    if (!share || share <= 0) return false;
    const next = (this.acc.get(key) ?? 0) + Math.min(share, 1);
    if (next >= 1 - 1e-9) {
      this.acc.set(key, next - 1);
      return true;
    }
    this.acc.set(key, next);
    return false;
  }
  clear(): void {
    this.acc.clear();
  }
}

export class Faults {
  settings: FaultSettings = {};
  private shares = new ShareCounter();

  set(f: FaultSettings): void {
    for (const r of f.rules ?? []) {
      if (typeof r.path !== 'string' || !r.path) throw new RangeError('each fault rule needs a path (or "*")');
      for (const k of ['systemErrorShare', 'quotaErrorShare'] as const) {
        const v = r[k];
        if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw new RangeError(`${k} must be a number 0..1`);
      }
      if (r.appids !== undefined && (!Array.isArray(r.appids) || r.appids.some((a) => typeof a !== 'string' || !a))) {
        throw new RangeError('appids must be a list of appids');
      }
      if (r.errcode !== undefined && (!Number.isSafeInteger(r.errcode) || r.errcode === 0)) throw new RangeError('errcode must be a non-zero integer');
      if (r.errorShare !== undefined && (typeof r.errorShare !== 'number' || r.errorShare < 0 || r.errorShare > 1)) {
        throw new RangeError('errorShare must be a number 0..1');
      }
      if (r.latencyMs !== undefined && (typeof r.latencyMs !== 'number' || r.latencyMs < 0 || r.latencyMs > 60_000)) {
        throw new RangeError('latencyMs must be 0..60000');
      }
    }
    if (f.dropPushShare !== undefined && (typeof f.dropPushShare !== 'number' || f.dropPushShare < 0 || f.dropPushShare > 1)) {
      throw new RangeError('dropPushShare must be a number 0..1');
    }
    this.settings = { rules: f.rules ?? [], dropPushShare: f.dropPushShare ?? 0 };
    this.shares.clear();
  }

  /**
   * Before an API answers: the rules' latency, then -1, 45009 or the rule's errcode for their share of calls. Rules
   * naming accounts (`appids`) apply once the token says whose call it is (`appid`); the others before that.
   */
  async apply(path: string, appid?: string | null): Promise<void> {
    const afterToken = appid !== undefined;
    for (const [i, r] of (this.settings.rules ?? []).entries()) {
      if (r.path !== '*' && r.path !== path) continue;
      if ((r.appids !== undefined) !== afterToken) continue;
      if (r.appids && (!appid || !r.appids.includes(appid))) continue;
      if (r.latencyMs) await sleep(r.latencyMs);
      if (this.shares.hit(`err:${i}`, r.systemErrorShare)) throw new ApiError(-1);
      if (this.shares.hit(`quota:${i}`, r.quotaErrorShare)) throw new ApiError(45009);
      if (r.errcode !== undefined && this.shares.hit(`code:${i}`, r.errorShare ?? 1)) throw new ApiError(r.errcode);
    }
  }

  dropPush(): boolean {
    return this.shares.hit('push', this.settings.dropPushShare);
  }

  reset(): void {
    this.settings = {};
    this.shares.clear();
  }
}
