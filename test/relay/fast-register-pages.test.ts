/**
 * The relay's pages for registering a mini program via an official account: the desk registers WeChat's
 * fastregisterauth URL as a link (POST /desk/auth-links), the start page says so, and the landing (GET /authorized)
 * records the ticket once per known link, and nothing for hostile input (forged, unknown, malformed, oversize).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import type { RelayHealthDetails } from '../../src/shared/relay-protocol';
import { COMPONENT_APPID, DESK_KEY, TOKEN, get, healthDetails, rawDesk, tempDir } from './helpers';

let relay: RunningRelay;
let tmp: ReturnType<typeof tempDir>;
const auth = { authorization: `Bearer ${DESK_KEY}`, 'content-type': 'application/json' };
const fastUrl = (linkId: string) =>
  `https://mp.weixin.qq.com/cgi-bin/fastregisterauth?appid=wx1111111111111111&component_appid=${COMPONENT_APPID}&copy_wx_verify=1&redirect_uri=${encodeURIComponent(`http://127.0.0.1/authorized?link=${linkId}`)}`;
const register = async (id: string) => {
  const res = await request(relay.url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url: fastUrl(id), expiresAt: Date.now() + 600_000, id }) });
  return { status: res.statusCode, body: (await res.body.json()) as { id: string; startUrl: string } };
};
const depth = async () => ((await healthDetails(relay.url)) as RelayHealthDetails).queueDepth;

beforeAll(async () => {
  tmp = tempDir();
  const config = validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: COMPONENT_APPID, token: TOKEN, deskKey: DESK_KEY, dataDir: join(tmp.dir, 'data'), authorizedPerMinutePerAddress: 1000, authorizedPerMinute: 1000 });
  relay = await startRelay(config, { logger: silentLogger, publicUrlIsListenUrl: true });
});
afterAll(async () => {
  await relay.close();
  tmp.cleanup();
});

describe('fast registration via an official account: relay pages', () => {
  it('start page links to fastregisterauth; the landing records {ticket, link} once; hostile input stores nothing', async () => {
    const id = `fastreg-link-${Date.now()}`;
    const reg = await register(id);
    expect(reg.status).toBe(201);
    const start = await get(relay.url, `/authorize/${id}`);
    expect(start.status).toBe(200);
    expect(start.text).toContain('复用公众号资质快速注册小程序');
    expect(start.text).toContain("register a new mini program with the official account's credentials");
    expect(start.text).toContain('/cgi-bin/fastregisterauth?');

    const before = await depth();
    // Unknown and malformed link ids, a missing ticket, a ticket with spaces or control characters, an oversize one,
    // an auth_code instead of a ticket, a repeated key: refused, nothing stored (so the desk never calls WeChat).
    const hostile: [string, number][] = [
      [`/authorized?ticket=t1&link=unknownLink00000000`, 404],
      [`/authorized?ticket=t1&link=bad%20link`, 404],
      [`/authorized?ticket=t1`, 404],
      [`/authorized?link=${id}`, 400],
      [`/authorized?link=${id}&auth_code=abc&expires_in=600`, 400],
      [`/authorized?link=${id}&ticket=has%20space`, 400],
      [`/authorized?link=${id}&ticket=%00nul`, 400],
      [`/authorized?link=${id}&ticket=${'x'.repeat(513)}`, 400],
      [`/authorized?link=${id}&ticket=a&ticket=b`, 400],
    ];
    for (const [path, status] of hostile) {
      const r = await get(relay.url, path);
      expect(r.status, path).toBe(status);
    }
    const oversize = await get(relay.url, `/authorized?link=${id}&ticket=${'y'.repeat(20_000)}`);
    expect(oversize.status).toBeGreaterThanOrEqual(400);
    expect(await depth()).toBe(before);

    const landing = await get(relay.url, `/authorized?link=${id}&ticket=tk_0123456789abcdef`);
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('已确认注册小程序');
    expect(landing.text).toContain('Your confirmation reached the console');
    const again = await get(relay.url, `/authorized?link=${id}&ticket=another`);
    expect(again.status).toBe(409);
    expect(await depth()).toBe(before + 1);

    const desk = await rawDesk(relay.url, { cursor: 0 });
    try {
      await expect.poll(() => desk.pushes().some((f) => f.kind === 'auth_redirect'), { timeout: 5000 }).toBe(true);
      const redirects = desk.pushes().filter((f) => f.kind === 'auth_redirect');
      expect(redirects).toHaveLength(1);
      expect(JSON.parse(redirects[0]!.body)).toEqual({ ticket: 'tk_0123456789abcdef', link: id });
    } finally {
      desk.close();
    }
  });

  it('an authorization link still takes auth_code, not a ticket', async () => {
    const id = `auth-link-${Date.now()}-xx`;
    const url = `https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=${COMPONENT_APPID}&pre_auth_code=abc&redirect_uri=x`;
    const res = await request(relay.url + '/desk/auth-links', { method: 'POST', headers: auth, body: JSON.stringify({ url, expiresAt: Date.now() + 600_000, id }) });
    expect(res.statusCode).toBe(201);
    await res.body.text();
    expect((await get(relay.url, `/authorized?link=${id}&ticket=tk`)).status).toBe(400);
    expect((await get(relay.url, `/authorize/${id}`)).text).toContain('授权公众号或小程序');
  });
});
