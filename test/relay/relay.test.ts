/** The relay as a real process on loopback: ingest checks, hostile input, desk auth, passive replies, auth pages, egress. */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ProxyAgent, request } from 'undici';
import { RelayClient } from '../../src/main/relay/client';
import type { PushFrame, RelayHealth } from '../../src/shared/relay-protocol';
import {
  DESK_KEY,
  TOKEN,
  get,
  keepAliveAgent,
  pool,
  post,
  signedPush,
  spawnRelay,
  tempDir,
  waitFor,
  writeConfig,
  type SpawnedRelay,
} from './helpers';

let relay: SpawnedRelay;
let tmp: ReturnType<typeof tempDir>;
let sim: http.Server;
let simPort: number;
const agent = keepAliveAgent(8);

async function health(): Promise<RelayHealth> {
  return JSON.parse((await get(relay.url, '/healthz')).text) as RelayHealth;
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
  const cfg = writeConfig(tmp.dir, { egressAllow: [`127.0.0.1:${simPort}`, 'api.weixin.qq.com:443'], egressAllowLiteralTargets: true, replyDeadlineMs: 3000 });
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
    for (const reason of ['xml_doctype', 'xml_not_xml', 'no_encrypt', 'encrypt_not_base64', 'bad_msg_signature', 'stale_timestamp', 'body_too_large', 'body_timeout', 'missing_timestamp']) {
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
    await waitFor(() => (wrongKeyClient.state().lastError ?? '').includes('401'), 5000, 'the 401 to reach the client state');
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
    await waitFor(() => client.state().status === 'connected', 5000, 'the client to connect');
    // Let the backlog from the earlier tests drain so the authorizer push is delivered live.
    const backlogEnd = (await health()).queueDepth;
    await waitFor(() => client.state().cursor >= backlogEnd, 10_000, 'the backlog to drain');
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
    const silent = new WebSocket(relay.url.replace('http', 'ws') + '/desk', { headers: { Authorization: `Bearer ${DESK_KEY}` } });
    const frames: PushFrame[] = [];
    silent.on('message', (d) => frames.push(JSON.parse(d.toString()) as PushFrame));
    await new Promise((r) => silent.on('open', r));
    silent.send(JSON.stringify({ type: 'hello', cursor: client.state().cursor }));
    await new Promise((r) => setTimeout(r, 100));
    const unanswered = signedPush({ kind: 'authorizer' });
    const started = Date.now();
    const fallback = await post(relay.url, unanswered.path, unanswered.body, agent);
    const elapsed = Date.now() - started;
    expect(fallback).toEqual({ status: 200, text: 'success' });
    expect(elapsed).toBeLessThan(4500); // the protocol bound, not a speed claim
    const delivered = frames.find((f) => f.query['nonce'] === unanswered.nonce);
    expect(delivered?.replyDeadline).toBeTypeOf('number');
    silent.close();
  });
});

describe('authorization pages', () => {
  it('registers a start page, serves a button to the login URL, and records the redirect as an auth_redirect push', async () => {
    const auth = { authorization: `Bearer ${DESK_KEY}`, 'content-type': 'application/json' };
    const loginUrl = 'https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx0123456789abcdef&pre_auth_code=abc&redirect_uri=https%3A%2F%2Frelay.example.test%2Fauthorized%3Flink%3Dx&auth_type=3';
    const bad = await request(relay.url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url: 'javascript:alert(1)', expiresAt: Date.now() + 60_000 }) });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.text()).toContain('url must be');
    const past = await request(relay.url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url: loginUrl, expiresAt: Date.now() - 1 }) });
    expect(past.statusCode).toBe(400);
    await past.body.text();
    const res = await request(relay.url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url: loginUrl, expiresAt: Date.now() + 600_000 }) });
    expect(res.statusCode).toBe(201);
    const link = (await res.body.json()) as { id: string; startUrl: string };
    expect(link.startUrl).toBe(`https://relay.example.test/authorize/${link.id}`);
    const startPage = await get(relay.url, `/authorize/${link.id}`);
    expect(startPage.status).toBe(200);
    expect(startPage.text).toContain(`href="${loginUrl.replace(/&/g, '&amp;')}"`);
    expect((await get(relay.url, '/authorize/unknownLinkId')).status).toBe(404);

    const before = await health();
    const landing = await get(relay.url, `/authorized?auth_code=queryauthcode@@@abc&expires_in=600&link=${link.id}`);
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('授权成功');
    expect(landing.text).toContain('Authorization complete');
    await get(relay.url, `/authorized?auth_code=queryauthcode@@@abc&expires_in=600&link=${link.id}`); // a reload
    expect((await get(relay.url, '/authorized?expires_in=600')).status).toBe(400);
    const after = await health();
    expect(after.queueDepth).toBe(before.queueDepth + 1);

    const frames: PushFrame[] = [];
    const ws = new WebSocket(relay.url.replace('http', 'ws') + '/desk', { headers: { Authorization: `Bearer ${DESK_KEY}` } });
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as PushFrame));
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify({ type: 'hello', cursor: 0 }));
    await waitFor(() => frames.some((f) => f.kind === 'auth_redirect'), 5000, 'the auth_redirect push');
    const redirect = frames.filter((f) => f.kind === 'auth_redirect');
    expect(redirect).toHaveLength(1);
    expect(JSON.parse(redirect[0]!.body)).toEqual({ auth_code: 'queryauthcode@@@abc', expires_in: 600, link: link.id });
    // seq strictly increasing across the whole backlog
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.seq).toBeGreaterThan(frames[i - 1]!.seq);
    ws.close();
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
    expect(Object.keys(h).sort()).toEqual(['lastPushAt', 'lastTicketPushAt', 'ok', 'queueDepth']);
  });
});
