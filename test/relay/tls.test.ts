/** TLS terminated by the relay itself: wss:// desk delivery and the CONNECT tunnel through relayEgressAgent over https. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClient } from '../../src/main/relay/client';
import { relayEgressAgent } from '../../src/main/api';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import type { PushFrame } from '../../src/shared/relay-protocol';
import { COMPONENT_APPID, DESK_KEY, TOKEN, signedPush, tempDir } from './helpers';

const tmp = tempDir();
let relay: RunningRelay;
let sim: http.Server;
let simPort: number;
let cert: Buffer;

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(tmp.dir, 'key.pem'), '-out', join(tmp.dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(tmp.dir, 'cert.pem'));
  sim = http.createServer((_req, res) => res.end('{"errcode":0,"errmsg":"ok"}'));
  await new Promise<void>((r) => sim.listen(0, '127.0.0.1', r));
  simPort = (sim.address() as AddressInfo).port;
  relay = await startRelay(
    validateRelayConfig({
      listen: '127.0.0.1:0',
      publicUrl: 'https://127.0.0.1',
      componentAppid: COMPONENT_APPID,
      token: TOKEN,
      deskKey: DESK_KEY,
      dataDir: join(tmp.dir, 'data'),
      tls: { cert: 'cert.pem', key: 'key.pem' },
      egressAllow: [`127.0.0.1:${simPort}`],
      egressAllowLiteralTargets: true,
    }, tmp.dir),
    { logger: silentLogger },
  );
});

afterAll(async () => {
  await relay?.close();
  sim?.close();
  tmp.cleanup();
});

describe('relay with its own TLS', () => {
  it('listens on https, delivers over wss, and tunnels API calls for relayEgressAgent', async () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const push = signedPush();
    const res = await request(relay.url + push.path, { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' }, dispatcher: new (await import('undici')).Agent({ connect: { ca: cert } }) });
    expect(await res.body.text()).toBe('success');

    const got: PushFrame[] = [];
    const client = new RelayClient({ url: relay.url, deskKey: DESK_KEY, ca: cert, getCursor: () => got.at(-1)?.seq ?? 0, onPush: async (p) => (got.push(p), { reply: null }) });
    client.start();
    await expect.poll(() => got.length, { timeout: 10_000, message: 'the push over wss' }).toBe(1);
    expect(got[0]!.query['nonce']).toBe(push.nonce);
    await client.stop();

    const egress = await relayEgressAgent({ relayUrl: relay.url, deskKey: DESK_KEY, proxyTls: { ca: cert } });
    const api = await request(`http://127.0.0.1:${simPort}/cgi-bin/component/api_component_token`, { dispatcher: egress });
    expect(await api.body.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    await egress.close();

    const refused = await relayEgressAgent({ relayUrl: relay.url, deskKey: 'not-the-desk-key-not-the-desk-key', proxyTls: { ca: cert } });
    await expect(request(`http://127.0.0.1:${simPort}/`, { dispatcher: refused })).rejects.toThrow(/407|Proxy/i);
    await refused.close();
  });
});
