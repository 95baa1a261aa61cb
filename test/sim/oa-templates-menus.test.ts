/**
 * The simulator's template-message family and conditional menus, over HTTP with an authorizer token: industries
 * (one change a month), templates from the library (industry conflict, 25 at most), send (unknown template, bad
 * openid) with the send recorded and the TEMPLATESENDJOBFINISH push; conditional menus need a default menu, refuse
 * privacy fields, and try-match follows the user's client platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

describe('simulator: template messages and conditional menus', () => {
  let sim: Simulator;
  let token = '';
  let appid = '';
  /** Tokens for the first account (again after the clock moves past their lifetime). */
  async function login(): Promise<void> {
    const ctoken = await componentToken(sim);
    const a = sim.seededAccount(0);
    appid = a.appid;
    const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken }, { component_access_token: ctoken });
    token = r.authorizer_access_token;
  }
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0 });
    await login();
  });
  afterAll(() => sim.close());
  const as = (path: string, body?: unknown) => call(sim.url, path, body, { access_token: token });

  it('industry: set, read back, a second change within a month is 43100', async () => {
    expect((await as('/cgi-bin/template/api_set_industry', { industry_id1: '1', industry_id2: '99' })).errcode).toBe(40102);
    expect((await as('/cgi-bin/template/api_set_industry', { industry_id1: '1', industry_id2: '4' })).errcode).toBe(0);
    const got = await as('/cgi-bin/template/get_industry');
    expect(got.primary_industry).toEqual({ first_class: 'IT科技', second_class: '互联网/电子商务' });
    expect(got.secondary_industry.second_class).toBe('电子技术');
    expect((await as('/cgi-bin/template/api_set_industry', { industry_id1: '1', industry_id2: '4' })).errcode).toBe(0); // unchanged
    expect((await as('/cgi-bin/template/api_set_industry', { industry_id1: '2', industry_id2: '4' })).errcode).toBe(43100);
    sim.advanceClock(31 * 86_400);
    await sim.pushTicket(); // the old ticket expired with the clock
    await login();
    expect((await as('/cgi-bin/template/api_set_industry', { industry_id1: '1', industry_id2: '2' })).errcode).toBe(0);
  });

  it('templates: add by short id, list with content fields, industry conflict, delete', async () => {
    expect((await as('/cgi-bin/template/api_add_template', { template_id_short: 'NOPE' })).errcode).toBe(40037);
    expect((await as('/cgi-bin/template/api_add_template', { template_id_short: 'OPENTM401833445' })).errcode).toBe(45027); // hotel
    const added = await as('/cgi-bin/template/api_add_template', { template_id_short: 'TM00015' });
    expect(added.errcode).toBe(0);
    const list = await as('/cgi-bin/template/get_all_private_template');
    expect(list.template_list).toHaveLength(1);
    expect(list.template_list[0].template_id).toBe(added.template_id);
    expect(list.template_list[0].content).toContain('{{orderMoneySum.DATA}}');
    expect((await as('/cgi-bin/template/del_private_template', { template_id: 'missing' })).errcode).toBe(40037);
    const second = await as('/cgi-bin/template/api_add_template', { template_id_short: 'OPENTM207498902' });
    expect((await as('/cgi-bin/template/del_private_template', { template_id: second.template_id })).errcode).toBe(0);
    expect((await as('/cgi-bin/template/get_all_private_template')).template_list).toHaveLength(1);
  });

  it('send: recorded with its msgid, and the job-finish push follows', async () => {
    const [tpl] = (await as('/cgi-bin/template/get_all_private_template')).template_list;
    const openid = 'oUserForTemplateTest0123456789';
    expect((await as('/cgi-bin/message/template/send', { touser: 'x', template_id: tpl.template_id, data: {} })).errcode).toBe(40003);
    expect((await as('/cgi-bin/message/template/send', { touser: openid, template_id: 'nope', data: {} })).errcode).toBe(40037);
    const sent = await as('/cgi-bin/message/template/send', { touser: openid, template_id: tpl.template_id, url: 'https://example.com/o/1', data: { first: { value: '支付成功', color: '#173177' } } });
    expect(sent.errcode).toBe(0);
    expect(typeof sent.msgid).toBe('number');
    const records = sim.getTemplateMessages(appid);
    expect(records.at(-1)).toMatchObject({ touser: openid, templateId: tpl.template_id, msgid: sent.msgid });
    await expect.poll(() => sim.getPushes({ type: 'event/TEMPLATESENDJOBFINISH', appid }).length).toBe(1);
    const push = sim.getPushes({ type: 'event/TEMPLATESENDJOBFINISH', appid })[0]!;
    expect(push.plaintext).toContain(`<MsgID>${sent.msgid}</MsgID>`);
    expect(push.plaintext).toContain('<Status><![CDATA[success]]></Status>');
    expect(sim.getTemplateMessages(appid).at(-1)!.finishStatus).toBe('success');
  });

  it('conditional menus: need a default menu, refuse privacy fields, try-match by client platform', async () => {
    const cond = { button: [{ type: 'click', name: '安卓', key: 'android' }], matchrule: { client_platform_type: '2' } };
    expect((await as('/cgi-bin/menu/addconditional', cond)).errcode).toBe(65303);
    expect((await as('/cgi-bin/menu/create', { button: [{ type: 'click', name: '默认', key: 'default' }] })).errcode).toBe(0);
    expect((await as('/cgi-bin/menu/addconditional', { ...cond, matchrule: { sex: '1' } })).errcode).toBe(65320);
    expect((await as('/cgi-bin/menu/addconditional', { ...cond, matchrule: {} })).errcode).toBe(65304);
    const added = await as('/cgi-bin/menu/addconditional', cond);
    expect(added).toEqual({ menuid: expect.stringMatching(/^\d+$/) }); // WeChat answers only the menuid
    const got = await as('/cgi-bin/menu/get');
    expect(got.conditionalmenu).toHaveLength(1);
    expect(got.conditionalmenu[0].matchrule).toEqual({ client_platform_type: '2' });
    // Some user ids land on Android (2), others not: both menus are seen.
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await as('/cgi-bin/menu/trymatch', { user_id: `oTryMatchUser${i}xxxxxxxx` })).button[0].name);
    expect(seen).toEqual(new Set(['默认', '安卓']));
    expect((await as('/cgi-bin/menu/trymatch', { user_id: '!' })).errcode).toBe(65302);
    expect((await as('/cgi-bin/menu/delconditional', { menuid: 'nope' })).errcode).toBe(65301);
    expect((await as('/cgi-bin/menu/delconditional', { menuid: added.menuid })).errcode).toBe(0);
    expect((await as('/cgi-bin/menu/get')).conditionalmenu).toBeUndefined();
  });
});
