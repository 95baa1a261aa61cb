// @vitest-environment happy-dom
/**
 * Transport selection and the console-mode transport over real loopback HTTP + WebSocket (a small server speaking the
 * contract's wire format: POST /api/<method> with x-wxopen-token, events as {event, payload} text frames).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsWebSocket, WebSocketServer } from 'ws';
import { SESSION_TOKEN_HEADER, type ApiEnvelope, type WindowApi } from '../../src/shared/contract';
import { ApiCallError, createApi, selectTransport, tokenFromUrl, type TransportEnv } from '../../src/renderer/src/transport';

const TOKEN = 'test-session-token-0123456789';

interface Recorded {
  method: string;
  token: string | undefined;
  body: unknown;
}

let server: Server;
let wss: WebSocketServer;
let origin: string;
let calls: Recorded[];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}

beforeEach(async () => {
  calls = [];
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = (req.url ?? '').replace(/^\/api\//, '');
    const token = req.headers[SESSION_TOKEN_HEADER] as string | undefined;
    calls.push({ method, token, body: body ? JSON.parse(body) : null });
    res.setHeader('content-type', 'application/json');
    if (token !== TOKEN) {
      res.statusCode = 401;
      res.end(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'bad token' } }));
      return;
    }
    if (method === 'dashboard/get') {
      res.end(JSON.stringify({ ok: false, error: { code: 'no_platform', message: 'Configure a platform first.' } }));
      return;
    }
    if (method === 'crash') {
      res.statusCode = 502;
      res.setHeader('content-type', 'text/plain');
      res.end('Bad gateway');
      return;
    }
    res.end(JSON.stringify({ ok: true, result: { echoed: JSON.parse(body) } }));
  });
  wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/events' || url.searchParams.get('token') !== TOKEN) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  await new Promise<void>((r) => server.close(() => r()));
});

function consoleEnv(href: string, extra: Partial<TransportEnv> = {}): TransportEnv {
  return {
    href,
    storage: null,
    deps: { fetch: undiciFetch as unknown as typeof fetch, WebSocket: WsWebSocket as unknown as typeof WebSocket, minBackoffMs: 10 },
    ...extra,
  };
}

function nextConnection(): Promise<import('ws').WebSocket> {
  return new Promise((resolve) => wss.once('connection', resolve));
}

describe('transport selection', () => {
  it('uses window.api when the preload exposed it, and never touches the network', async () => {
    const seen: string[] = [];
    const windowApi: WindowApi = {
      invoke: async (method) => {
        seen.push(method);
        return { ok: true, result: { via: 'ipc' } } as ApiEnvelope<never>;
      },
      on: () => () => undefined,
    };
    const t = selectTransport({ windowApi, href: 'app://renderer/index.html#/dashboard' });
    expect(t.kind).toBe('ipc');
    const api = createApi(t);
    expect(await api.invoke('app/info', {})).toEqual({ via: 'ipc' });
    expect(seen).toEqual(['app/info']);
    expect(calls).toEqual([]);
  });

  it('ignores a window.api without invoke/on and falls back to HTTP with the URL token', () => {
    const t = selectTransport(consoleEnv(`${origin}/?token=${TOKEN}#/events`, { windowApi: { invoke: 1 } }));
    expect(t.kind).toBe('http');
  });

  it('reads the token from the query, or from the hash query, or from storage', () => {
    expect(tokenFromUrl('http://127.0.0.1:1/?token=abc#/x')).toBe('abc');
    expect(tokenFromUrl('http://127.0.0.1:1/#/events?token=def')).toBe('def');
    expect(tokenFromUrl('http://127.0.0.1:1/#/events')).toBeNull();
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`, { storage })).kind).toBe('http');
    // A reload that lost the query (e.g. a hash navigation) still finds the token of this tab.
    expect(selectTransport(consoleEnv(`${origin}/#/setup`, { storage })).kind).toBe('http');
  });

  it('without window.api or a token, every call fails with a message that says how to open the console', async () => {
    const t = selectTransport(consoleEnv(`${origin}/#/dashboard`));
    expect(t.kind).toBe('none');
    const err = await createApi(t).invoke('app/info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).code).toBe('forbidden');
    expect((err as ApiCallError).message).toContain('?token=');
  });
});

describe('console-mode HTTP transport', () => {
  it('POSTs the args to /api/<domain>/<verb> with the session token header and unwraps the result', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    const result = await api.invoke('events/get', { id: 7 });
    expect(result).toEqual({ echoed: { id: 7 } });
    expect(calls).toEqual([{ method: 'events/get', token: TOKEN, body: { id: 7 } }]);
  });

  it('an error envelope becomes an ApiCallError with the contract code and message', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    const err = (await api.invoke('dashboard/get', {}).catch((e: unknown) => e)) as ApiCallError;
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err.code).toBe('no_platform');
    expect(err.message).toBe('Configure a platform first.');
    expect(err.method).toBe('dashboard/get');
  });

  it('a primed call is sent at once and its answer taken by the first invoke of the same method and arguments only', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    api.prime('events/get', { id: 7 });
    await expect.poll(() => calls.length).toBe(1); // sent before anyone asked
    expect(await api.invoke('events/get', { id: 7 })).toEqual({ echoed: { id: 7 } });
    expect(calls).toHaveLength(1); // taken, not asked again
    await api.invoke('events/get', { id: 7 });
    await api.invoke('events/get', { id: 8 });
    expect(calls.map((c) => c.body)).toEqual([{ id: 7 }, { id: 7 }, { id: 8 }]);
  });

  it('a primed error reaches the invoke that takes it; an answer left unclaimed too long is not used', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    api.prime('dashboard/get', {});
    const err = (await api.invoke('dashboard/get', {}).catch((e: unknown) => e)) as ApiCallError;
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err.code).toBe('no_platform');
    expect(calls).toHaveLength(1);

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      api.prime('events/get', { id: 1 });
      await expect.poll(() => calls.length).toBe(2);
      vi.setSystemTime(Date.now() + 11_000);
      await api.invoke('events/get', { id: 1 });
      expect(calls).toHaveLength(3); // asked again: the primed answer was 11 s old
    } finally {
      vi.useRealTimers();
    }
  });

  it('a wrong token is reported as forbidden', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=wrong`)));
    const err = (await api.invoke('app/info', {}).catch((e: unknown) => e)) as ApiCallError;
    expect(err.code).toBe('forbidden');
  });

  it('a non-envelope answer says what came back', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    const err = (await api.invoke('crash' as 'app/info', {}).catch((e: unknown) => e)) as ApiCallError;
    expect(err.code).toBe('internal');
    expect(err.message).toContain('HTTP 502');
    expect(err.message).toContain('Bad gateway');
  });

  it('an unreachable backend is reported as unavailable', async () => {
    await new Promise<void>((r) => server.close(() => r()));
    server = createServer().listen(0); // keep afterEach happy
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    const err = (await api.invoke('app/info', {}).catch((e: unknown) => e)) as ApiCallError;
    expect(err.code).toBe('unavailable');
  });

  it('delivers events from the /events WebSocket to the right listeners only, and reconnects after a drop', async () => {
    const api = createApi(selectTransport(consoleEnv(`${origin}/?token=${TOKEN}`)));
    const states: string[] = [];
    api.onConnection((s) => states.push(s));
    const got: unknown[] = [];
    const connected = nextConnection();
    let resolveFirst!: () => void;
    const first = new Promise<void>((r) => (resolveFirst = r));
    let resolveSecond!: () => void;
    const second = new Promise<void>((r) => (resolveSecond = r));
    const off = api.on('platform:changed', (p) => {
      got.push(p);
      if (got.length === 1) resolveFirst();
      if (got.length === 2) resolveSecond();
    });
    const ws = await connected;
    ws.send(JSON.stringify({ event: 'sync:progress', payload: { phase: 'list', done: 1, total: 2 } })); // nobody listens
    ws.send('not json');
    ws.send(JSON.stringify({ event: 'no:such', payload: 1 }));
    ws.send(JSON.stringify({ event: 'platform:changed', payload: { selectedAppid: 'wx0123456789abcdef' } }));
    await first;
    expect(got).toEqual([{ selectedAppid: 'wx0123456789abcdef' }]);

    // The server drops the socket; the transport reconnects and keeps delivering.
    const reconnected = nextConnection();
    ws.terminate();
    const ws2 = await reconnected;
    ws2.send(JSON.stringify({ event: 'platform:changed', payload: { selectedAppid: null } }));
    await second;
    expect(got).toEqual([{ selectedAppid: 'wx0123456789abcdef' }, { selectedAppid: null }]);
    expect(states).toContain('disconnected');
    expect(states.filter((s) => s === 'connected').length).toBeGreaterThanOrEqual(2);
    off();
  });
});
