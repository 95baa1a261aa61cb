/**
 * Exactly-once on disk through crashes and cut links: a spawned relay, pushes sent and retried like WeChat, and a desk
 * that commits each push (seq primary key, processed count) with its cursor in one SQLite transaction.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayClient } from '../../src/main/relay/client';
import type { PushFrame } from '../../src/shared/relay-protocol';
import { repoRoot } from '../helpers/paths';
import {
  DESK_KEY,
  DeskDb,
  freePort,
  healthDetails,
  keepAliveAgent,
  pool,
  post,
  rawDesk,
  signedPush,
  spawnRelay,
  tempDir,
  writeConfig,
  type SignedPush,
  type SpawnedRelay,
} from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function deskClient(url: string, desk: DeskDb, onOrder?: (seq: number) => void): RelayClient {
  const client = new RelayClient({
    url,
    deskKey: DESK_KEY,
    getCursor: desk.getCursor,
    minBackoffMs: 20,
    maxBackoffMs: 300,
    heartbeatMs: 1000,
    onPush: async (push: PushFrame) => {
      onOrder?.(push.seq);
      desk.commit(push);
      return { reply: null };
    },
  });
  client.start();
  cleanups.push(() => client.stop());
  return client;
}

/** WeChat's behaviour: up to 3 attempts until the answer is `success`. Returns whether it was ever answered success. */
async function sendLikeWeChat(url: string, push: SignedPush, agent: ReturnType<typeof keepAliveAgent>): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await post(url, push.path, push.body, agent);
      if (r.status === 200 && r.text === 'success') return true;
    } catch {
      /* connection refused or reset: the relay is down; retry like WeChat */
    }
    await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
  }
  return false;
}

/** A TCP hop between desk and relay whose connections can be cut, or silently black-holed, at will. */
async function cuttableProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  const pairs: [net.Socket, net.Socket][] = [];
  let connections = 0;
  const server = net.createServer((inbound) => {
    connections++;
    const outbound = net.connect(targetPort, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    pairs.push([inbound, outbound]);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut: () => sockets.forEach((s) => s.destroy()),
    /** Stop forwarding on the open connections without closing them: a peer gone silent. */
    blackhole: () => {
      for (const [a, b] of pairs.splice(0)) {
        a.unpipe(b);
        b.unpipe(a);
        a.on('data', () => {});
        b.on('data', () => {});
      }
    },
    connections: () => connections,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function assertExactlyOnce(desk: DeskDb, mustHave: Iterable<string>) {
  const rows = desk.rows();
  const byNonce = new Map<string, number>();
  for (const r of rows) byNonce.set(r.nonce, (byNonce.get(r.nonce) ?? 0) + 1);
  for (const nonce of mustHave) expect(byNonce.get(nonce), `push ${nonce}`).toBe(1);
  expect([...byNonce.values()].filter((n) => n !== 1)).toEqual([]);
  expect(rows.filter((r) => r.processed !== 1)).toEqual([]);
}

describe('relay delivery', () => {
  it('answers every hello with a queue frame first; a cursor of another queue or beyond the newest seq acknowledges nothing and delivery restarts at the oldest push held', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const cfg = writeConfig(tmp.dir);
    let relay = await spawnRelay(cfg);
    cleanups.push(() => relay.kill9());
    const pushes = Array.from({ length: 5 }, () => signedPush());
    for (const p of pushes) expect((await post(relay.url, p.path, p.body)).text).toBe('success');
    const seqs = (d: { pushes(): PushFrame[] }) => d.pushes().map((p) => p.seq);

    const first = await rawDesk(relay.url, { cursor: 0 });
    cleanups.push(() => first.close());
    expect(first.queue).toMatchObject({ type: 'queue', newestSeq: 5, reset: false });
    const queueId = first.queue.queueId;
    expect(queueId).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 random bytes, base64url
    expect(first.frames[1]?.type).toBe('refusals');
    await expect.poll(() => seqs(first), { timeout: 5000 }).toEqual([1, 2, 3, 4, 5]);
    first.ws.send(JSON.stringify({ type: 'ack', seq: 3 }));
    await expect.poll(async () => (await healthDetails(relay.url)).ackedSeq, { timeout: 5000 }).toBe(3);
    first.close();

    // A cursor beyond the newest seq (a relay whose data folder was replaced): not an acknowledgement.
    const ahead = await rawDesk(relay.url, { cursor: 999, queueId });
    cleanups.push(() => ahead.close());
    expect(ahead.queue).toEqual({ type: 'queue', queueId, newestSeq: 5, reset: true });
    // From the oldest push still held: 1-3 are acknowledged but kept for retention.
    await expect.poll(() => seqs(ahead), { timeout: 5000 }).toEqual([1, 2, 3, 4, 5]);
    expect(ahead.frames.findIndex((f) => f.type === 'push')).toBeGreaterThan(0);
    const h = await healthDetails(relay.url);
    expect(h.ackedSeq).toBe(3);
    expect(h.queueDepth).toBe(2);
    expect(relay.logs()).toMatch(/"level":"warn","msg":"desk cursor[^"]*beyond/);
    ahead.close();

    // A cursor that belongs to another queue.
    const other = await rawDesk(relay.url, { cursor: 2, queueId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    cleanups.push(() => other.close());
    expect(other.queue).toEqual({ type: 'queue', queueId, newestSeq: 5, reset: true });
    await expect.poll(() => seqs(other), { timeout: 5000 }).toEqual([1, 2, 3, 4, 5]);
    expect((await healthDetails(relay.url)).ackedSeq).toBe(3);
    expect(relay.logs()).toMatch(/"level":"warn","msg":"desk cursor[^"]*another queue/);
    other.close();

    // The same queue and a cursor it holds: an acknowledgement, delivery after it.
    const same = await rawDesk(relay.url, { cursor: 4, queueId });
    cleanups.push(() => same.close());
    expect(same.queue).toEqual({ type: 'queue', queueId, newestSeq: 5, reset: false });
    await expect.poll(() => seqs(same), { timeout: 5000 }).toEqual([5]);
    expect((await healthDetails(relay.url)).ackedSeq).toBe(4);
    same.close();

    // The id lives with the data folder: the same after a restart, another for another folder.
    expect(await relay.stop()).toBe(0);
    relay = await spawnRelay(cfg);
    const again = await rawDesk(relay.url, { cursor: 5, queueId });
    cleanups.push(() => again.close());
    expect(again.queue).toEqual({ type: 'queue', queueId, newestSeq: 5, reset: false });
    again.close();
    const tmp2 = tempDir();
    cleanups.push(tmp2.cleanup);
    const fresh = await spawnRelay(writeConfig(tmp2.dir));
    cleanups.push(() => fresh.kill9());
    const stranger = await rawDesk(fresh.url, { cursor: 5, queueId });
    cleanups.push(() => stranger.close());
    expect(stranger.queue.queueId).not.toBe(queueId);
    expect(stranger.queue).toMatchObject({ newestSeq: 0, reset: true });
    stranger.close();
  }, 30_000);

  it('kill -9 at random moments during 2,000 pushes: every push answered success reaches the desk exactly once', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const port = await freePort();
    const cfg = writeConfig(tmp.dir, { listen: `127.0.0.1:${port}` });
    let relay: SpawnedRelay = await spawnRelay(cfg);
    cleanups.push(() => relay.kill9());
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const client = deskClient(`http://127.0.0.1:${port}`, desk);
    const agent = keepAliveAgent(16);
    cleanups.push(() => agent.close());

    const pushes = Array.from({ length: 2000 }, () => signedPush());
    // Kill points at random progress marks, so the number of crashes does not depend on speed.
    const killAt = new Set(Array.from({ length: 5 }, (_, i) => 200 + i * 350 + Math.floor(Math.random() * 150)));
    let restarting: Promise<void> = Promise.resolve();
    let kills = 0;
    const answered: string[] = [];
    let progress = 0;
    await pool(pushes, 16, async (push) => {
      if (killAt.has(++progress)) {
        kills++;
        restarting = restarting.then(async () => {
          await relay.kill9();
          for (let i = 0; ; i++) {
            try {
              relay = await spawnRelay(cfg);
              return;
            } catch (err) {
              if (i > 20) throw err; // the port is normally free at once after a kill
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        });
      }
      if (await sendLikeWeChat(`http://127.0.0.1:${port}`, push, agent)) {
        answered.push(push.nonce);
        // Some answers "get lost" and WeChat retries a success: still stored once.
        if (Math.random() < 0.1) await sendLikeWeChat(`http://127.0.0.1:${port}`, push, agent);
      }
    });
    await restarting;
    expect(kills).toBe(5);
    expect(answered.length).toBeGreaterThan(1000);
    const answeredSet = new Set(answered);
    await expect.poll(() => desk.rows().filter((r) => answeredSet.has(r.nonce)).length, { timeout: 60_000, message: 'every answered push at the desk' }).toBe(answeredSet.size);
    assertExactlyOnce(desk, answeredSet);
    expect(client.state().status).toBe('connected');
  }, 180_000);

  it('desk offline while 10,000 pushes queue: all delivered in order, no gaps, each processed once', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await spawnRelay(writeConfig(tmp.dir));
    cleanups.push(() => relay.kill9());
    const agent = keepAliveAgent(32);
    cleanups.push(() => agent.close());
    const pushes = Array.from({ length: 10_000 }, () => signedPush());
    let ok = 0;
    await pool(pushes, 32, async (p) => {
      if ((await post(relay.url, p.path, p.body, agent)).text === 'success') ok++;
    });
    expect(ok).toBe(10_000);

    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const order: number[] = [];
    deskClient(relay.url, desk, (seq) => order.push(seq));
    await expect.poll(() => desk.getCursor(), { timeout: 60_000, message: 'the backlog to drain' }).toBe(10_000);
    expect(order).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    const rows = desk.rows();
    expect(rows.map((r) => r.seq)).toEqual(order);
    assertExactlyOnce(desk, pushes.map((p) => p.nonce));
  }, 120_000);

  it('the desk link cut repeatedly under load: no gaps, no duplicates, in order', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await spawnRelay(writeConfig(tmp.dir));
    cleanups.push(() => relay.kill9());
    const proxy = await cuttableProxy(Number(new URL(relay.url).port));
    cleanups.push(() => proxy.close());
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const order: number[] = [];
    const client = deskClient(proxy.url, desk, (seq) => order.push(seq));
    const agent = keepAliveAgent(16);
    cleanups.push(() => agent.close());
    const pushes = Array.from({ length: 2000 }, () => signedPush());
    let sent = 0;
    let cuts = 0;
    await pool(pushes, 16, async (p) => {
      if (++sent % 150 === 0) {
        proxy.cut();
        cuts++;
      }
      expect((await post(relay.url, p.path, p.body, agent)).text).toBe('success');
    });
    await expect.poll(() => desk.getCursor(), { timeout: 60_000, message: 'every push at the desk' }).toBe(2000);
    expect(cuts).toBe(13);
    expect(order).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    assertExactlyOnce(desk, pushes.map((p) => p.nonce));
    expect(client.state().cursor).toBe(2000);
  }, 120_000);

  it('a silent link is detected by ping/pong on both sides, and delivery resumes on a new connection', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await spawnRelay(writeConfig(tmp.dir, { heartbeatMs: 300 }));
    cleanups.push(() => relay.kill9());
    const proxy = await cuttableProxy(Number(new URL(relay.url).port));
    cleanups.push(() => proxy.close());
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    const statuses: string[] = [];
    const errors: string[] = [];
    const retryTimes: number[] = [];
    const client = new RelayClient({
      url: proxy.url,
      deskKey: DESK_KEY,
      getCursor: desk.getCursor,
      heartbeatMs: 300,
      minBackoffMs: 20,
      maxBackoffMs: 100,
      onState: (s) => {
        statuses.push(s.status);
        if (s.lastError) errors.push(s.lastError);
        if (s.status === 'disconnected' && s.nextRetryAt !== null) retryTimes.push(s.nextRetryAt);
      },
      onPush: async (p) => (desk.commit(p), { reply: null }),
    });
    client.start();
    cleanups.push(() => client.stop());
    await expect.poll(() => client.state().status, { timeout: 5000, message: 'connect' }).toBe('connected');
    proxy.blackhole();
    await expect.poll(() => proxy.connections() >= 2 && client.state().status === 'connected', { timeout: 10_000, message: 'a reconnect after the silence' }).toBe(true);
    expect(errors.join('\n')).toMatch(/stopped answering pings/);
    await expect.poll(() => relay.logs().includes('desk silent'), { timeout: 10_000, message: 'the relay to drop the silent desk' }).toBe(true);
    const p = signedPush();
    expect((await post(relay.url, p.path, p.body)).text).toBe('success');
    await expect.poll(() => desk.getCursor(), { timeout: 5000, message: 'delivery on the new connection' }).toBe(1);
    expect(statuses).toContain('disconnected');
    expect(retryTimes.length).toBeGreaterThan(0);
  }, 30_000);

  it('SIGTERM answers requests in flight (waiting replies get success), exits 0, and keeps what it answered', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const cfg = writeConfig(tmp.dir, { replyDeadlineMs: 4000 });
    const relay = await spawnRelay(cfg);
    cleanups.push(() => relay.kill9());
    // A desk that receives and never replies, so authorizer pushes sit waiting for their reply.
    const silent = await rawDesk(relay.url, { cursor: 0 });
    const agent = keepAliveAgent(32);
    cleanups.push(() => agent.close());
    const waiting = Array.from({ length: 20 }, () => signedPush({ kind: 'authorizer' }));
    const answers = waiting.map((p) => post(relay.url, p.path, p.body, agent).catch((e: Error) => ({ status: 0, text: e.message })));
    await expect.poll(() => silent.pushes().length, { timeout: 10_000, message: 'the pushes to reach the desk' }).toBe(20);
    expect(await relay.stop()).toBe(0);
    for (const a of await Promise.all(answers)) expect(a).toEqual({ status: 200, text: 'success' });
    silent.ws.terminate();

    const again = await spawnRelay(cfg);
    cleanups.push(() => again.kill9());
    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    deskClient(again.url, desk);
    await expect.poll(() => desk.getCursor(), { timeout: 10_000, message: 'redelivery after the restart' }).toBe(20);
    assertExactlyOnce(desk, waiting.map((p) => p.nonce));
  }, 30_000);

  it('a desk killed after receiving and before acking gets the push again and processes it once', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const relay = await spawnRelay(writeConfig(tmp.dir));
    cleanups.push(() => relay.kill9());
    const agent = keepAliveAgent(8);
    cleanups.push(() => agent.close());
    const pushes = Array.from({ length: 200 }, () => signedPush());
    await pool(pushes, 8, async (p) => void (await post(relay.url, p.path, p.body, agent)));

    const outDir = join(repoRoot, 'node_modules/.cache/wxopen-relay-test');
    mkdirSync(outDir, { recursive: true });
    const bundle = join(outDir, `desk-child-${process.pid}.mjs`);
    await build({
      entryPoints: [join(repoRoot, 'test/relay/fixtures/desk-child.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'error',
    });
    const runDesk = (env: Record<string, string>) =>
      new Promise<{ signal: string | null; code: number | null; processed: number[] }>((resolve) => {
        const child = spawn(process.execPath, [bundle], {
          env: { ...process.env, RELAY_URL: relay.url, DESK_KEY, DESK_DB: join(tmp.dir, 'desk.sqlite'), STOP_AT: '200', ...env },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', (code, signal) => resolve({ code, signal, processed: [...out.matchAll(/processed (\d+)/g)].map((m) => Number(m[1])) }));
      });

    const first = await runDesk({ KILL_AT: '50', KILL_MODE: 'after-commit' });
    expect(first.signal).toBe('SIGKILL');
    expect(first.processed.at(-1)).toBe(50);
    const second = await runDesk({ KILL_AT: '120', KILL_MODE: 'before-commit' });
    expect(second.signal).toBe('SIGKILL');
    expect(second.processed[0]).toBe(51); // 50 was committed, though never acknowledged: not processed again
    expect(second.processed.at(-1)).toBe(119);
    const third = await runDesk({});
    expect(third.code).toBe(0);
    expect(third.processed[0]).toBe(120); // received, never committed nor acknowledged: redelivered
    expect(third.processed.at(-1)).toBe(200);

    const desk = new DeskDb(join(tmp.dir, 'desk.sqlite'));
    cleanups.push(() => desk.close());
    expect(desk.rows().map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    assertExactlyOnce(desk, pushes.map((p) => p.nonce));
  }, 60_000);
});
