/** The relay as a real process on loopback: ingest checks, hostile input, desk auth, passive replies, auth pages, egress. */
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ProxyAgent, request } from 'undici';
import { RelayClient } from '../../src/main/relay/client';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { RefusalLog } from '../../src/relay/refusals';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import type { PushFrame, RefusalsFrame, RelayHealthDetails } from '../../src/shared/relay-protocol';
import {
  AUTHORIZER_APPID,
  COMPONENT_APPID,
  DESK_KEY,
  TOKEN,
  get,
  healthDetails,
  keepAliveAgent,
  pool,
  post,
  rawDesk,
  signedPush,
  spawnRelay,
  startFlood,
  tempDir,
  writeConfig,
  type SpawnedRelay,
} from './helpers';

let relay: SpawnedRelay;
let tmp: ReturnType<typeof tempDir>;
let sim: http.Server;
let simPort: number;
const agent = keepAliveAgent(8);

async function health(): Promise<RelayHealthDetails> {
  return healthDetails(relay.url);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An in-process relay on loopback with its own data folder, closed after the test. */
async function relayWith(overrides: Record<string, unknown> = {}): Promise<RunningRelay> {
  const dir = tempDir();
  const config = validateRelayConfig({
    listen: '127.0.0.1:0',
    publicUrl: 'http://127.0.0.1',
    componentAppid: COMPONENT_APPID,
    token: TOKEN,
    deskKey: DESK_KEY,
    dataDir: join(dir.dir, 'data'),
    ...overrides,
  });
  const r = await startRelay(config, { logger: silentLogger, publicUrlIsListenUrl: true });
  cleanups.push(dir.cleanup, () => r.close());
  return r;
}

/** A raw TCP connection (from a chosen loopback address) and everything the relay writes to it. */
async function rawConn(port: number, localAddress = '127.0.0.1') {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let data = '';
  let closed = false;
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (data += d));
  socket.on('error', () => {});
  const closedP = new Promise<void>((r) => socket.on('close', () => ((closed = true), r())));
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  return {
    socket,
    data: () => data,
    isClosed: () => closed,
    closed: closedP,
    /** Send a request and wait for one whole response (Content-Length bodies). */
    async exchange(text: string): Promise<{ status: number; body: string }> {
      const from = data.length;
      socket.write(text);
      return vi.waitFor(() => {
        const part = data.slice(from);
        const head = part.indexOf('\r\n\r\n');
        if (head < 0) throw new Error(`no response head yet: ${JSON.stringify(part)}`);
        const len = Number(/content-length: (\d+)/i.exec(part.slice(0, head))?.[1] ?? 0);
        if (part.length < head + 4 + len) throw new Error('body incomplete');
        return { status: Number(part.split(' ')[1]), body: part.slice(head + 4, head + 4 + len) };
      }, { timeout: 5000, interval: 10 });
    },
  };
}

/** Send raw bytes and collect the response head (for bodies undici would refuse to send, or slow ones). */
function rawExchange(port: number, write: (s: net.Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => {
      data += d;
      if (data.includes('\r\n\r\n')) {
        s.destroy();
        resolve(data);
      }
    });
    s.on('error', () => resolve(data));
    s.on('close', () => resolve(data));
    s.on('connect', () => write(s));
  });
}

beforeAll(async () => {
  tmp = tempDir();
  sim = http.createServer((_req, res) => res.end('simulated wechat api'));
  await new Promise<void>((r) => sim.listen(0, '127.0.0.1', r));
  simPort = (sim.address() as net.AddressInfo).port;
  const cfg = writeConfig(tmp.dir, { egressAllow: [`127.0.0.1:${simPort}`, 'api.weixin.qq.com:443'], egressAllowLiteralTargets: true, egressIp: '203.0.113.7', replyDeadlineMs: 3000, authorizedPerMinute: 10_000, authorizedPerMinutePerAddress: 10_000 });
  relay = await spawnRelay(cfg);
});

afterAll(async () => {
  await relay?.stop();
  await agent.close();
  sim?.close();
  tmp?.cleanup();
});

describe('relay ingest', () => {
  it('stores a signed component push once, answers success, and repeats get the same answer', async () => {
    const before = await health();
    const push = signedPush();
    const first = await post(relay.url, push.path, push.body, agent);
    const again = await post(relay.url, push.path, push.body, agent);
    expect(first).toEqual({ status: 200, text: 'success' });
    expect(again).toEqual({ status: 200, text: 'success' });
    const after = await health();
    expect(after.queueDepth).toBe(before.queueDepth + 1);
    expect(after.lastTicketPushAt).not.toBeNull();
    expect(after.ok).toBe(true);
    expect(JSON.stringify(after)).not.toContain(TOKEN);
  });

  it('refuses hostile and invalid input with 4xx, stores nothing, and valid pushes keep flowing meanwhile', async () => {
    const before = await health();
    const port = Number(new URL(relay.url).port);
    const valid = signedPush();
    const q = valid.path.split('?')[1]!;
    const signedWith = (encrypt: string) => signedPush({ encrypt });
    const truncated = signedWith('QUJDREVGR0g' /* 11 chars: base64 cut short */);
    const stale = signedPush({ timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const badSig = signedPush({ token: 'someOtherToken' });
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>`;
    const hugeEntity = `<!DOCTYPE xml [<!ENTITY big "${'x'.repeat(50_000)}">]><xml><Encrypt>&big;</Encrypt></xml>`;
    const cases: { name: string; run: () => Promise<number> }[] = [
      { name: 'xxe', run: async () => (await post(relay.url, valid.path, xxe)).status },
      { name: 'billion laughs', run: async () => (await post(relay.url, valid.path, laughs)).status },
      { name: 'huge entity', run: async () => (await post(relay.url, valid.path, hugeEntity)).status },
      { name: 'non-xml', run: async () => (await post(relay.url, valid.path, 'hello, not xml')).status },
      { name: 'no Encrypt', run: async () => (await post(relay.url, valid.path, '<xml><AppId>x</AppId></xml>')).status },
      { name: 'truncated base64', run: async () => (await post(relay.url, truncated.path, truncated.body)).status },
      { name: 'bad signature', run: async () => (await post(relay.url, badSig.path, badSig.body)).status },
      { name: 'stale timestamp', run: async () => (await post(relay.url, stale.path, stale.body)).status },
      { name: 'no query', run: async () => (await post(relay.url, '/wechat/component', valid.body)).status },
      {
        name: '10 MB body (declared)',
        run: async () =>
          Number(
            (
              await rawExchange(port, (s) => {
                s.write(`POST /wechat/component?${q} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
                s.write(Buffer.alloc(256 * 1024, 'a'));
              })
            ).split(' ')[1],
          ),
      },
      {
        name: '10 MB body (chunked)',
        run: async () =>
          Number(
            (
              await rawExchange(port, (s) => {
                s.write(`POST /wechat/component?${q} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n`);
                const chunk = Buffer.alloc(100 * 1024, 'a');
                for (let i = 0; i < 100 && !s.destroyed; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
              })
            ).split(' ')[1],
          ),
      },
      {
        name: 'slow body',
        run: async () =>
          Number(
            (
              await rawExchange(port, (s) => {
                s.write(`POST /wechat/component?${q} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<xml>`);
              })
            ).split(' ')[1],
          ),
      },
    ];
    const goodPushes = Array.from({ length: 200 }, () => signedPush());
    const goodAnswers: string[] = [];
    const [statuses] = await Promise.all([
      Promise.all(cases.map(async (c) => [c.name, await c.run()] as const)),
      pool(goodPushes, 8, async (p) => {
        goodAnswers.push((await post(relay.url, p.path, p.body, agent)).text);
      }),
    ]);
    for (const [name, status] of statuses) expect(status, name).toBeGreaterThanOrEqual(400);
    for (const [name, status] of statuses) expect(status, name).toBeLessThan(500);
    expect(Object.fromEntries(statuses)).toMatchObject({ 'bad signature': 403, 'stale timestamp': 403, '10 MB body (declared)': 413, '10 MB body (chunked)': 413, 'slow body': 408 });
    expect(goodAnswers.filter((a) => a === 'success')).toHaveLength(200);
    expect((await health()).queueDepth).toBe(before.queueDepth + 200);
    const logs = relay.logs();
    for (const reason of ['doctype_or_entity', 'no_encrypt', 'encrypt_not_base64', 'bad_msg_signature', 'stale_timestamp', 'body_too_large', 'body_timeout', 'missing_query']) {
      expect(logs).toContain(`"reason":"${reason}"`);
    }
    expect(logs).not.toContain('lol2');
    expect(logs).not.toContain('passwd');
  });

  it('answers 405/404 for other methods and paths', async () => {
    expect((await get(relay.url, '/wechat/component')).status).toBe(405);
    expect((await get(relay.url, '/nothing-here')).status).toBe(404);
    const p = signedPush({ kind: 'authorizer', appid: 'bad appid!' });
    expect((await post(relay.url, p.path.replace('bad%20appid!', 'bad%20appid!'), p.body)).status).toBe(400);
  });
});

describe('query strictness', () => {
  it('refuses a repeated query key (also one appended to a validly signed push) and bad percent-encoding with 400, and stores exactly the query it verified', async () => {
    const before = await health();
    const valid = signedPush();
    const repeated = {
      'timestamp appended': `${valid.path}&timestamp=1`,
      'nonce appended': `${valid.path}&nonce=x`,
      'msg_signature put first': valid.path.replace('?', '?msg_signature=0&'),
      'percent-encoded repeat': `${valid.path}&times%74amp=1`,
      'another key twice': `${valid.path}&openid=a&openid=b`,
    };
    for (const [name, path] of Object.entries(repeated)) {
      const r = await post(relay.url, path, valid.body);
      expect(r.status, name).toBe(400);
      expect(r.text, name).toContain('repeated_query_key');
    }
    for (const path of [`${valid.path}&x=%E0%A4%A`, `${valid.path}&x=%zz`, valid.path.replace('nonce=', 'nonce=%G')]) {
      const r = await post(relay.url, path, valid.body);
      expect(r.status, path).toBe(400);
      expect(r.text, path).toContain('bad_query_encoding');
    }
    const authorizer = signedPush({ kind: 'authorizer' });
    expect((await post(relay.url, authorizer.path.replace(AUTHORIZER_APPID, '%E0%A4%A'), authorizer.body)).status).toBe(400);
    expect((await health()).queueDepth).toBe(before.queueDepth);
    expect(relay.logs()).toContain('"reason":"repeated_query_key"');
    expect(relay.logs()).toContain('"reason":"bad_query_encoding"');

    // What is stored (and delivered) is the query that was checked, every key once, decoded.
    const extra = signedPush();
    expect((await post(relay.url, `${extra.path}&lang=zh%20CN`, extra.body)).text).toBe('success');
    const newest = (await health()).newestSeq;
    const desk = await rawDesk(relay.url, { cursor: newest - 1 });
    cleanups.push(() => desk.close());
    await expect.poll(() => desk.pushes().length, { timeout: 5000 }).toBe(1);
    expect(desk.pushes()[0]!.query).toEqual({ ...Object.fromEntries(new URLSearchParams(extra.path.split('?')[1])), lang: 'zh CN' });
  });
});

describe('cheap checks before parsing', () => {
  it('answers a valid push in < 300 ms while 24 connections flood 64 KiB bodies with bad signatures', async () => {
    // The shape that made parsing expensive: thousands of elements after a real-looking Encrypt.
    const bad = signedPush({ token: 'notTheRelayToken' });
    const body = bad.body.replace('</xml>', `${'<a/>'.repeat(16_000)}</xml>`);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024);
    // Warm: the first commits of a fresh relay (WAL creation, JIT) are slow with or without a flood.
    for (let i = 0; i < 3; i++) {
      const p = signedPush();
      expect((await post(relay.url, p.path, p.body, agent)).text).toBe('success');
    }
    // Bounded: at most 2,400 requests and 15 s, stopped as soon as the measurement is done.
    const flood = startFlood({ url: relay.url, path: bad.path, body, concurrency: 24, maxRequests: 2400, maxMs: 15_000 });
    cleanups.push(() => flood.stop());
    await expect.poll(() => flood.answered(), { timeout: 15_000, message: 'the flood to be answered' }).toBeGreaterThanOrEqual(48);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const p = signedPush();
      const t0 = performance.now();
      const r = await post(relay.url, p.path, p.body, agent);
      latencies.push(performance.now() - t0);
      expect(r.text).toBe('success');
    }
    expect(flood.running(), 'the flood was still running while the valid pushes were measured').toBe(true);
    await flood.stop();
    // The median of five, so one scheduling or fsync hiccup of this shared machine does not decide (before the fix
    // every one took more than a second).
    const median = [...latencies].sort((a, b) => a - b)[2]!;
    expect(median, `latencies ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(300);
  });
});

describe('connections', () => {
  it('closes a connection whose headers never complete, a silent one, and an idle kept-alive one', async () => {
    const r = await relayWith({ headersTimeoutMs: 400, keepAliveTimeoutMs: 400 });
    const partial = await rawConn(r.port);
    partial.socket.write('POST /wechat/component?timestamp=1 HTTP/1.1\r\nHost: x\r\n');
    // Keep trickling header lines, so only the header deadline (not an idle timer) can end it.
    const trickle = setInterval(() => partial.socket.writable && partial.socket.write('X-Slow: 1\r\n'), 100);
    cleanups.push(() => clearInterval(trickle));
    const silent = await rawConn(r.port);
    const idle = await rawConn(r.port);
    expect((await idle.exchange('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
    await vi.waitFor(() => expect([partial.isClosed(), silent.isClosed(), idle.isClosed()]).toEqual([true, true, true]), { timeout: 5000 });
    expect(partial.data()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('caps connections per source address and in total, and counts them in healthz details', async () => {
    const r = await relayWith({ maxConnections: 5, maxConnectionsPerAddress: 3, trustedProxies: [] });
    const ok = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    const fromB = [await rawConn(r.port, '127.0.0.2'), await rawConn(r.port, '127.0.0.2'), await rawConn(r.port, '127.0.0.2')];
    for (const c of fromB) expect((await c.exchange(ok)).status).toBe(200);
    const fourth = await rawConn(r.port, '127.0.0.2');
    await fourth.closed;
    expect(fourth.data()).toMatch(/^HTTP\/1\.1 503/);
    const fromC = await rawConn(r.port, '127.0.0.3');
    expect((await fromC.exchange(ok)).status).toBe(200);
    const details = JSON.parse((await fromC.exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DESK_KEY}\r\n\r\n`)).body) as RelayHealthDetails;
    expect(details.connections).toEqual({ open: 4, addresses: 2, max: 5, maxPerAddress: 3, refused: 1 });
    const fromD = await rawConn(r.port, '127.0.0.4');
    expect((await fromD.exchange(ok)).status).toBe(200);
    const overTotal = await rawConn(r.port, '127.0.0.5');
    await overTotal.closed;
    expect(overTotal.data()).toMatch(/^HTTP\/1\.1 503/);
    // A closed connection frees its place.
    fromB[0]!.socket.destroy();
    await vi.waitFor(async () => {
      const again = await rawConn(r.port, '127.0.0.2');
      cleanups.push(() => void again.socket.destroy());
      expect((await again.exchange(ok)).status).toBe(200);
    }, { timeout: 5000 });
    const after = JSON.parse((await fromC.exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DESK_KEY}\r\n\r\n`)).body) as RelayHealthDetails;
    expect(after.connections.refused).toBeGreaterThanOrEqual(2);
    expect(after.refusals.counts['too_many_connections']).toBe(after.connections.refused);
    for (const c of [...fromB, fromC, fromD]) c.socket.destroy();
  });

  it('answers a body that never completes with 408 before the 4.4 s answer bound, with the default bodyTimeoutMs', async () => {
    const r = await relayWith();
    const push = signedPush();
    const c = await rawConn(r.port);
    c.socket.write(`POST ${push.path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<xml>`);
    await vi.waitFor(() => expect(c.data()).toContain('\r\n\r\n'), { timeout: 6000, interval: 50 });
    expect(c.data()).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('healthz', () => {
  it('tells anyone only whether the relay is ok, and the desk key holder everything', async () => {
    const pub = await get(relay.url, '/healthz');
    expect(pub.status).toBe(200);
    expect(JSON.parse(pub.text)).toEqual({ ok: true });
    expect((await get(relay.url, '/healthz', { authorization: 'Bearer not-the-desk-key-not-the-desk-key' })).status).toBe(401);
    const d = await health();
    expect(Object.keys(d).sort()).toEqual(['ackedSeq', 'connections', 'deskConnected', 'deskLagMs', 'egressIp', 'lastPushAt', 'lastTicketPushAt', 'newestSeq', 'ok', 'queueDepth', 'queueId', 'refusals'].sort());
    expect(d.egressIp).toBe('203.0.113.7'); // the config's, for the desk's IP whitelist value
    expect(d.connections.max).toBe(512);
    expect(d.connections.open).toBeGreaterThanOrEqual(1);
    expect(d.refusals.windowMs).toBe(86_400_000);
    expect(d.refusals.total).toBeGreaterThan(0); // the hostile input above
    expect(JSON.stringify(d)).not.toContain(TOKEN);
    expect(JSON.stringify(d)).not.toContain(DESK_KEY);

    // Desk connected and how far behind: a desk that has not acknowledged the newest push.
    const p = signedPush();
    expect((await post(relay.url, p.path, p.body, agent)).text).toBe('success');
    const desk = await rawDesk(relay.url, { cursor: (await health()).newestSeq - 1 });
    cleanups.push(() => desk.close());
    const connected = await health();
    expect(connected.deskConnected).toBe(true);
    expect(connected.queueDepth).toBe(1);
    expect(connected.deskLagMs).toBeGreaterThanOrEqual(0);
    desk.ws.send(JSON.stringify({ type: 'ack', seq: connected.newestSeq }));
    await expect.poll(async () => (await health()).deskLagMs, { timeout: 5000 }).toBeNull();
    desk.close();
    await expect.poll(async () => (await health()).deskConnected, { timeout: 5000 }).toBe(false);
  });
});

describe('refusals', () => {
  it('sends the desk refusal counts and the last 20 refusals after the queue frame and at most every ~2 s, and keeps them across a restart', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const config = validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: COMPONENT_APPID, token: TOKEN, deskKey: DESK_KEY, dataDir: join(dir.dir, 'data') });
    const lines: string[] = [];
    let r = await startRelay(config, { logger: (_level, msg, fields) => lines.push(JSON.stringify({ msg, ...fields })) });
    cleanups.push(() => r.close());
    const badSig = signedPush({ token: 'notTheRelayToken' });
    const stale = signedPush({ timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await post(r.url, badSig.path, badSig.body)).status).toBe(403);
    expect((await post(r.url, stale.path, stale.body)).status).toBe(403);
    expect((await get(r.url, '/nothing-here?secret=1')).status).toBe(404);
    expect((await get(r.url, '/wechat/component')).status).toBe(405);

    const desk = await rawDesk(r.url, { cursor: 0 });
    cleanups.push(() => desk.close());
    const arrivals: number[] = [];
    desk.ws.on('message', (d) => JSON.parse(d.toString()).type === 'refusals' && arrivals.push(Date.now()));
    expect(desk.frames[0]!.type).toBe('queue');
    const first = desk.frames[1] as RefusalsFrame;
    expect(first).toMatchObject({
      type: 'refusals',
      windowMs: 86_400_000,
      total: 4,
      counts: { bad_msg_signature: 1, stale_timestamp: 1, not_found: 1, method_not_allowed: 1 },
    });
    expect(first.recent.map((x) => [x.reason, x.status, x.path, x.remote])).toEqual([
      ['method_not_allowed', 405, '/wechat/component', '127.0.0.1'],
      ['not_found', 404, '/nothing-here', '127.0.0.1'],
      ['stale_timestamp', 403, '/wechat/component', '127.0.0.1'],
      ['bad_msg_signature', 403, '/wechat/component', '127.0.0.1'],
    ]);
    for (const x of first.recent) expect(Object.keys(x).sort()).toEqual(['at', 'path', 'reason', 'remote', 'status']);
    expect(JSON.stringify(first)).not.toContain(badSig.nonce);

    // A burst of refusals: the desk hears about them, but not more often than every ~2 s.
    const burstStart = Date.now();
    await pool(Array.from({ length: 300 }, (_, i) => i), 8, async () => void (await post(r.url, badSig.path, badSig.body)));
    const latest = () => desk.refusals().at(-1)!;
    await expect.poll(() => latest().total, { timeout: 10_000 }).toBe(304);
    const burstFrames = arrivals.filter((t) => t >= burstStart);
    for (let i = 1; i < burstFrames.length; i++) expect(burstFrames[i]! - burstFrames[i - 1]!).toBeGreaterThanOrEqual(1900);
    expect(burstFrames.length).toBeLessThanOrEqual(Math.ceil((Date.now() - burstStart) / 2000) + 1);
    expect(latest().recent).toHaveLength(20);
    expect(latest().counts['bad_msg_signature']).toBe(301);
    // The log is bounded too: at most 10 lines per reason in 10 s.
    expect(lines.filter((l) => l.includes('"reason":"bad_msg_signature"')).length).toBeLessThanOrEqual(20);
    desk.close();

    await r.close();
    r = await startRelay(config, { logger: silentLogger });
    const kept = (r.health() as RelayHealthDetails).refusals;
    expect(kept.total).toBe(304);
    expect(kept.recent).toHaveLength(20);
  });

  it('keeps a bounded record however many refusals arrive', () => {
    let now = Date.UTC(2026, 0, 1);
    const log = new RefusalLog(() => now);
    for (let i = 0; i < 200_000; i++) {
      now += 1000; // 200,000 s: more than two days
      log.record({ reason: i % 2 ? 'bad_msg_signature' : 'not_found', status: 403, path: '/x'.repeat(5000), remote: `203.0.113.${i % 250}` });
    }
    expect(JSON.stringify(log.snapshot()).length).toBeLessThan(60_000);
    const s = log.summary();
    expect(s.recent).toHaveLength(20);
    expect(s.recent[0]!.path.length).toBeLessThanOrEqual(256);
    expect(s.total).toBeGreaterThanOrEqual(86_400 - 600);
    expect(s.total).toBeLessThanOrEqual(86_400 + 600);
  });
});

describe('desk authentication', () => {
  const upgradeStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(relay.url.replace('http', 'ws') + '/desk', { headers });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', () => {});
    });

  it('refuses a missing or wrong key with 401 before the upgrade, and the key never reaches the logs', async () => {
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus({ Authorization: 'Bearer wrong-key-wrong-key-wrong-key-wrong' })).toBe(401);
    expect(await upgradeStatus({ Authorization: DESK_KEY })).toBe(401);
    expect(await upgradeStatus({ Authorization: `Bearer ${DESK_KEY}` })).toBe(101);
    const links = await request(relay.url + '/desk/auth-links', { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } });
    expect(links.statusCode).toBe(401);
    await links.body.text();
    const wrongKeyClient = new RelayClient({ url: relay.url, deskKey: 'x'.repeat(40), getCursor: () => 0, onPush: async () => ({ reply: null }), minBackoffMs: 50, maxBackoffMs: 100 });
    wrongKeyClient.start();
    await expect.poll(() => (wrongKeyClient.state().lastError ?? '').includes('401'), { timeout: 5000, message: 'the 401 to reach the client state' }).toBe(true);
    expect(wrongKeyClient.state().status).not.toBe('connected');
    await wrongKeyClient.stop();
    expect(wrongKeyClient.state().status).toBe('disconnected');
    expect(relay.logs()).toContain('desk refused');
    expect(relay.logs()).not.toContain(DESK_KEY);
    expect(relay.logs()).not.toContain(TOKEN);
  });
});

describe('passive replies', () => {
  it('returns the desk reply within the deadline, the same reply to a retry, and success when the desk stays silent', async () => {
    const replies = new Map<number, string>();
    const client = new RelayClient({
      url: relay.url,
      deskKey: DESK_KEY,
      getCursor: () => 0,
      onPush: async (push: PushFrame) => {
        if (push.kind !== 'authorizer') return { reply: null };
        const reply = `<xml><Encrypt><![CDATA[reply-${push.seq}]]></Encrypt></xml>`;
        replies.set(push.seq, reply);
        return { reply };
      },
    });
    client.start();
    await expect.poll(() => client.state().status, { timeout: 5000, message: 'the client to connect' }).toBe('connected');
    // Let the backlog from the earlier tests drain so the authorizer push is delivered live.
    const backlogEnd = (await health()).queueDepth;
    await expect.poll(() => client.state().cursor, { timeout: 10_000, message: 'the backlog to drain' }).toBeGreaterThanOrEqual(backlogEnd);
    const push = signedPush({ kind: 'authorizer' });
    const answer = await post(relay.url, push.path, push.body, agent);
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/^<xml><Encrypt><!\[CDATA\[reply-\d+\]\]><\/Encrypt><\/xml>$/);
    expect([...replies.values()]).toContain(answer.text);
    const retry = await post(relay.url, push.path, push.body, agent);
    expect(retry.text).toBe(answer.text);
    // Many at once: every one gets its own reply (none delivered before its reply waiter exists).
    const burst = Array.from({ length: 120 }, () => signedPush({ kind: 'authorizer' }));
    const burstAnswers: string[] = [];
    await pool(burst, 24, async (p) => void burstAnswers.push((await post(relay.url, p.path, p.body, agent)).text));
    expect(burstAnswers.filter((a) => !/^<xml><Encrypt><!\[CDATA\[reply-\d+\]\]><\/Encrypt><\/xml>$/.test(a))).toEqual([]);
    expect(new Set(burstAnswers).size).toBe(120);
    await client.stop();

    // A desk that receives pushes and never replies.
    // Registered once the relay has answered its hello with the queue frame.
    const silent = await rawDesk(relay.url, { cursor: client.state().cursor });
    cleanups.push(() => silent.close());
    const unanswered = signedPush({ kind: 'authorizer' });
    const started = Date.now();
    const fallback = await post(relay.url, unanswered.path, unanswered.body, agent);
    const elapsed = Date.now() - started;
    expect(fallback).toEqual({ status: 200, text: 'success' });
    expect(elapsed).toBeLessThan(4500); // the protocol bound, not a speed claim
    const delivered = silent.pushes().find((f) => f.query['nonce'] === unanswered.nonce);
    expect(delivered?.replyDeadline).toBeTypeOf('number');
    silent.close();
  });
});

describe('authorization pages', () => {
  const auth = { authorization: `Bearer ${DESK_KEY}`, 'content-type': 'application/json' };
  const loginUrl = 'https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx0123456789abcdef&pre_auth_code=abc&redirect_uri=https%3A%2F%2Frelay.example.test%2Fauthorized%3Flink%3Dx&auth_type=3';
  const register = async (url: string, body: Record<string, unknown>) => {
    const res = await request(url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url: loginUrl, expiresAt: Date.now() + 600_000, ...body }) });
    return { status: res.statusCode, text: await res.body.text() };
  };

  it('registers a start page under the desk-chosen id, serves a button to the login URL, and records one redirect per known link with only auth_code, expires_in and link', async () => {
    const bad = await register(relay.url, { url: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('url must be');
    expect((await register(relay.url, { expiresAt: Date.now() - 1 })).status).toBe(400);
    for (const id of ['short', 'has spaces in it, sixteen+', 'x'.repeat(65), 42]) {
      const r = await register(relay.url, { id });
      expect(r.status, String(id)).toBe(400);
      expect(r.text).toMatch(/id must be 16 to 64 of A-Z a-z 0-9 _ -/);
    }
    const linkId = `desk-link-${Date.now()}`;
    const res = await register(relay.url, { id: linkId });
    expect(res.status).toBe(201);
    const link = JSON.parse(res.text) as { id: string; startUrl: string };
    expect(link).toEqual({ id: linkId, startUrl: `https://relay.example.test/authorize/${linkId}` });
    const taken = await register(relay.url, { id: linkId });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('already registered');
    const relayMade = JSON.parse((await register(relay.url, {})).text) as { id: string };
    expect(relayMade.id).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const startPage = await get(relay.url, `/authorize/${link.id}`);
    expect(startPage.status).toBe(200);
    expect(startPage.text).toContain(`href="${loginUrl.replace(/&/g, '&amp;')}"`);
    expect((await get(relay.url, '/authorize/unknownLinkId')).status).toBe(404);

    const before = await health();
    // Forged codes: no link, an unknown link, a malformed link. Nothing is stored, so the desk makes no WeChat call.
    for (let i = 0; i < 50; i++) {
      const linkPart = ['', '&link=unknownLink0000000' + i, '&link=bad%20link'][i % 3];
      const r = await get(relay.url, `/authorized?auth_code=forged${i}&expires_in=600${linkPart}`);
      expect(r.status, `forged ${i}`).toBe(404);
      expect(r.text).toContain('链接无效');
      expect(r.text).toContain('Link not found');
    }
    expect((await health()).queueDepth).toBe(before.queueDepth);
    expect((await get(relay.url, `/authorized?expires_in=600&link=${link.id}`)).status).toBe(400);

    const landing = await get(relay.url, `/authorized?auth_code=queryauthcode@@@abc&expires_in=600&link=${link.id}&extra=dropped`);
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('授权成功');
    expect(landing.text).toContain('Authorization complete');
    // A reload, or another code for the same link: recorded once.
    for (const again of [`auth_code=queryauthcode@@@abc&expires_in=600&link=${link.id}`, `link=${link.id}&auth_code=another&expires_in=600`]) {
      const r = await get(relay.url, `/authorized?${again}`);
      expect(r.status).toBe(409);
      expect(r.text).toContain('已记录');
      expect(r.text).toContain('already recorded');
    }
    expect((await health()).queueDepth).toBe(before.queueDepth + 1);

    // An expired link: 410, nothing stored.
    const expiring = `expiring-link-${Date.now()}`;
    expect((await register(relay.url, { id: expiring, expiresAt: Date.now() + 300 })).status).toBe(201);
    await expect.poll(async () => (await get(relay.url, `/authorize/${expiring}`)).status, { timeout: 5000 }).toBe(410);
    const late = await get(relay.url, `/authorized?auth_code=late&expires_in=600&link=${expiring}`);
    expect(late.status).toBe(410);
    expect(late.text).toContain('Link expired');
    expect((await health()).queueDepth).toBe(before.queueDepth + 1);

    const desk = await rawDesk(relay.url, { cursor: 0 });
    cleanups.push(() => desk.close());
    await expect.poll(() => desk.pushes().some((f) => f.kind === 'auth_redirect'), { timeout: 5000 }).toBe(true);
    const redirects = desk.pushes().filter((f) => f.kind === 'auth_redirect');
    expect(redirects).toHaveLength(1);
    expect(JSON.parse(redirects[0]!.body)).toEqual({ auth_code: 'queryauthcode@@@abc', expires_in: 600, link: link.id });
    expect(redirects[0]!.query).toEqual({});
    // seq strictly increasing across the whole backlog
    const seqs = desk.pushes().map((f) => f.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
  });

  it('rate-limits /authorized per source address and in total with a 429 page, storing nothing', async () => {
    const r = await relayWith({ authorizedPerMinute: 5, authorizedPerMinutePerAddress: 3 });
    const linkId = 'rate-limited-link-0001';
    expect((await register(r.url, { id: linkId })).status).toBe(201);
    // The relay is behind a proxy on loopback (trusted by default): X-Forwarded-For names the source.
    const hit = (from: string, link = 'unknownLink000000000') => get(r.url, `/authorized?auth_code=c&expires_in=600&link=${link}`, { 'x-forwarded-for': `198.51.100.7, ${from}` });
    for (let i = 0; i < 3; i++) expect((await hit('203.0.113.1')).status).toBe(404);
    const limited = await hit('203.0.113.1');
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('请求过于频繁');
    expect(limited.text).toContain('Too many requests');
    expect((await hit('203.0.113.2')).status).toBe(404);
    expect((await hit('203.0.113.2')).status).toBe(404);
    expect((await hit('203.0.113.3', linkId)).status).toBe(429); // over the total
    const d = r.health() as RelayHealthDetails;
    expect(d.queueDepth).toBe(0);
    expect(d.refusals.counts).toEqual({ unknown_link: 5, rate_limited: 2 });
    expect(d.refusals.recent[0]).toMatchObject({ reason: 'rate_limited', status: 429, path: '/authorized', remote: '203.0.113.3' });
  });
});

describe('egress tunnel', () => {
  const connectStatus = (target: string, key: string | null) =>
    new Promise<number>((resolve, reject) => {
      const u = new URL(relay.url);
      const req = http.request({ host: u.hostname, port: u.port, method: 'CONNECT', path: target, headers: key ? { 'Proxy-Authorization': `Bearer ${key}` } : {} });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('tunnels to the allowlisted target through undici ProxyAgent', async () => {
    const proxy = new ProxyAgent({ uri: relay.url, token: `Bearer ${DESK_KEY}` });
    const res = await request(`http://127.0.0.1:${simPort}/cgi-bin/whatever`, { dispatcher: proxy });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('simulated wechat api');
    await proxy.close();
  });

  it('refuses every other kind of target with 403 and a wrong key with 407', async () => {
    expect(await connectStatus(`127.0.0.1:${simPort}`, DESK_KEY)).toBe(200);
    expect(await connectStatus(`127.0.0.1:${simPort + 1 === 65536 ? 1 : simPort + 1}`, DESK_KEY)).toBe(403);
    expect(await connectStatus(`localhost:${simPort}`, DESK_KEY)).toBe(403);
    expect(await connectStatus(`[::1]:${simPort}`, DESK_KEY)).toBe(403);
    expect(await connectStatus('169.254.169.254:80', DESK_KEY)).toBe(403);
    expect(await connectStatus('10.0.0.1:443', DESK_KEY)).toBe(403);
    expect(await connectStatus('example.com:443', DESK_KEY)).toBe(403);
    expect(await connectStatus('api.weixin.qq.com:80', DESK_KEY)).toBe(403);
    expect(await connectStatus('not_a_target', DESK_KEY)).toBe(403);
    expect(await connectStatus(`127.0.0.1:${simPort}`, null)).toBe(407);
    expect(await connectStatus(`127.0.0.1:${simPort}`, 'wrong-key')).toBe(407);
    expect(relay.logs()).toContain('"reason":"not_in_allowlist"');
    expect(relay.logs()).toContain('"reason":"literal_or_local_host"');
  });
});

describe('health and shutdown', () => {
  it('exits 0 on SIGTERM and keeps the queue across a restart', async () => {
    const depth = (await health()).queueDepth;
    const code = await relay.stop();
    expect(code).toBe(0);
    expect(relay.logs()).toContain('relay stopped');
    relay = await spawnRelay(`${tmp.dir}/relay.json`);
    const h = await health();
    expect(h.queueDepth).toBe(depth);
    expect(JSON.parse((await get(relay.url, '/healthz')).text)).toEqual({ ok: true });
  });
});
