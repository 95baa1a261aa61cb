/** The in-process API (startRelay) and retention: acknowledged pushes are pruned and the WAL checkpointed. */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayClient } from '../../src/main/relay/client';
import { validateRelayConfig } from '../../src/relay/config';
import { startRelay } from '../../src/relay/server';
import { silentLogger } from '../../src/relay/log';
import { COMPONENT_APPID, DESK_KEY, TOKEN, keepAliveAgent, pool, post, signedPush, tempDir } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('retention', () => {
  it('prunes acknowledged pushes past retention, keeps unacknowledged ones, and keeps seq increasing', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const config = validateRelayConfig({
      listen: '127.0.0.1:0',
      publicUrl: 'http://127.0.0.1',
      componentAppid: COMPONENT_APPID,
      token: TOKEN,
      deskKey: DESK_KEY,
      dataDir: join(tmp.dir, 'data'),
      retentionDays: 0,
      pruneIntervalMs: 200,
    });
    const relay = await startRelay(config, { logger: silentLogger });
    cleanups.push(() => relay.close());
    const agent = keepAliveAgent(8);
    cleanups.push(() => agent.close());
    await pool(Array.from({ length: 500 }, () => signedPush()), 8, async (p) => void (await post(relay.url, p.path, p.body, agent)));
    expect(relay.health().queueDepth).toBe(500);

    // A desk that processes only the first 300 (its cursor stops there).
    let cursor = 0;
    const client = new RelayClient({
      url: relay.url,
      deskKey: DESK_KEY,
      getCursor: () => cursor,
      onPush: async (push) => {
        if (push.seq > 300) return new Promise(() => {}); // never finishes: not acknowledged
        cursor = push.seq;
        return { reply: null };
      },
    });
    client.start();
    cleanups.push(() => void client.stop());
    await expect.poll(() => relay.health().queueDepth, { timeout: 10_000, message: 'acks up to 300' }).toBe(200);
    const db = new Database(join(config.dataDir, 'relay-queue.sqlite'), { readonly: true });
    cleanups.push(() => void db.close());
    await expect.poll(() => (db.prepare('SELECT count(*) AS n FROM pushes').get() as { n: number }).n, { timeout: 10_000, message: 'pruning' }).toBe(200);
    expect((db.prepare('SELECT min(seq) AS s FROM pushes').get() as { s: number }).s).toBe(301);
    await expect.poll(() => statSync(join(config.dataDir, 'relay-queue.sqlite-wal')).size, { timeout: 10_000, message: 'the WAL checkpoint' }).toBeLessThan(64 * 1024);

    const next = signedPush();
    await post(relay.url, next.path, next.body, agent);
    expect((db.prepare('SELECT max(seq) AS s FROM pushes').get() as { s: number }).s).toBe(501);
  });
});
