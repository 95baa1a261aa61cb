import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CONTROL_HEADERS, startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

describe('simulator: authorizer APIs for a console', () => {
  let sim: Simulator;
  let ctoken: string;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0 });
    ctoken = await componentToken(sim);
    for (const i of [0, 1]) {
      const a = sim.seededAccount(i);
      const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken }, { component_access_token: ctoken });
      tokens[a.kind] = r.authorizer_access_token;
    }
  });
  afterAll(() => sim.close());

  const as = (kind: 'oa' | 'mp', path: string, body?: unknown) => call(sim.url, path, body, { access_token: tokens[kind]! });

  it('menu: create validates, get/current-selfmenu return it, delete removes it', async () => {
    expect((await as('oa', '/cgi-bin/menu/get')).errcode).toBe(46003);
    expect((await as('oa', '/cgi-bin/menu/create', { button: [] })).errcode).toBe(40016);
    expect((await as('oa', '/cgi-bin/menu/create', { button: [{ name: '今日歌曲', type: 'nope' }] })).errcode).toBe(40017);
    expect((await as('oa', '/cgi-bin/menu/create', { button: [{ name: '菜单', sub_button: [] }] })).errcode).toBe(40023);
    const button = [
      { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
      { name: '菜单', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/' }] },
    ];
    expect((await as('oa', '/cgi-bin/menu/create', { button })).errcode).toBe(0);
    const got = await as('oa', '/cgi-bin/menu/get');
    expect(got.menu.button).toEqual(button);
    expect(got.menu.menuid).toBeTypeOf('number');
    const cur = await as('oa', '/cgi-bin/get_current_selfmenu_info');
    expect(cur.is_menu_open).toBe(1);
    expect(cur.selfmenu_info.button[1].sub_button.list[0].name).toBe('搜索');
    expect((await as('mp', '/cgi-bin/menu/get')).errcode).toBe(48001);
    expect((await as('oa', '/cgi-bin/menu/delete')).errcode).toBe(0);
    expect((await as('oa', '/cgi-bin/menu/get')).errcode).toBe(46003);
  });

  it('menu: names, keys and urls are measured in UTF-8 bytes with the top-level and sub-button codes', async () => {
    const create = (button: unknown[]) => as('oa', '/cgi-bin/menu/create', { button }).then((r) => r.errcode as number);
    const url = (bytes: number) => 'https://example.com/' + 'a'.repeat(bytes - 'https://example.com/'.length);
    const sub = (b: Record<string, unknown>) => [{ name: '菜单', sub_button: [b] }];
    // names: 16 bytes top level (5 Chinese characters are 15 bytes, 6 are 18), 60 bytes in a sub-button
    expect(await create([{ type: 'click', name: '一二三四五', key: 'k' }])).toBe(0);
    expect(await create([{ type: 'click', name: '一二三四五六', key: 'k' }])).toBe(40018);
    expect(await create(sub({ type: 'click', name: '字'.repeat(20), key: 'k' }))).toBe(0);
    expect(await create(sub({ type: 'click', name: '字'.repeat(21), key: 'k' }))).toBe(40025);
    // keys: 128 bytes; 43 Chinese characters are 129 bytes though only 43 characters
    expect(await create([{ type: 'click', name: 'a', key: 'k'.repeat(128) }])).toBe(0);
    expect(await create([{ type: 'click', name: 'a', key: '键'.repeat(43) }])).toBe(40019);
    expect(await create(sub({ type: 'click', name: 'a', key: 'k'.repeat(128) }))).toBe(0);
    expect(await create(sub({ type: 'click', name: 'a', key: 'k'.repeat(129) }))).toBe(40026);
    expect(await create(sub({ type: 'scancode_push', name: 'a', key: '键'.repeat(43) }))).toBe(40026);
    // urls: 1024 bytes, 40020 at the top level and 40027 in a sub-button
    expect(await create([{ type: 'view', name: 'a', url: url(1024) }])).toBe(0);
    expect(await create([{ type: 'view', name: 'a', url: url(1025) }])).toBe(40020);
    expect(await create([{ type: 'view', name: 'a', url: url(1022) + '页' }])).toBe(40020); // 1025 bytes, 1023 characters
    expect(await create(sub({ type: 'view', name: 'a', url: url(1024) }))).toBe(0);
    expect(await create(sub({ type: 'view', name: 'a', url: url(1025) }))).toBe(40027);
    expect(await create(sub({ type: 'miniprogram', name: 'a', url: url(1025), appid: 'wx0000000000000001', pagepath: 'pages/index' }))).toBe(40027);
    const bad = await as('oa', '/cgi-bin/menu/create', { button: sub({ type: 'view', name: 'a', url: url(1025) }) });
    expect(bad.errmsg).toMatch(/^invalid sub button url size/);
  });

  it('code: gettemplatelist (component token), commit → submit_audit → audit result push → release', async () => {
    const list = await call(sim.url, '/wxa/gettemplatelist', undefined, { access_token: ctoken });
    expect(list.template_list[0]).toMatchObject({ template_id: expect.any(Number), user_version: expect.any(String), template_type: expect.any(Number) });
    expect((await as('mp', '/wxa/submit_audit', { item_list: [] })).errcode).toBe(85086);
    expect((await as('mp', '/wxa/commit', { template_id: 999, ext_json: '{}', user_version: 'v1', user_desc: 'd' })).errcode).toBe(85014);
    expect((await as('mp', '/wxa/commit', { template_id: 1, ext_json: { a: 1 }, user_version: 'v1', user_desc: 'd' })).errcode).toBe(85013);
    expect((await as('mp', '/wxa/commit', { template_id: 1, ext_json: '{"extAppid":""}', user_version: 'v1.0.1', user_desc: '修复' })).errcode).toBe(0);
    expect((await as('oa', '/wxa/commit', { template_id: 1, ext_json: '{}', user_version: 'v1', user_desc: 'd' })).errcode).toBe(48001);
    expect((await as('mp', '/wxa/release', {})).errcode).toBe(85019);
    expect((await as('mp', '/wxa/submit_audit', { item_list: new Array(6).fill({ address: 'pages/index' }) })).errcode).toBe(85023);
    const sub = await as('mp', '/wxa/submit_audit', { item_list: [{ address: 'pages/index/index', tag: '工具', title: '首页' }] });
    expect(sub.auditid).toBeTypeOf('number');
    expect((await as('mp', '/wxa/submit_audit', { item_list: [{ address: 'x' }] })).errcode).toBe(85009);
    const latest = await as('mp', '/wxa/get_latest_auditstatus');
    expect(latest).toMatchObject({ errcode: 0, auditid: sub.auditid, status: 2, user_version: 'v1.0.1' });
    // The current doc table and WxJava name it `screenshot` (SKIT's older sample: `ScreenShot`).
    expect(latest).toHaveProperty('screenshot', '');
    expect(latest).not.toHaveProperty('ScreenShot');
    expect((await as('mp', '/wxa/release', {})).errcode).toBe(85020);
    await call(sim.url, '/__sim/audit', { appid: sim.seededAccount(1).appid, result: 'success' });
    expect((await as('mp', '/wxa/get_auditstatus', { auditid: sub.auditid })).status).toBe(0);
    // An auditid WeChat does not know: 85012 invalid audit id (85019 is release's "no audited version").
    const unknown = await as('mp', '/wxa/get_auditstatus', { auditid: 1 });
    expect(unknown.errcode).toBe(85012);
    expect(unknown.errmsg).toMatch(/^invalid audit id.*auditid 1.* rid: /);
    expect((await as('mp', '/wxa/release', {})).errcode).toBe(0);
    expect((await as('mp', '/wxa/release', {})).errcode).toBe(85052);
  });

  it('custom/send records the message; missing fields are refused; a component token is not accepted', async () => {
    // The user wrote first: custom/send is allowed within 48 h of that (the window: test/sim/custom-service.test.ts).
    await sim.sendUserMessage({ appid: sim.seededAccount(0).appid, openid: 'oUser', content: '你好' });
    const r = await as('oa', '/cgi-bin/message/custom/send', { touser: 'oUser', msgtype: 'text', text: { content: '您好' } });
    expect(r).toEqual({ errcode: 0, errmsg: 'ok' });
    const msgs = await call(sim.url, `/__sim/messages?appid=${sim.seededAccount(0).appid}`);
    expect(msgs.messages.at(-1)).toMatchObject({ touser: 'oUser', msgtype: 'text', content: '您好', tokenSource: 'refresh' });
    expect((await as('oa', '/cgi-bin/message/custom/send', { touser: 'oUser', msgtype: 'text', text: {} })).errcode).toBe(47001);
    expect((await as('oa', '/cgi-bin/message/custom/send', { msgtype: 'text', text: { content: 'x' } })).errcode).toBe(47001);
    const withComponent = await call(sim.url, '/cgi-bin/message/custom/send', { touser: 'o', msgtype: 'text', text: { content: 'x' } }, { access_token: ctoken });
    expect(withComponent.errcode).toBe(40001);
  });

  it('an authorizer token supersedes the previous one after the grace and expires after 7200 s', async () => {
    const a = sim.seededAccount(0);
    const fresh = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken }, { component_access_token: ctoken });
    sim.advanceClock(300);
    expect((await as('oa', '/cgi-bin/menu/delete')).errcode).toBe(40001);
    tokens.oa = fresh.authorizer_access_token;
    expect((await as('oa', '/cgi-bin/menu/delete')).errcode).toBe(0);
    sim.advanceClock(7200);
    expect((await as('oa', '/cgi-bin/menu/delete')).errcode).toBe(42001);
  });

  it('control endpoints refuse requests without X-Wxopen-Sim: 1 (a cross-site page cannot send it); WeChat paths do not need it', async () => {
    const before = sim.now();
    // What a hostile page can send cross-site: a form post (no custom headers) or a preflight.
    const form = await fetch(`${sim.url}/__sim/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'seconds=86400',
    });
    expect(form.status).toBe(403);
    expect(((await form.json()) as { error: string }).error).toMatch(/X-Wxopen-Sim: 1/);
    expect(form.headers.get('access-control-allow-origin')).toBeNull();
    const json = await fetch(`${sim.url}/__sim/clock/advance`, { method: 'POST', body: '{"seconds":86400}' });
    expect(json.status).toBe(403);
    const preflight = await fetch(`${sim.url}/__sim/reset`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-wxopen-sim' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${sim.url}/__sim/state`)).status).toBe(403);
    expect((await fetch(`${sim.url}/__sim/state`, { headers: { 'x-wxopen-sim': 'yes' } })).status).toBe(403);
    expect(sim.now() - before).toBeLessThan(60_000); // the clock did not move
    expect((await fetch(`${sim.url}/__sim/state`, { headers: SIM_CONTROL_HEADERS })).status).toBe(200);
    // The WeChat API and the authorization page are what real clients and browsers use: no header there.
    const api = await fetch(`${sim.url}/cgi-bin/menu/delete?access_token=unknown`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { errcode: number }).errcode).toBe(40014);
  });

  it('control endpoints report clear errors', async () => {
    const headers = SIM_CONTROL_HEADERS;
    const res = await fetch(`${sim.url}/__sim/clock/advance`, { method: 'POST', headers, body: '{"seconds":"soon"}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'seconds must be a number' });
    const unknown = await fetch(`${sim.url}/__sim/nope`, { headers });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${sim.url}/__sim/authorize`, { method: 'POST', headers, body: '{"appid":"wx0000000000000000"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('unknown account');
    const group = await fetch(`${sim.url}/__sim/release-check`, { method: 'POST', headers, body: '{"group":7}' });
    expect(group.status).toBe(400);
    expect(((await group.json()) as { error: string }).error).toBe('group must be 1..5 or "all"');
    const url = await fetch(`${sim.url}/__sim/config`, { method: 'POST', headers, body: '{"messageUrl":"ftp://x/$APPID$"}' });
    expect(url.status).toBe(400);
    expect(((await url.json()) as { error: string }).error).toContain('messageUrl must be an http(s) URL');
    const help = await call(sim.url, '/__sim/help');
    expect(help.endpoints.length).toBeGreaterThan(5);
  });
});
