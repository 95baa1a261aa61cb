/**
 * Issue 7, items 1 and 2, with real pushes through a real relay into the engine, and the simulator as WeChat:
 * a push whose handling throws is stored as failed, acknowledged, and the pushes behind it land; a code exchange
 * WeChat refuses is a failure (failed verdict, failed-only filter, dashboard count) with WeChat's own errcode, and
 * re-run calls api_query_auth again and reports what happened.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformEngine } from '../../src/main/engine';
import { RuntimeHost } from '../../src/main/services/host';
import { createHandlers } from '../../src/main/services/handlers';
import type { Store } from '../../src/main/store';
import { MsgCrypt } from '../../src/wechat/crypto';
import type { RunningRelay } from '../../src/relay/server';
import type { Simulator } from '../../src/sim';
import { buildPushRequest } from '../../src/sim/pushes/delivery';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5e1f2a3b4c5d6e7f';
const SECRET = 'failures-test-secret-0123456789ab';
const TOKEN = 'failuresTestToken';
const AES_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg';
const DESK_KEY = 'desk-key-for-the-failures-test-0123456789abcdef';
const QUERY_AUTH = '/cgi-bin/component/api_query_auth';

describe('a push whose handling fails', () => {
  let stack: Stack;
  let store: Store;
  let relay: RunningRelay;
  let sim: Simulator;
  let engine: PlatformEngine;
  let handlers: ReturnType<typeof createHandlers>;
  const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });

  /** A component push with this plaintext, as WeChat sends it, to the relay's 授权事件接收URL. */
  async function postComponent(plaintext: string): Promise<{ body: string }> {
    const { query, body } = buildPushRequest(crypt, plaintext, { kind: 'component', nowSeconds: Math.floor(Date.now() / 1000), componentAppid: APPID });
    const res = await request(`${relay.url}/wechat/component?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    expect(await res.body.text()).toBe('success');
    return { body };
  }

  beforeAll(async () => {
    stack = await startStack({ creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY }, sim: { accounts: 2, candidates: 3 } });
    ({ store, relay, sim, engine } = stack);
    const host = new RuntimeHost({
      store,
      mode: 'console',
      dataDir: stack.dir,
      version: 'test',
      secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
      createRuntime: async () => engine,
    });
    await host.select(APPID);
    handlers = createHandlers(host);
    await until('the first ticket', () => store.tickets.latest(APPID));
  });

  afterAll(() => stack?.close());

  it('is stored as failed with its raw body and reason, acknowledged, and the pushes behind it land', async () => {
    // WeChat's public sample of `unauthorized`, placeholder appid and all: the store refuses that appid.
    const plain = `<xml><AppId><![CDATA[${APPID}]]></AppId><CreateTime>1413192760</CreateTime><InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA[公众号appid]]></AuthorizerAppid></xml>`;
    const sent = await postComponent(plain);
    await sim.pushTicket();
    await until('the ticket pushed after it', () => store.tickets.latest(APPID)?.ticket === sim.latestTicket());
    const rows = store.events.list({ componentAppid: APPID, infoType: 'unauthorized', failedOnly: true }).rows;
    expect(rows).toHaveLength(1);
    const e = store.events.get(rows[0]!.id)!;
    expect(e.rawBody).toBe(sent.body);
    expect(e.plaintext).toBe(plain);
    expect(e.failReason).toContain('公众号appid');
    await until('every push acknowledged', () => relay.health().queueDepth === 0);

    // Re-run retries the side effect; the appid is still a placeholder, so it fails again, on the same event.
    const again = await engine.rerunEvent(e.id);
    expect(again.id).toBe(e.id);
    expect(again.status).toBe('failed');
    expect(again.failReason).toContain('公众号appid');
    expect(store.events.count({ componentAppid: APPID, infoType: 'unauthorized' })).toBe(1);
  });

  it('a code exchange WeChat refuses is a failure with its errcode, and re-run exchanges again', async () => {
    const failedBefore = (await handlers['dashboard/get']()).failedEvents24h;
    sim.setFaults({ rules: [{ path: QUERY_AUTH, quotaErrorShare: 1 }] });
    const candidate = sim.candidateProfiles()[0]!;
    await sim.authorize(candidate.appid).push;
    const failed = await until('the failed authorization', () =>
      store.events.list({ componentAppid: APPID, infoType: 'authorized', failedOnly: true }).rows.find((r) => r.failReason?.includes('45009')),
    );
    expect(failed.status).toBe('failed');
    expect(failed.failReason).toContain('api_query_auth');
    // …and in Chinese, with WeChat's errcode and its meaning.
    expect(failed.failReasonZh).toMatch(/^换取授权信息（api_query_auth）失败：微信接口 \/cgi-bin\/component\/api_query_auth 返回错误码 45009：接口调用已达今日上限/);
    expect(store.authorizers.get(APPID, candidate.appid)).toBeNull();
    // The dashboard's alert counts it.
    expect((await handlers['dashboard/get']()).failedEvents24h).toBe(failedBefore + 1);
    // The detail explains WeChat's errcode.
    expect((await handlers['events/get']({ id: failed.id })).explanation?.code).toBe(45009);

    sim.setFaults({});
    const calls = sim.getCalls(QUERY_AUTH).length;
    const rerun = await handlers['events/rerun']({ id: failed.id });
    expect(sim.getCalls(QUERY_AUTH).length).toBe(calls + 1);
    expect(rerun.id).toBe(failed.id);
    expect(rerun.status).toBe('ok');
    expect(rerun.failReason).toBeNull();
    expect(rerun.handledNote).toMatch(/^authorized/);
    expect(rerun.failReasonZh).toBeNull();
    expect(rerun.handledNoteZh).toMatch(/^已授权：/);
    expect(store.authorizers.get(APPID, candidate.appid)?.status).toBe('active');
    expect((await handlers['dashboard/get']()).failedEvents24h).toBe(failedBefore);
  });

  it("keeps WeChat's errcode when the push names a placeholder appid", async () => {
    sim.setFaults({ rules: [{ path: QUERY_AUTH, quotaErrorShare: 1 }] });
    const candidate = sim.candidateProfiles()[1]!;
    const granted = sim.authorize(candidate.appid, { push: false });
    const plain = `<xml><AppId><![CDATA[${APPID}]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[公众号appid]]></AuthorizerAppid><AuthorizationCode><![CDATA[${granted.authCode}]]></AuthorizationCode><AuthorizationCodeExpiredTime>1413196205</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@sample]]></PreAuthCode></xml>`;
    await postComponent(plain);
    const failed = await until('the failed authorization', () =>
      store.events.list({ componentAppid: APPID, infoType: 'authorized', failedOnly: true, search: 'preauthcode@@@sample' }).rows[0],
    );
    expect(failed.failReason).toContain('errcode 45009');
    expect(failed.failReason).not.toMatch(/must be an appid/);
    sim.setFaults({});
    const rerun = await engine.rerunEvent(failed.id);
    expect(rerun.status).toBe('ok');
    expect(store.authorizers.get(APPID, candidate.appid)?.status).toBe('active');
  });
});
