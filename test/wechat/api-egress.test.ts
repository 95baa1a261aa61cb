import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PROXY_REFUSED, WeChatClient, WeChatInputError, WeChatTransportError, relayEgressAgent } from '../../src/main/api';
import { startFakeWeChat, type FakeWeChat } from '../helpers/fake-wechat-server';

const DESK_KEY = 'desk-key-0123456789abcdef';

interface TinyProxy {
  url: string;
  seen: { target: string; proxyAuthorization: string | undefined }[];
  close(): Promise<void>;
}

/** A minimal CONNECT proxy standing in for the relay's egress: checks the desk key, then tunnels bytes. */
async function startConnectProxy(expectedKey: string): Promise<TinyProxy> {
  const seen: TinyProxy['seen'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req, clientSocket: Socket, head: Buffer) => {
    sockets.add(clientSocket);
    const auth = req.headers['proxy-authorization'];
    seen.push({ target: req.url ?? '', proxyAuthorization: auth });
    if (auth !== `Bearer ${expectedKey}`) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let wechat: FakeWeChat | null = null;
let proxy: TinyProxy | null = null;
afterEach(async () => {
  await wechat?.close();
  await proxy?.close();
  wechat = null;
  proxy = null;
});

describe('relayEgressAgent', () => {
  it('tunnels calls through the relay with Proxy-Authorization: Bearer <desk key>', async () => {
    wechat = await startFakeWeChat({
      '/cgi-bin/component/api_create_preauthcode': () => ({ json: { pre_auth_code: 'pac', expires_in: 600 } }),
    });
    proxy = await startConnectProxy(DESK_KEY);
    const agent = await relayEgressAgent({ relayUrl: proxy.url, deskKey: DESK_KEY });
    try {
      const client = new WeChatClient({ baseUrl: wechat.url, dispatcher: agent, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      const res = await client.createPreAuthCode('CAT', { component_appid: 'wx1111111111111111' });
      expect(res.pre_auth_code).toBe('pac');
      expect(proxy.seen).toEqual([{ target: new URL(wechat.url).host, proxyAuthorization: `Bearer ${DESK_KEY}` }]);
      expect(wechat.count('/cgi-bin/component/api_create_preauthcode')).toBe(1);
    } finally {
      await agent.close();
    }
  });

  it('fails clearly when the relay refuses the desk key, and nothing reaches WeChat', async () => {
    wechat = await startFakeWeChat({});
    proxy = await startConnectProxy(DESK_KEY);
    const agent = await relayEgressAgent({ relayUrl: proxy.url, deskKey: 'wrong-key' });
    try {
      const client = new WeChatClient({ baseUrl: wechat.url, dispatcher: agent, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      const err = await client.createPreAuthCode('CAT', { component_appid: 'wx1111111111111111' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WeChatTransportError);
      expect((err as WeChatTransportError).code).toBe(PROXY_REFUSED);
      expect((err as Error).message).toMatch(/relay.*407.*desk key/);
      expect((err as Error).message).not.toContain('wrong-key');
      expect((err as Error).message).not.toContain('CAT');
      // A refused tunnel is not retried: the key will not get better.
      expect(proxy.seen).toHaveLength(1);
      expect(proxy.seen[0]!.proxyAuthorization).toBe('Bearer wrong-key');
      expect(wechat.requests).toHaveLength(0);
    } finally {
      await agent.close();
    }
  });

  it('validates its input', () => {
    expect(() => relayEgressAgent({ relayUrl: 'relay.example.com', deskKey: DESK_KEY })).toThrow(WeChatInputError);
    expect(() => relayEgressAgent({ relayUrl: 'ws://relay.example.com', deskKey: DESK_KEY })).toThrow(/http/);
    expect(() => relayEgressAgent({ relayUrl: 'https://relay.example.com', deskKey: ' ' })).toThrow(/deskKey/);
  });
});
