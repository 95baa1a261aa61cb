/** Event retention: old events are pruned in batches, recent ones and other platforms' are kept, search stays right. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformEngine } from '../../src/main/engine';
import { NodeSecretStore, openStore } from '../../src/main/store';

const A = 'wx0123456789abcdef';
const B = 'wxfedcba9876543210';
const DAY = 86_400_000;

describe('event retention', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prunes events older than the retention period in batches, keeps the rest, and refuses bad arguments', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxopen-retention-'));
    const store = openStore({ path: join(dir, 'desk.db'), secrets: new NodeSecretStore(join(dir, 'k', 'key')) });
    const now = Date.UTC(2026, 10, 21);
    for (const c of [A, B]) store.platforms.upsert({ componentAppid: c, name: c });
    store.transaction(() => {
      for (let i = 0; i < 12_000; i++) {
        // 10,000 old events (100 to 1 days past the 30-day limit), 2,000 recent ones.
        const receivedAt = i < 10_000 ? now - (31 + (i % 100)) * DAY : now - (i % 29) * DAY;
        store.events.insert({ componentAppid: A, kind: 'local', receivedAt, rawBody: `old-or-new ${i} 旧事件`, plaintext: `事件内容 ${i}`, status: 'ok' });
      }
      store.events.insert({ componentAppid: B, kind: 'local', receivedAt: now - 400 * DAY, rawBody: 'other platform', status: 'ok' });
    });
    const engine = new PlatformEngine({ store, componentAppid: A, apiBaseUrl: 'http://127.0.0.1:9', emit: () => undefined, now: () => now, eventRetentionDays: 30 });
    expect(await engine.pruneEvents()).toBe(10_000);
    expect(store.events.count({ componentAppid: A })).toBe(2_000);
    expect(store.events.count({ componentAppid: B })).toBe(1);
    // The full-text index followed the deletes.
    expect(store.events.list({ componentAppid: A, search: '事件内容 5000', limit: 10 }).rows).toHaveLength(0);
    expect(store.events.list({ componentAppid: A, search: '事件内容 10500', limit: 10 }).rows).toHaveLength(1);
    expect(() => store.events.pruneBefore(A, -1)).toThrow(/before/);
    expect(() => store.events.pruneBefore('', 1)).toThrow();
    expect(() => store.events.pruneBefore(A, 1, 0)).toThrow(/limit/);
    await engine.stop();
    store.close();
  });
});
