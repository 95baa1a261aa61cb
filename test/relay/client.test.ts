/**
 * RelayClient behaviour against a real relay: option validation, a failing onPush is retried and never skipped, and
 * batches: the pushes waiting at the link go to onPushes together, one ack follows each commit, a failed batch comes
 * again whole.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayClient, RelayClientError } from '../../src/main/relay/client';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startRelay } from '../../src/relay/server';
import type { PushFrame } from '../../src/shared/relay-protocol';
import { COMPONENT_APPID, DESK_KEY, DeskDb, TOKEN, post, signedPush, tempDir } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('RelayClient', () => {
  it('rejects unusable options with a message saying what to pass', () => {
    const ok = { url: 'ws://127.0.0.1:1', deskKey: DESK_KEY, getCursor: () => 0, onPush: async () => ({ reply: null }) };
    expect(() => new RelayClient({ ...ok, url: 'not a url' })).toThrow(RelayClientError);
    expect(() => new RelayClient({ ...ok, url: 'ftp://relay.example.com' })).toThrow(/ws, wss, http or https/);
    expect(() => new RelayClient({ ...ok, deskKey: 'short' })).toThrow(/at least 32/);
    expect(() => new RelayClient({ ...ok, onPush: undefined as never })).toThrow(/onPushes\(\) or onPush\(\)/);
  });

  it('does not acknowledge a push whose onPush failed: it comes again and is processed once', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await startRelay(
      validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: COMPONENT_APPID, token: TOKEN, deskKey: DESK_KEY, dataDir: join(tmp.dir, 'data') }),
      { logger: silentLogger, publicUrlIsListenUrl: true },
    );
    cleanups.push(() => relay.close());
    expect(relay.publicUrl).toBe(relay.url);
    for (let i = 0; i < 5; i++) {
      const p = signedPush();
      expect((await post(relay.url, p.path, p.body)).text).toBe('success');
    }
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const attempts = new Map<number, number>();
    const errors: string[] = [];
    const client = new RelayClient({
      url: relay.url,
      deskKey: DESK_KEY,
      getCursor: desk.getCursor,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      onState: (s) => s.lastError && errors.push(s.lastError),
      onPush: async (push: PushFrame) => {
        attempts.set(push.seq, (attempts.get(push.seq) ?? 0) + 1);
        if (push.seq === 3 && attempts.get(3)! < 3) throw new Error('inbox is busy');
        desk.commit(push);
        return { reply: null };
      },
    });
    client.start();
    cleanups.push(() => client.stop());
    await expect.poll(() => desk.getCursor(), { message: 'all five pushes', timeout: 10_000 }).toBe(5);
    expect(attempts.get(3)).toBe(3);
    expect(errors.join('\n')).toContain('processing push 3 failed: inbox is busy');
    expect(desk.rows().map((r) => [r.seq, r.processed])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
    await expect.poll(() => relay.health().queueDepth, { message: 'the acks', timeout: 5000 }).toBe(0);
    expect(client.state()).toMatchObject({ status: 'connected', cursor: 5 });
  });

  it('hands the waiting pushes over in batches, acks once per commit, and redelivers a failed batch whole', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await startRelay(
      validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: COMPONENT_APPID, token: TOKEN, deskKey: DESK_KEY, dataDir: join(tmp.dir, 'data') }),
      { logger: silentLogger, publicUrlIsListenUrl: true },
    );
    cleanups.push(() => relay.close());
    const N = 200;
    for (let i = 0; i < N; i++) {
      const p = signedPush();
      expect((await post(relay.url, p.path, p.body)).text).toBe('success');
    }
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const batches: number[][] = [];
    let failedOnce = false;
    const client = new RelayClient({
      url: relay.url,
      deskKey: DESK_KEY,
      getCursor: desk.getCursor,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      onPushes: async (pushes: PushFrame[]) => {
        batches.push(pushes.map((p) => p.seq));
        if (!failedOnce && pushes.some((p) => p.seq === 150)) {
          failedOnce = true;
          throw new Error('disk hiccup');
        }
        desk.db.transaction(() => pushes.forEach((p) => desk.commit(p)))();
        return { replies: pushes.map(() => null) };
      },
    });
    client.start();
    cleanups.push(() => client.stop());
    await expect.poll(() => desk.getCursor(), { message: 'every push', timeout: 10_000 }).toBe(N);
    // Every push committed exactly once, in order, though the batch holding 150 failed once.
    expect(desk.rows().map((r) => [r.seq, r.processed])).toEqual(Array.from({ length: N }, (_, i) => [i + 1, 1]));
    expect(batches.length).toBeLessThan(N / 4);
    expect(batches.flat().filter((s) => s === 150)).toHaveLength(2);
    for (const b of batches) expect(b).toEqual(b.map((_, i) => b[0]! + i)); // consecutive seqs
    await expect.poll(() => relay.health().queueDepth, { message: 'the acks', timeout: 5000 }).toBe(0);
    expect(client.state()).toMatchObject({ status: 'connected', cursor: N });
  });
});
