/**
 * Console mode: the same handler map as the Electron window, over HTTP + WebSocket on 127.0.0.1.
 *
 * - GET /?token=…                 the built renderer (static files from staticDir; unknown paths fall back to index.html)
 * - POST /api/<domain>/<verb>     JSON args in, the envelope out; header x-wxopen-token must carry the session token
 * - GET /events?token=…           WebSocket; every AppEvents event as a JSON text frame {event, payload}
 * - GET /favicon.ico              the icon if the build has one, else 204
 *
 * The token is random per start. API and event requests without it get 401 before anything runs. The Host header
 * must name the loopback address, which stops DNS-rebinding pages from reaching the API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { WebSocket, WebSocketServer } from 'ws';
import { HttpRefusal, readBody, sendJson } from '../node/http';
// Only the wire constants and types here: the contract's schemas, the router and the handlers load after the server
// listens (see `api` below), so `wxopen console` prints its URL without compiling them first (issue 9: cold start).
import type { ApiEnvelope, AppEventMessage } from '../shared/contract';
import { MESSAGES_UPLOAD_BODY_BYTES, MP_UPLOAD_BODY_BYTES } from '../shared/contract/limits';
import { HTTP_API_PREFIX, HTTP_EVENTS_PATH, SESSION_TOKEN_HEADER, SESSION_TOKEN_PARAM } from '../shared/contract/wire';
import type { Router } from '../main/ipc/router';
import type { SenderInfo } from '../main/ipc/types';
import type { RuntimeHost } from '../main/services/host';

export interface ConsoleServerOptions {
  /** The host, or its promise: `wxopen console` builds it after printing the URL; requests wait for it. */
  runtimeHost: RuntimeHost | Promise<RuntimeHost>;
  /** 0 or absent: a free port. */
  port?: number;
  /** The built renderer (out/renderer). When it has no index.html, / answers a page saying how to build it. */
  staticDir: string;
  /** Fixed token for tests; default 32 random bytes (base64url). */
  token?: string;
  /** Where internal errors are reported (default: stderr, message only). */
  log?: (line: string) => void;
}

export interface ConsoleServer {
  /** http://127.0.0.1:P/?token=… — open this in a browser. */
  url: string;
  /** The session token (also inside url). */
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/** Same policy as the Electron window, plus ws: to reach /events on this origin. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
  "font-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>wxopen console</title>
<p>The console UI is not built yet. Run <code>npx electron-vite build</code> (or <code>npm run build</code>) and reload.</p>
<p>控制台界面尚未构建：请运行 <code>npx electron-vite build</code> 后刷新。</p>`;

function tokensEqual(expected: Buffer, given: string | null): boolean {
  if (given === null) return false;
  const got = Buffer.from(given, 'utf8');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function refuse(res: ServerResponse, status: number, code: 'forbidden' | 'invalid_arguments' | 'unknown_method', message: string, messageZh: string) {
  sendJson(res, status, { ok: false, error: { code, message, messageZh } } satisfies ApiEnvelope<unknown>);
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token, 'utf8');
  const staticRoot = resolve(options.staticDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let boundPort = 0;

  /**
   * The host and the router over its handlers. Loaded once the server listens (a macrotask later than the URL is
   * printed): the browser spends that time opening the page and fetching its scripts, which this server answers
   * from disk without them.
   */
  let apiLoad: Promise<{ host: RuntimeHost; router: Router }> | null = null;
  // A host that fails is answered per request (500, logged); marked handled here so it is not also a process error.
  Promise.resolve(options.runtimeHost).catch(() => undefined);
  const api = () =>
    (apiLoad ??= (async () => {
      const [host, { createRouter }, { createHandlers }] = await Promise.all([
        options.runtimeHost,
        import('../main/ipc/router'),
        import('../main/services/handlers'),
      ]);
      const router = createRouter({
        handlers: createHandlers(host),
        trustSender: (sender: SenderInfo) => sender.transport === 'http' && tokensEqual(tokenBytes, sender.token),
        onInternalError: (method, err) => log(`wxopen console: ${method} failed: ${(err as Error)?.message ?? String(err)}`),
      });
      return { host, router };
    })());

  /** Only requests addressed to our loopback name are served (DNS rebinding protection). */
  function hostAllowed(req: IncomingMessage): boolean {
    const host = (req.headers.host ?? '').toLowerCase();
    return host === `127.0.0.1:${boundPort}` || host === `localhost:${boundPort}` || host === `[::1]:${boundPort}`;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const header = req.headers[SESSION_TOKEN_HEADER];
    const given = typeof header === 'string' ? header : null;
    if (!tokensEqual(tokenBytes, given)) {
      refuse(res, 401, 'forbidden', `Missing or wrong session token: send the token from the console URL in the ${SESSION_TOKEN_HEADER} header.`, `会话令牌缺失或不对：请在 ${SESSION_TOKEN_HEADER} 请求头中带上控制台网址里的令牌。`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      refuse(res, 405, 'unknown_method', `Use POST for ${pathname} (got ${req.method}).`, `${pathname} 须用 POST 调用（收到的是 ${req.method}）。`);
      return;
    }
    // A media upload carries its file as base64 (up to a 10 MB video); every other method stays at 1 MiB.
    const bodyLimit =
      pathname === `${HTTP_API_PREFIX}messages/upload`
        ? MESSAGES_UPLOAD_BODY_BYTES
        : pathname === `${HTTP_API_PREFIX}mp/upload` || pathname === `${HTTP_API_PREFIX}mp/setAvatar`
          ? MP_UPLOAD_BODY_BYTES
          : MAX_BODY_BYTES;
    let text: string;
    try {
      text = (await readBody(req, bodyLimit)).toString('utf8');
    } catch (err) {
      if (err instanceof HttpRefusal && err.status === 413) {
        req.destroy();
        const mib = (bodyLimit / 1024 / 1024).toFixed(bodyLimit === MAX_BODY_BYTES ? 0 : 1);
        refuse(res, 413, 'invalid_arguments', `The request body is over ${mib} MiB.`, `请求体超过 ${mib} MiB。`);
      }
      return;
    }
    let args: unknown = undefined;
    if (text.trim() !== '') {
      try {
        args = JSON.parse(text);
      } catch {
        refuse(res, 400, 'invalid_arguments', 'The request body is not valid JSON: send the arguments as a JSON object.', '请求体不是有效的 JSON：请把参数作为 JSON 对象发送。');
        return;
      }
    }
    let method: string;
    try {
      method = decodeURIComponent(pathname.slice(HTTP_API_PREFIX.length));
    } catch {
      refuse(res, 404, 'unknown_method', 'The method name in the URL is not valid percent-encoding.', '网址中的方法名不是有效的百分号编码。');
      return;
    }
    const { router } = await api();
    const envelope = await router.dispatch(method, args, { transport: 'http', token: given });
    sendJson(res, 200, envelope);
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const indexFile = join(staticRoot, 'index.html');
    let file: string | null = null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const candidate = normalize(join(staticRoot, decoded));
    if (candidate.startsWith(staticRoot + sep) && existsSync(candidate) && statSync(candidate).isFile()) {
      file = candidate;
    } else if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    } else if (!extname(decoded) && existsSync(indexFile)) {
      file = indexFile; // client-side routes
    }
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      // The page URL carries the session token: never send it to another site in a Referer.
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    if (!file) {
      if (pathname === '/' || !extname(decoded)) {
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONSOLE_CSP });
        res.end(NOT_BUILT_PAGE);
        return;
      }
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = CONSOLE_CSP;
      headers['cache-control'] = 'no-store';
    } else if (decoded.startsWith('/assets/')) {
      // The build names these by content hash: a changed file gets a new name. Cacheable, so the screens that
      // index.html prefetches are reused from the cache when opened.
      headers['cache-control'] = 'public, max-age=31536000, immutable';
    }
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(statSync(file).size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('wrong Host header: use the URL printed at start');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${boundPort}`);
    const pathname = url.pathname;
    if (pathname.startsWith(HTTP_API_PREFIX)) {
      handleApi(req, res, pathname).catch((err: unknown) => {
        log(`wxopen console: request failed: ${(err as Error)?.message ?? String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The request failed unexpectedly.', messageZh: '请求意外失败。' } } satisfies ApiEnvelope<unknown>);
      });
      return;
    }
    serveStatic(req, res, pathname);
  });

  // ws loads with the first event socket, after the page: ~25 ms less before the URL is printed (issue 9: cold start).
  let wss: Promise<WebSocketServer> | null = null;
  const eventSockets = () => (wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })));
  const sockets = new Set<WebSocket>();

  /** An authenticated event socket: every host event as a JSON text frame, and a ping that drops silent peers. */
  function serveEvents(ws: WebSocket): void {
    sockets.add(ws);
    let unsubscribe = () => {};
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const ping = setInterval(() => {
      if (!alive) return ws.terminate(); // a silent peer: drop it
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    api().then(
      ({ host }) => {
        if (ws.readyState !== ws.OPEN) return;
        unsubscribe = host.subscribe((event, payload) => {
          if (ws.readyState !== ws.OPEN) return;
          const message: AppEventMessage = { event, payload } as AppEventMessage;
          ws.send(JSON.stringify(message));
        });
      },
      (err: unknown) => {
        log(`wxopen console: the API did not load: ${(err as Error)?.message ?? String(err)}`);
        ws.terminate();
      },
    );
    // The channel is one-way; anything the browser sends is ignored.
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${boundPort}`);
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req)) return reject(421, 'Misdirected Request');
    if (url.pathname !== HTTP_EVENTS_PATH) return reject(404, 'Not Found');
    if (!tokensEqual(tokenBytes, url.searchParams.get(SESSION_TOKEN_PARAM))) return reject(401, 'Unauthorized');
    // The HTTP server has let go of the socket: until ws takes it (it may still be loading), a reset must not go
    // unhandled and end the process.
    socket.on('error', () => socket.destroy());
    eventSockets().then(
      (wss) => wss.handleUpgrade(req, socket, head, serveEvents),
      (err: unknown) => {
        log(`wxopen console: the event socket could not start: ${(err as Error)?.message ?? String(err)}`);
        socket.destroy();
      },
    );
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  setImmediate(() => void api().catch(() => undefined)); // a failure answers each request (and socket) that needs it

  return {
    url: `http://127.0.0.1:${boundPort}/?${SESSION_TOKEN_PARAM}=${encodeURIComponent(token)}`,
    token,
    port: boundPort,
    async close() {
      for (const ws of sockets) ws.terminate();
      if (wss) (await wss).close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
