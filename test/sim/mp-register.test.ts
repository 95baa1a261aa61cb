/**
 * Family mp/register beyond the enterprise task: personal (taskid, authorize_url, query, the push with taskid), trial
 * (beta) registration and its verification (their pushes driven by /__sim/fastregister-beta and /__sim/fastverify-beta),
 * and registration via an official account (the fastregisterauth page → ticket → account/fastregister, 61058).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { field } from '../../src/wechat/xml';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken, cryptFor, infoType, startReceiver, type Receiver } from './helpers';

let sim: Simulator;
let receiver: Receiver;
let ctoken: string;
let oa = '';
const tokens: Record<string, string> = {};

async function authorizerToken(appid: string): Promise<string> {
  const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: appid, authorizer_refresh_token: sim.authorizer(appid)!.refreshToken }, { component_access_token: ctoken });
  return r.authorizer_access_token as string;
}

beforeAll(async () => {
  sim = await startSimulator({ accounts: 4, candidates: 0, ticketIntervalSeconds: 0 });
  receiver = await startReceiver(cryptFor(sim));
  sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  sim.reset();
  sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
  await sim.pushTicket();
  ctoken = await componentToken(sim);
  oa = sim.seededAccount(0).appid;
  tokens[oa] = await authorizerToken(oa);
});

const component = (path: string, body: unknown, query: Record<string, string> = {}) => call(sim.url, path, body, { ...query, component_access_token: ctoken });

describe('personal registration', () => {
  it('create → taskid and authorize_url; query answers the same; the push finishes it with taskid and a code', async () => {
    const created = await component('/wxa/component/fastregisterpersonalweapp', { idname: '张三', wxuser: 'zhangsan_wx' }, { action: 'create' });
    expect(created).toMatchObject({ errcode: 0, status: 0 });
    expect(created.taskid).toMatch(/^wxa_personal_/);
    expect(created.authorize_url).toContain(created.taskid);
    expect((await component('/wxa/component/fastregisterpersonalweapp', { idname: '张三', wxuser: 'zhangsan_wx' }, { action: 'create' })).errcode).toBe(89249);
    expect(await component('/wxa/component/fastregisterpersonalweapp', { taskid: created.taskid }, { action: 'query' })).toMatchObject({ errcode: 0, taskid: created.taskid, status: 0 });

    const done = await call(sim.url, '/__sim/fastregister', { taskid: created.taskid });
    const push = await receiver.waitFor(infoType('notify_third_fasteregister'));
    // The taskid inside <info> (with an empty <name>), as a real push carries it; none at the top.
    expect(field(push.inner.info as never, 'taskid')).toBe(created.taskid);
    expect(field(push.inner, 'taskid')).toBeUndefined();
    expect(field(push.inner, 'auth_code')).toBe(done.authCode);
    expect(push.plaintext).toContain('<wxuser><![CDATA[zhangsan_wx]]></wxuser>');
    expect(sim.authorizer(done.appid)).toBeTruthy();
    expect((await component('/wxa/component/fastregisterpersonalweapp', { taskid: created.taskid }, { action: 'query' })).status).toBe(1);
  });

  it('refuses a bad WeChat ID (86004), missing idname (89253), an unknown taskid (89250 / control 400)', async () => {
    expect((await component('/wxa/component/fastregisterpersonalweapp', { idname: '张三', wxuser: '13800000000' }, { action: 'create' })).errcode).toBe(86004);
    expect((await component('/wxa/component/fastregisterpersonalweapp', { wxuser: 'zhangsan_wx' }, { action: 'create' })).errcode).toBe(89253);
    expect((await component('/wxa/component/fastregisterpersonalweapp', { taskid: 'nope' }, { action: 'query' })).errcode).toBe(89250);
    const bad = await fetch(`${sim.url}/__sim/fastregister`, { method: 'POST', headers: { 'x-wxopen-sim': '1' }, body: JSON.stringify({ taskid: 'nope' }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${sim.url}/__sim/fastregister`, { method: 'POST', headers: { 'x-wxopen-sim': '1' }, body: JSON.stringify({ status: 'x' }) })).status).toBe(400);
  });
});

describe('trial (beta) registration and verification', () => {
  it('create → unique_id; the result push, then the authorized push; verifybetaweapp with its token → the verify push', async () => {
    const created = await call(sim.url, '/wxa/component/fastregisterbetaweapp', { name: '试用小程序', openid: 'oTrialUser0000001' }, { access_token: ctoken });
    expect(created).toMatchObject({ errcode: 0 });
    expect(created.unique_id).toMatch(/^[0-9a-f]{32}$/);
    const done = await call(sim.url, '/__sim/fastregister-beta', { uniqueId: created.unique_id });
    const push = await receiver.waitFor(infoType('notify_third_fastregisterbetaapp'));
    expect(field(push.inner, 'appid')).toBe(done.appid);
    expect(push.plaintext).toContain(created.unique_id);
    const authorized = await receiver.waitFor((p) => infoType('authorized')(p) && field(p.inner, 'AuthorizerAppid') === done.appid);
    expect(field(authorized.inner, 'AuthorizationCode')).toBeTruthy();

    const trialToken = await authorizerToken(done.appid);
    const verify = (info: Record<string, unknown>) => call(sim.url, '/wxa/verifybetaweapp', { verify_info: info }, { access_token: trialToken });
    const info = { enterprise_name: '深圳市试用科技有限公司', code: '91440300MA5F000002', code_type: 1, legal_persona_wechat: 'fa_ren_wx', legal_persona_name: '王五' };
    expect((await verify({ ...info, code: '123' })).errcode).toBe(89255);
    expect((await verify({ ...info, code_type: 7 })).errcode).toBe(89248);
    expect((await verify(info)).errcode).toBe(0);
    await call(sim.url, '/__sim/fastverify-beta', { appid: done.appid, status: 0 });
    const v = await receiver.waitFor(infoType('notify_third_fastverifybetaapp'));
    expect(field(v.inner, 'appid')).toBe(done.appid);
    // Not a trial mini program: an official account's token is refused.
    expect((await call(sim.url, '/wxa/verifybetaweapp', { verify_info: info }, { access_token: tokens[oa]! })).errcode).toBe(89247);
  });

  it('a failed trial creates nothing; unknown unique_id is a 400 at the control endpoint', async () => {
    const created = await call(sim.url, '/wxa/component/fastregisterbetaweapp', { name: '试用2', openid: 'oTrialUser0000002' }, { access_token: ctoken });
    const done = await call(sim.url, '/__sim/fastregister-beta', { uniqueId: created.unique_id, status: 61070, msg: 'name mismatch' });
    expect(done.appid).toBeNull();
    expect((await fetch(`${sim.url}/__sim/fastregister-beta`, { method: 'POST', headers: { 'x-wxopen-sim': '1' }, body: JSON.stringify({ uniqueId: created.unique_id }) })).status).toBe(400);
    expect((await fetch(`${sim.url}/__sim/fastverify-beta`, { method: 'POST', headers: { 'x-wxopen-sim': '1' }, body: JSON.stringify({ appid: oa }) })).status).toBe(400);
  });
});

describe('registration via an official account', () => {
  const page = (q: Record<string, string>) => fetch(`${sim.url}/cgi-bin/fastregisterauth?${new URLSearchParams(q)}`);
  const base = () => ({ appid: oa, component_appid: sim.config.componentAppid, copy_wx_verify: '1', redirect_uri: 'https://relay.example.com/authorized?link=abcdefghijklmnop' });

  it('page → confirm → redirect with ticket → account/fastregister gives a new authorized mini program; the ticket works once', async () => {
    const res = await page(base());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(sim.seededAccount(0).nickName);
    const confirm = await fetch(`${sim.url}/cgi-bin/fastregisterauth/confirm`, { method: 'POST', body: new URLSearchParams(base()), redirect: 'manual' });
    expect(confirm.status).toBe(302);
    const target = new URL(confirm.headers.get('location')!);
    expect(target.searchParams.get('link')).toBe('abcdefghijklmnop');
    const ticket = target.searchParams.get('ticket')!;
    expect(ticket).toMatch(/^[0-9a-f]{40}$/);

    const r = await call(sim.url, '/cgi-bin/account/fastregister', { ticket }, { access_token: tokens[oa]! });
    expect(r).toMatchObject({ errcode: 0, is_link_succ: true });
    expect(r.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(r.authorization_code).toBeTruthy();
    const q = await component('/cgi-bin/component/api_query_auth', { component_appid: sim.config.componentAppid, authorization_code: r.authorization_code });
    expect(q.authorization_info.authorizer_appid).toBe(r.appid);
    expect((await call(sim.url, '/cgi-bin/account/fastregister', { ticket }, { access_token: tokens[oa]! })).errcode).toBe(61058);
  });

  it('61058 for an unknown ticket or another account; the page refuses bad parameters', async () => {
    expect((await call(sim.url, '/cgi-bin/account/fastregister', { ticket: 'made-up' }, { access_token: tokens[oa]! })).errcode).toBe(61058);
    const confirm = await fetch(`${sim.url}/cgi-bin/fastregisterauth/confirm`, { method: 'POST', body: new URLSearchParams(base()), redirect: 'manual' });
    const ticket = new URL(confirm.headers.get('location')!).searchParams.get('ticket')!;
    const other = sim.seededAccount(2).appid;
    expect((await call(sim.url, '/cgi-bin/account/fastregister', { ticket }, { access_token: await authorizerToken(other) })).errcode).toBe(61058);
    expect((await page({ ...base(), appid: sim.seededAccount(1).appid })).status).toBe(400); // a mini program
    expect((await page({ ...base(), component_appid: 'wxnotme' })).status).toBe(400);
    expect((await page({ ...base(), redirect_uri: 'javascript:alert(1)' })).status).toBe(400);
    expect((await page({ ...base(), copy_wx_verify: '2' })).status).toBe(400);
  });
});
