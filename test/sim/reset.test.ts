/** POST /__sim/reset forgets the state of every API family (each keeps its own since the split by family). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0 });
});
afterAll(() => sim.close());

async function authorizerTokens(ctoken: string) {
  const out: Record<string, string> = {};
  for (const i of [0, 1]) {
    const a = sim.seededAccount(i);
    const body = { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken };
    out[a.kind] = (await call(sim.url, '/cgi-bin/component/api_authorizer_token', body, { component_access_token: ctoken })).authorizer_access_token;
  }
  return out as { oa: string; mp: string };
}

it('menus, options, custom messages, code and audits, fast-register tasks, calls and the clock are all forgotten', async () => {
  let ctoken = await componentToken(sim);
  let t = await authorizerTokens(ctoken);
  const oa = (path: string, body?: unknown) => call(sim.url, path, body, { access_token: t.oa });
  const mp = (path: string, body?: unknown) => call(sim.url, path, body, { access_token: t.mp });
  const task = { name: '重置测试有限公司', code: '91440300MA5F000009', code_type: 1, legal_persona_wechat: 'legal_wx', legal_persona_name: 'n' };
  const register = (action: string) => call(sim.url, '/cgi-bin/component/fastregisterweapp', task, { action, component_access_token: ctoken });

  expect((await oa('/cgi-bin/menu/create', { button: [{ type: 'click', name: 'a', key: 'k' }] })).errcode).toBe(0);
  expect((await oa('/cgi-bin/component/set_authorizer_option', { option_name: 'voice_recognize', option_value: '1' })).errcode).toBe(0);
  await sim.sendUserMessage({ appid: sim.seededAccount(0).appid, openid: 'o', content: 'hi' }); // opens the reply window
  expect((await oa('/cgi-bin/message/custom/send', { touser: 'o', msgtype: 'text', text: { content: 'hi' } })).errcode).toBe(0);
  const form = new FormData();
  form.set('media', new Blob([new Uint8Array([1, 2, 3])]), 'a.png');
  await fetch(`${sim.url}/cgi-bin/media/upload?type=image&access_token=${t.oa}`, { method: 'POST', body: form });
  expect(sim.getMedia()).toHaveLength(1);
  expect((await mp('/wxa/commit', { template_id: 1, ext_json: '{}', user_version: 'v1', user_desc: 'd' })).errcode).toBe(0);
  expect((await mp('/wxa/submit_audit', {})).auditid).toBeTypeOf('number');
  expect((await register('create')).errcode).toBe(0);
  sim.advanceClock(60);

  await call(sim.url, '/__sim/reset', {});
  expect(sim.now() - Date.now()).toBeLessThan(30_000);
  expect(sim.getCalls()).toEqual([]);
  expect(sim.getCustomMessages()).toEqual([]);
  expect(sim.latestTicket()).toBeNull();
  await sim.pushTicket();
  ctoken = await componentToken(sim);
  t = await authorizerTokens(ctoken);
  expect((await oa('/cgi-bin/menu/get')).errcode).toBe(46003);
  expect(sim.getMedia()).toEqual([]);
  expect((await oa('/cgi-bin/message/custom/send', { touser: 'o', msgtype: 'text', text: { content: 'hi' } })).errcode).toBe(45015); // the window is forgotten too
  expect((await oa('/cgi-bin/component/get_authorizer_option', { option_name: 'voice_recognize' })).option_value).toBe('0');
  expect((await mp('/wxa/get_latest_auditstatus')).errcode).toBe(85019);
  expect((await mp('/wxa/submit_audit', {})).errcode).toBe(85086);
  expect((await register('search')).errcode).toBe(89250);
});
