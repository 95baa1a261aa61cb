import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown> | null;
  /** 1-based count of requests to this pathname so far (this one included). */
  nth: number;
}

export type FakeReply =
  | { json: unknown; status?: number }
  | { text: string; status?: number; contentType?: string }
  /** Drop the connection without answering (a network failure as the client sees it). */
  | { destroy: true }
  /** Never answer (the client's timeout fires). */
  | { hang: true };

export type FakeRoute = (req: SeenRequest) => FakeReply | Promise<FakeReply>;

export interface FakeWeChat {
  url: string;
  requests: SeenRequest[];
  count(pathname: string): number;
  close(): Promise<void>;
}

/**
 * A tiny stand-in for api.weixin.qq.com on loopback, for unit tests of retry rules that the simulator cannot be told
 * to produce. Unknown paths answer 404 with a WeChat-style error.
 */
export async function startFakeWeChat(routes: Record<string, FakeRoute>): Promise<FakeWeChat> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> | null = null;
        try {
          body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : null;
        } catch {
          body = null;
        }
        const nth = requests.filter((r) => r.pathname === url.pathname).length + 1;
        const seen: SeenRequest = {
          method: req.method ?? '',
          pathname: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          rawBody,
          body,
          nth,
        };
        requests.push(seen);
        const route = routes[url.pathname];
        const reply: FakeReply = route
          ? await route(seen)
          : { status: 404, json: { errcode: 404, errmsg: `no route ${url.pathname}` } };
        if ('destroy' in reply) {
          req.socket.destroy();
          return;
        }
        if ('hang' in reply) return;
        if ('json' in reply) {
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(reply.json));
        } else {
          res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/plain' });
          res.end(reply.text);
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (pathname) => requests.filter((r) => r.pathname === pathname).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
