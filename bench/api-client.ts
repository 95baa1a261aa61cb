/**
 * The API client's cost per call: a call through invoke (spec check, token, retry wrapper, API log record, answer
 * schema) beside a bare undici request + JSON parse to the same loopback server, rounds interleaved. The difference
 * is what the client adds; the network is the same for both.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { WeChatClient } from '../src/main/api';
import { median } from './measure';
import type { BenchSection } from './types';

const APPID = 'wx0123456789abcdef';
const LIST = JSON.stringify({
  total_count: 500,
  list: Array.from({ length: 500 }, (_, i) => ({ authorizer_appid: `wx${String(i).padStart(16, '0')}`, refresh_token: `refreshtoken@@@${'r'.repeat(43)}`, auth_time: 1700000000 + i })),
});
const PRE_AUTH = JSON.stringify({ pre_auth_code: `preauthcode@@@${'p'.repeat(40)}`, expires_in: 600 });

export async function run(): Promise<BenchSection[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(req.url!.includes('api_get_authorizer_list') ? LIST : PRE_AUTH));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new WeChatClient({ baseUrl: base, onCall: () => undefined });
  const bare = async (path: string, body: unknown) => {
    const res = await request(`${base}${path}?component_access_token=T`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.body.json();
  };
  const cases = [
    {
      name: 'api_create_preauthcode (small answer)',
      ours: () => client.createPreAuthCode('T', { component_appid: APPID }),
      bare: () => bare('/cgi-bin/component/api_create_preauthcode', { component_appid: APPID }),
    },
    {
      name: 'api_get_authorizer_list (500 entries, 60 KB)',
      ours: () => client.getAuthorizerList('T', { component_appid: APPID, offset: 0, count: 500 }),
      bare: () => bare('/cgi-bin/component/api_get_authorizer_list', { component_appid: APPID, offset: 0, count: 500 }),
    },
  ];
  const rows: (string | number)[][] = [];
  try {
    for (const c of cases) {
      const us = { ours: [] as number[], bare: [] as number[] };
      const window = async (fn: () => Promise<unknown>, ms: number) => {
        let n = 0;
        const start = performance.now();
        while (performance.now() - start < ms) {
          await fn();
          n++;
        }
        return ((performance.now() - start) * 1000) / n;
      };
      await window(c.ours, 200);
      await window(c.bare, 200);
      for (let r = 0; r < 7; r++) {
        us.ours.push(await window(c.ours, 300));
        us.bare.push(await window(c.bare, 300));
      }
      const ours = median(us.ours);
      const floor = median(us.bare);
      rows.push([c.name, `${ours.toFixed(0)} µs`, `${floor.toFixed(0)} µs`, `${(ours - floor).toFixed(0)} µs`]);
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  return [
    {
      title: 'API client: one call through invoke beside a bare undici request (sequential, loopback)',
      columns: ['', 'ours (WeChatClient)', 'bare request + JSON.parse', 'client adds'],
      rows,
      notes: ['medians of 7 interleaved 300 ms windows; the bare request has no checks, retries, log record or answer schema'],
    },
  ];
}
