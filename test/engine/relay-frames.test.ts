/**
 * The engine's relay client against frames a real relay sends only in particular situations, spoken by a small real
 * WebSocket server (test/helpers/fake-relay.ts): a new queue (`queue` with reset), malformed pushes, a burst of
 * frames (batched commits, cumulative acks after the commit) and `refusals`. The last test runs the queue reset
 * against the real relay.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEventName } from '../../src/shared/contract';
import type { PushFrame, QueueFrame, RefusalsFrame } from '../../src/shared/relay-protocol';
import { PlatformEngine } from '../../src/main/engine';
import { createHandlers } from '../../src/main/services/handlers';
import { RuntimeHost } from '../../src/main/services/host';
import { NodeSecretStore, openStore, type Store } from '../../src/main/store';
import { MsgCrypt } from '../../src/wechat/crypto';
import { buildXml } from '../../src/wechat/xml';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startRelay } from '../../src/relay/server';
import { buildPushRequest } from '../../src/sim/pushes/delivery';
import { startFakeRelay } from '../helpers/fake-relay';
import { until } from '../helpers/stack';

const APPID = 'wx7a6b5c4d3e2f1a0b';
const AUTHORIZER = 'wx1122334455667788';
const TOKEN = 'framesTestToken';
const AES_KEY = 'zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT';
const DESK_KEY = 'desk-key-for-the-frames-test-0123456789abcdef';
const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let messageNo = 0;
/** A user's text message to an authorizer, encrypted as WeChat sends it. */
function textMessage(): { query: Record<string, string>; body: string; content: string } {
  const i = ++messageNo;
  const content = `营业时间？ message ${i} ${Date.now()}`;
  const plain = buildXml({ ToUserName: 'gh_frames', FromUserName: `ouser${i}`, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: String(24000000000000000000n + BigInt(i) + BigInt(Date.now()) * 1000n) });
  const { query, body } = buildPushRequest(crypt, plain, { kind: 'authorizer', nowSeconds: Math.floor(Date.now() / 1000), componentAppid: APPID, toUserName: 'gh_frames', openid: `ouser${i}` });
  return { query: Object.fromEntries(query), body, content };
}

function pushFrame(seq: number, replyDeadline: number | null = null): PushFrame {
  const m = textMessage();
  return { type: 'push', seq, receivedAt: Date.now(), kind: 'authorizer', appid: AUTHORIZER, query: m.query, body: m.body, replyDeadline };
}

/** A desk (store + engine) whose platform points at relayUrl; prepare runs on the store before the engine starts. */
function startDesk(relayUrl: string, prepare?: (store: Store) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-frames-'));
  const store = openStore({ path: join(dir, 'desk.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')) });
  store.platforms.upsert({ componentAppid: APPID, name: 'frames', relayUrl, egress: 'direct', token: TOKEN, encodingAesKey: AES_KEY, deskKey: DESK_KEY, appSecret: 'frames-secret-0123456789abcdef01' });
  prepare?.(store);
  const emitted: { event: AppEventName; payload: unknown }[] = [];
  const engine = new PlatformEngine({ store, componentAppid: APPID, apiBaseUrl: 'http://127.0.0.1:9', emit: (event, payload) => emitted.push({ event, payload }) });
  engine.start();
  cleanups.push(async () => {
    await engine.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, engine, emitted, dir };
}

const queueFrame = (queueId: string, newestSeq: number, reset: boolean): QueueFrame => ({ type: 'queue', queueId, newestSeq, reset });

describe('relay frames', () => {
  it('a new relay queue: the desk forgets its cursor, takes every push from the beginning, and tells the operator', async () => {
    const first = [pushFrame(1), pushFrame(2), pushFrame(3)];
    const relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (hello, ws, i) => {
        if (i === 0) {
          ws.send(JSON.stringify(queueFrame('q-new', 3, true)));
          for (const p of first) ws.send(JSON.stringify(p));
        } else {
          ws.send(JSON.stringify(queueFrame('q-new', 4, false)));
          if (hello.cursor === 3) ws.send(JSON.stringify(pushFrame(4)));
        }
      },
    });
    cleanups.push(() => relay.close());
    const { store, emitted } = startDesk(relay.url, (s) => {
      // The desk processed 500 pushes of another queue; seqs 1-3 of that queue are among its events.
      for (let seq = 1; seq <= 3; seq++) s.events.insert({ componentAppid: APPID, seq, kind: 'authorizer', appid: AUTHORIZER, receivedAt: Date.now(), rawBody: 'old queue', dedupeKey: `old:${seq}` });
      s.relay.advance(APPID, 500);
    });
    await until('the three pushes of the new queue', () => store.events.count({ componentAppid: APPID, search: 'gh_frames' }) === 3);
    expect(relay.hellos[0]).toMatchObject({ type: 'hello', cursor: 500 });
    expect(store.relay.getCursor(APPID)).toBe(3);
    expect(store.events.count({ componentAppid: APPID })).toBeGreaterThanOrEqual(6);
    await until('the ack of seq 3', () => relay.acks.some((a) => a.seq === 3));
    const alerts = emitted.filter((e) => e.event === 'alert:new').map((e) => e.payload as { code: string; message: string; messageZh?: string });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.code).toBe('relay_queue_reset');
    expect(alerts[0]!.messageZh).toContain('中继的推送队列是新的');
    expect(alerts[0]!.message).toMatch(/new push queue/);
    expect(store.events.list({ componentAppid: APPID, kind: 'alert' }).rows).toHaveLength(1);
    expect(store.relay.getQueue(APPID)).toMatchObject({ cursor: 3, queueId: 'q-new' });

    // The next connection names the queue its cursor belongs to; no reset, no new alert.
    relay.socket().terminate();
    await until('push 4 after reconnecting', () => store.relay.getCursor(APPID) === 4);
    expect(relay.hellos[1]).toEqual({ type: 'hello', cursor: 3, queueId: 'q-new' });
    expect(store.events.list({ componentAppid: APPID, kind: 'alert' }).rows).toHaveLength(1);
  });

  it('a push the store refuses even as a failed record is kept in a minimal form, acknowledged, and the next one lands', async () => {
    const good = pushFrame(2);
    const relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (_hello, ws) => {
        // A relay bug or a hostile relay: every field the store checks is wrong.
        ws.send(JSON.stringify({ type: 'push', seq: 1, receivedAt: -1, kind: 'authorizer', appid: '公众号appid', query: { timestamp: 5, nonce: null }, body: 42, replyDeadline: null }));
        ws.send(JSON.stringify(good));
      },
    });
    cleanups.push(() => relay.close());
    const { store } = startDesk(relay.url);
    await until('the good push after it', () => store.relay.getCursor(APPID) === 2);
    await until('the ack of both', () => relay.acks.some((a) => a.seq === 2));
    expect(relay.hellos).toHaveLength(1);
    const failed = store.events.list({ componentAppid: APPID, failedOnly: true }).rows;
    expect(failed.map((e) => e.seq)).toEqual([1]);
    expect(store.events.get(failed[0]!.id)!.rawBody).toBe('42');
    expect(failed[0]!.failReason).toBeTruthy();
    expect(store.events.list({ componentAppid: APPID }).rows.find((e) => e.seq === 2)?.status).toBe('ok');
  });

  it('a store that cannot write at all acknowledges nothing and loses nothing: the push lands once it can', async () => {
    const frame = pushFrame(1);
    let dbPath = '';
    let blocker: Database.Database | null = null;
    const relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (hello, ws, i) => {
        if (i === 0) {
          // Another writer holds the database (a stuck process, a backup tool): every write here times out.
          blocker = new Database(dbPath);
          blocker.exec('BEGIN IMMEDIATE');
        }
        if (hello.cursor < 1) ws.send(JSON.stringify(frame));
      },
    });
    cleanups.push(() => relay.close());
    const desk = startDesk(relay.url);
    dbPath = join(desk.dir, 'desk.db');
    const failures = () => desk.emitted.filter((e) => e.event === 'relay:state').map((e) => (e.payload as { lastError: string | null }).lastError ?? '');
    await until('the retry after the failed commit', () => relay.hellos.length >= 2 && failures().some((m) => /processing push 1 failed/.test(m)), 20_000);
    expect(relay.acks).toEqual([]);
    expect(failures().find((m) => /processing push 1 failed/.test(m))).toMatch(/locked|busy/i);
    blocker!.exec('ROLLBACK');
    blocker!.close();
    await until('the push, once the store can write', () => desk.store.relay.getCursor(APPID) === 1, 20_000);
    await until('its ack', () => relay.acks.some((a) => a.seq === 1));
    expect(desk.store.events.count({ componentAppid: APPID })).toBe(1);
    expect(desk.store.events.list({ componentAppid: APPID }).rows[0]!.status).toBe('ok');
  }, 40_000);

  it('frames that wait together commit in one transaction and are acknowledged once, after the commit', async () => {
    const N = 300;
    const frames = Array.from({ length: N }, (_, i) => pushFrame(i + 1, (i + 1) % 50 === 0 ? Date.now() + 60_000 : null));
    let store!: Store;
    const ackedBeforeCommit: number[] = [];
    const relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (_hello, ws) => {
        ws.send(JSON.stringify(queueFrame('q-burst', N, false)));
        for (const f of frames) ws.send(JSON.stringify(f));
      },
      // Same process: at the moment an ack arrives, the store must already hold the cursor it acknowledges.
      onAck: (ack) => {
        if (store.relay.getCursor(APPID) < ack.seq) ackedBeforeCommit.push(ack.seq);
      },
    });
    cleanups.push(() => relay.close());
    ({ store } = startDesk(relay.url));
    await until('the ack of the last push', () => relay.acks.some((a) => a.seq === N), 20_000);
    expect(ackedBeforeCommit).toEqual([]);
    expect(store.events.count({ componentAppid: APPID })).toBe(N);
    expect(relay.acks.length).toBeLessThan(N / 10);
    // Acks are cumulative and increasing; each passive reply goes out before the ack that covers its push.
    const ackSeqs = relay.acks.map((a) => a.seq);
    expect(ackSeqs).toEqual([...ackSeqs].sort((a, b) => a - b));
    expect(relay.replies.map((r) => r.seq)).toEqual([50, 100, 150, 200, 250, 300]);
    for (const r of relay.replies) {
      const replyAt = relay.frames.indexOf(r);
      const coveringAck = relay.frames.findIndex((f) => f.type === 'ack' && f.seq >= r.seq);
      expect(replyAt).toBeLessThan(coveringAck);
      expect(r.body).toBe('success');
    }
    expect(store.relay.getQueue(APPID)).toMatchObject({ cursor: N, queueId: 'q-burst' });
  });

  it('keeps the relay’s latest refusals summary for the console (relay/refusals)', async () => {
    const now = Date.now();
    const summary = (total: number): RefusalsFrame => ({
      type: 'refusals',
      windowMs: 86_400_000,
      total,
      counts: { bad_msg_signature: total - 3, stale_timestamp: 2, some_future_reason: 1 },
      recent: [
        { at: now - 1000, reason: 'bad_msg_signature', status: 401, path: '/wechat/component', remote: '203.0.113.7' },
        { at: now - 2000, reason: 'some_future_reason', status: 400, path: '/wechat/authorizer/wx1122334455667788', remote: '198.51.100.2' },
      ],
    });
    const relay = await startFakeRelay({
      deskKey: DESK_KEY,
      onHello: (_hello, ws) => {
        ws.send(JSON.stringify(queueFrame('q-refusals', 0, false)));
        ws.send(JSON.stringify(summary(12)));
      },
    });
    cleanups.push(() => relay.close());
    const { store, engine, dir } = startDesk(relay.url);
    const host = new RuntimeHost({ store, mode: 'console', dataDir: dir, version: 'test', secretStorage: { kind: 'node-aes-256-gcm', insecure: false }, createRuntime: async () => engine });
    await host.select(APPID);
    const handlers = createHandlers(host);
    await expect.poll(async () => (await handlers['relay/refusals']())?.total, { timeout: 10_000 }).toBe(12);
    const first = await handlers['relay/refusals']();
    expect(first).toMatchObject({ total: 12, windowMs: 86_400_000, topReason: 'bad_msg_signature', counts: { bad_msg_signature: 9 } });
    expect(first!.recent).toHaveLength(2);
    expect(first!.recent[0]).toMatchObject({ reason: 'bad_msg_signature', path: '/wechat/component', remote: '203.0.113.7' });
    relay.send(summary(40));
    await expect.poll(async () => (await handlers['relay/refusals']())?.total, { timeout: 10_000 }).toBe(40);
  });
});

describe('a new relay queue, against the real relay', () => {
  it('desk at cursor 500 meets a fresh relay holding 3 pushes: all 3 land, the operator is told, the cursor is re-based', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxopen-fresh-relay-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const relay = await startRelay(
      validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: APPID, token: TOKEN, deskKey: DESK_KEY, dataDir }),
      { logger: silentLogger, publicUrlIsListenUrl: true },
    );
    cleanups.push(() => relay.close());
    for (let i = 0; i < 3; i++) {
      const m = textMessage();
      const res = await request(`${relay.url}/wechat/authorizer/${AUTHORIZER}?${new URLSearchParams(m.query)}`, { method: 'POST', body: m.body, headers: { 'content-type': 'text/xml' } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    // Protocol addition 1 is the relay's to send: a relay without it answers a hello with pushes, not `queue`.
    const firstFrame = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(relay.url.replace(/^http/, 'ws') + '/desk', { headers: { authorization: `Bearer ${DESK_KEY}` } });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', cursor: 0 })));
      ws.once('message', (d) => {
        resolve((JSON.parse(d.toString()) as { type: string }).type);
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(firstFrame).toBe('queue'); // the relay answers hello with its queue before any push

    const { store, emitted } = startDesk(relay.url, (s) => {
      s.relay.advance(APPID, 500);
      s.relay.setQueueId(APPID, 'a-relay-that-is-gone');
    });
    await until('the three pushes', () => store.events.count({ componentAppid: APPID, search: 'gh_frames' }) === 3);
    await until('the acks', () => relay.health().queueDepth === 0);
    expect(store.relay.getCursor(APPID)).toBe(3);
    expect(store.relay.getQueue(APPID).queueId).not.toBe('a-relay-that-is-gone');
    expect(emitted.filter((e) => e.event === 'alert:new').map((e) => (e.payload as { code: string }).code)).toEqual(['relay_queue_reset']);
  });
});
