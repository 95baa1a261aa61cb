import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SESSION_TOKEN_HEADER, type AppEventMessage } from '../../src/shared/contract';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { FAKE_PLATFORM_APPID, createFakeHost, type FakeHostFixture } from '../contract/fake-runtime';

let fx: FakeHostFixture;
let server: ConsoleServer;
let staticDir: string;
let base: string;

beforeAll(async () => {
  fx = await createFakeHost();
  staticDir = mkdtempSync(join(tmpdir(), 'wxopen-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>wxopen</title><script src="/assets/app.js"></script>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(fx.dir, 'outside.txt'), 'must not be served');
  server = await startConsoleServer({ runtimeHost: fx.host, port: 0, staticDir, log: () => undefined });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await fx?.cleanup();
  rmSync(staticDir, { recursive: true, force: true });
});

function api(method: string, args: unknown, token: string | null = server.token) {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { [SESSION_TOKEN_HEADER]: token }) },
    body: JSON.stringify(args),
  });
}

/** A raw request, to set a Host header fetch would not let us forge. */
function rawGet(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console server', () => {
  it('gives a loopback URL with the session token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${encodeURIComponent(server.token)}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers API calls with the envelope when the token is right', async () => {
    const res = await api('platform/list', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, result: { selectedAppid: FAKE_PLATFORM_APPID } });
    expect(JSON.stringify(body)).not.toContain('secret-value-1234567890abcdef');
  });

  it('refuses API calls without the token, or with a wrong one, with 401', async () => {
    for (const token of [null, 'wrong', `${server.token}x`, '']) {
      const res = await api('platform/save', { componentAppid: 'wx4444444444444444', name: 'intruder' }, token);
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(fx.store.platforms.get('wx4444444444444444')).toBeNull();
  });

  it('returns error envelopes for unknown methods, bad arguments and bad JSON', async () => {
    const unknown = await (await api('nope/never', {})).json();
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const invalid = await (await api('events/list', { limit: 'ten' })).json();
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_arguments', details: { issues: [{ path: 'limit' }] } } });
    const badJson = await fetch(`${base}/api/events/list`, {
      method: 'POST',
      headers: { [SESSION_TOKEN_HEADER]: server.token },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as any).error.code).toBe('invalid_arguments');
    const get = await fetch(`${base}/api/events/list`, { headers: { [SESSION_TOKEN_HEADER]: server.token } });
    expect(get.status).toBe(405);
  });

  it('serves the built renderer with a CSP, falls back to index.html, answers the favicon', async () => {
    const page = await fetch(`${server.url}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>wxopen</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const route = await fetch(`${base}/events/42`);
    expect(await route.text()).toContain('<title>wxopen</title>');
    expect((await fetch(`${base}/favicon.ico`)).status).toBe(204);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the static folder', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt']) {
      const res = await fetch(`${base}${path}`);
      expect(await res.text()).not.toContain('must not be served');
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect(await rawGet('/', `evil.example:${server.port}`)).toBe(421);
    expect(await rawGet('/', `127.0.0.1:${server.port}`)).toBe(200);
  });

  it('refuses the event WebSocket without the token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=wrong`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('opened without the token')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('delivers events over the WebSocket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${encodeURIComponent(server.token)}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const received: AppEventMessage[] = [];
    const gotBoth = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        received.push(JSON.parse(String(data)) as AppEventMessage);
        if (received.some((m) => m.event === 'event:new') && received.some((m) => m.event === 'sync:progress')) resolve();
      });
    });
    // An event the engine stores, announced by the runtime…
    const { id } = fx.store.events.insert({
      componentAppid: FAKE_PLATFORM_APPID,
      kind: 'component',
      receivedAt: Date.now(),
      rawBody: '<xml><Encrypt>secret-ciphertext</Encrypt></xml>',
      infoType: 'component_verify_ticket',
    });
    fx.runtimes.at(-1)!.announce(fx.store.events.get(id)!);
    // …and progress caused by an API call.
    expect(((await (await api('authorizers/sync', {})).json()) as any).ok).toBe(true);
    await gotBoth;
    ws.close();
    const newEvent = received.find((m) => m.event === 'event:new')!;
    expect(newEvent.payload).toMatchObject({ id, infoType: 'component_verify_ticket' });
    expect(JSON.stringify(newEvent)).not.toContain('secret-ciphertext');
    expect(received.filter((m) => m.event === 'sync:progress').at(-1)!.payload).toEqual({ phase: 'done', done: 2, total: 2 });
  });
});

describe('console server whose host is still being built (wxopen console prints its URL first)', () => {
  it('serves the page at once; API calls and the event socket wait for the host and then work', async () => {
    let hostReady!: (h: FakeHostFixture['host']) => void;
    const later = await startConsoleServer({
      runtimeHost: new Promise((resolve) => (hostReady = resolve)),
      port: 0,
      staticDir,
      log: () => undefined,
    });
    try {
      const at = `http://127.0.0.1:${later.port}`;
      const page = await fetch(`${at}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>wxopen</title>');

      let answered = false;
      const call = fetch(`${at}/api/platform/list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_TOKEN_HEADER]: later.token },
        body: '{}',
      }).then(async (r) => ((answered = true), (await r.json()) as any));
      const ws = new WebSocket(`ws://127.0.0.1:${later.port}/events?token=${encodeURIComponent(later.token)}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(answered).toBe(false); // no host yet: the call waits rather than failing

      hostReady(fx.host);
      const envelope = await call;
      expect(envelope.ok).toBe(true);
      expect(envelope.result.platforms.map((p: { componentAppid: string }) => p.componentAppid)).toContain(FAKE_PLATFORM_APPID);
      // The socket subscribed once the host came: progress of a call made now reaches it.
      const progress = new Promise<AppEventMessage>((resolve) =>
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as AppEventMessage;
          if (m.event === 'sync:progress') resolve(m);
        }),
      );
      await fetch(`${at}/api/authorizers/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_TOKEN_HEADER]: later.token },
        body: '{}',
      });
      expect((await progress).event).toBe('sync:progress');
      ws.close();
    } finally {
      await later.close();
    }
  });

  it('a host that fails to load answers each API call with an internal error, and the page is still served', async () => {
    const failing = await startConsoleServer({
      runtimeHost: Promise.reject(new Error('the engine did not load')),
      port: 0,
      staticDir,
      log: () => undefined,
    });
    try {
      const at = `http://127.0.0.1:${failing.port}`;
      expect((await fetch(`${at}/`)).status).toBe(200);
      const res = await fetch(`${at}/api/platform/list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_TOKEN_HEADER]: failing.token },
        body: '{}',
      });
      expect(res.status).toBe(500);
      const body = (await res.json()) as any;
      expect(body).toMatchObject({ ok: false, error: { code: 'internal', messageZh: '请求意外失败。' } });
    } finally {
      await failing.close();
    }
  });
});
