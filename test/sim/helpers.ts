/** Shared helpers for the simulator tests: JSON calls over real HTTP, and a tiny push receiver that decrypts. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MsgCrypt } from '../../src/wechat/crypto';
import { field, parseXml, type XmlObject } from '../../src/wechat/xml';
import { SIM_CONTROL_HEADERS, type Simulator } from '../../src/sim';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function call(base: string, path: string, body?: unknown, query: Record<string, string> = {}, rawBody?: string): Promise<Json> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: body === undefined && rawBody === undefined ? 'GET' : 'POST',
    // Control endpoints (/__sim/) want the header; WeChat's own paths get exactly what a real client sends.
    headers: { 'content-type': 'application/json', ...(url.pathname.startsWith('/__sim/') ? SIM_CONTROL_HEADERS : {}) },
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return (await res.json()) as Json;
}

/** A component token obtained the way a client does: with the latest pushed ticket. */
export async function componentToken(sim: Simulator): Promise<string> {
  const r = await call(sim.url, '/cgi-bin/component/api_component_token', {
    component_appid: sim.config.componentAppid,
    component_appsecret: sim.config.componentSecret,
    component_verify_ticket: sim.latestTicket(),
  });
  if (!r.component_access_token) throw new Error(`no component token: ${JSON.stringify(r)}`);
  return r.component_access_token as string;
}

export function cryptFor(sim: Simulator): MsgCrypt {
  return new MsgCrypt({ token: sim.config.token, encodingAesKey: sim.config.encodingAesKey, appid: sim.config.componentAppid });
}

export interface ReceivedPush {
  path: string;
  query: URLSearchParams;
  body: string;
  outer: XmlObject;
  /** Decrypted inner XML fields (after checking signature and msg_signature). */
  inner: XmlObject;
  plaintext: string;
}

export interface Receiver {
  url: string;
  received: ReceivedPush[];
  /** Resolves with the first received push matching `pred` (already received or future). */
  waitFor(pred: (p: ReceivedPush) => boolean): Promise<ReceivedPush>;
  close(): Promise<void>;
}

/**
 * An HTTP receiver that checks `signature` and `msg_signature`, decrypts with MsgCrypt and answers with `respond`
 * (default: `success`). Undecryptable requests get a 400 and are not recorded.
 */
export async function startReceiver(
  crypt: MsgCrypt,
  respond: (p: ReceivedPush, res: ServerResponse) => void | Promise<void> = (_p, res) => void res.end('success'),
): Promise<Receiver> {
  const received: ReceivedPush[] = [];
  const waiters: { pred: (p: ReceivedPush) => boolean; resolve: (p: ReceivedPush) => void }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const q = url.searchParams;
        const body = Buffer.concat(chunks).toString('utf8');
        let push: ReceivedPush;
        try {
          const outer = parseXml(body);
          const encrypt = field(outer, 'Encrypt')!;
          const ts = q.get('timestamp')!;
          const nonce = q.get('nonce')!;
          if (crypt.sign(ts, nonce) !== q.get('signature')) throw new Error('bad plain signature');
          const { plaintext } = crypt.verifyAndDecrypt({ msgSignature: q.get('msg_signature')!, timestamp: ts, nonce, encrypt });
          push = { path: url.pathname, query: q, body, outer, inner: parseXml(plaintext), plaintext };
        } catch (err) {
          res.statusCode = 400;
          res.end((err as Error).message);
          return;
        }
        received.push(push);
        for (const w of [...waiters]) {
          if (w.pred(push)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(push);
          }
        }
        await respond(push, res);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(pred) {
      const found = received.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const infoType = (t: string) => (p: ReceivedPush) => field(p.inner, 'InfoType') === t;
