import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field } from '../../src/wechat/xml';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken, cryptFor, infoType, startReceiver, type Receiver } from './helpers';

describe('simulator: authorization page, codes and refresh tokens', () => {
  let sim: Simulator;
  let receiver: Receiver;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 3, ticketIntervalSeconds: 0, pushRetryDelayMs: 10 });
    receiver = await startReceiver(cryptFor(sim));
    sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
    await sim.pushTicket();
    token = await componentToken(sim);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  const component = (path: string, body: Record<string, unknown>) =>
    call(sim.url, `/cgi-bin/component/${path}`, { component_appid: sim.config.componentAppid, ...body }, { component_access_token: token });

  async function preAuthCode(): Promise<string> {
    return (await component('api_create_preauthcode', {})).pre_auth_code as string;
  }
  function pageUrl(code: string, extra: Record<string, string> = {}, path = '/cgi-bin/componentloginpage'): string {
    const u = new URL(path, sim.url);
    u.search = new URLSearchParams({ component_appid: sim.config.componentAppid, pre_auth_code: code, redirect_uri: 'https://relay.example.com/authorized?link=abc', ...extra }).toString();
    return u.toString();
  }
  /** Submit the approve form the page rendered for `appid`, exactly as a browser would. */
  async function approve(html: string, appid: string): Promise<Response> {
    const form = new RegExp(`<form class="acct" method="post" action="([^"]+)" data-appid="${appid}">([\\s\\S]*?)</form>`).exec(html);
    expect(form, `the page offers ${appid}`).not.toBeNull();
    const fields = new URLSearchParams();
    for (const m of form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    return fetch(new URL(form![1]!, sim.url), { method: 'POST', body: fields, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  it('the page lists candidates (Chinese first), approval redirects with auth_code & expires_in=600 and pushes `authorized`', async () => {
    const code = await preAuthCode();
    const page = await fetch(pageUrl(code));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('授权');
    const candidate = sim.candidateProfiles()[0]!;
    expect(html).toContain(candidate.nickName);

    const res = await approve(html, candidate.appid);
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe('https://relay.example.com/authorized');
    expect(loc.searchParams.get('link')).toBe('abc');
    expect(loc.searchParams.get('expires_in')).toBe('600');
    const authCode = loc.searchParams.get('auth_code')!;
    expect(authCode).toMatch(/^queryauthcode@@@/);

    const push = await receiver.waitFor((p) => field(p.inner, 'AuthorizerAppid') === candidate.appid);
    expect(push.path).toBe('/wechat/component');
    expect(push.query.get('encrypt_type')).toBe('aes');
    expect(field(push.outer, 'AppId')).toBe(sim.config.componentAppid);
    expect(field(push.inner, 'InfoType')).toBe('authorized');
    expect(field(push.inner, 'AuthorizationCode')).toBe(authCode);
    expect(field(push.inner, 'PreAuthCode')).toBe(code);
    const created = Number(field(push.inner, 'CreateTime'));
    expect(Number(field(push.inner, 'AuthorizationCodeExpiredTime')) - created).toBeGreaterThanOrEqual(3599);

    const q = await component('api_query_auth', { authorization_code: authCode });
    const info = q.authorization_info;
    expect(info.authorizer_appid).toBe(candidate.appid);
    expect(info.expires_in).toBe(7200);
    expect(info.authorizer_refresh_token).toMatch(/^refreshtoken@@@/);
    expect(info.func_info[0].funcscope_category.id).toBeTypeOf('number');
    // Single use.
    const again = await component('api_query_auth', { authorization_code: authCode });
    expect(again.errcode).toBe(40029);
    expect(again.errmsg).toContain('already been used');
    // The pre-auth code is single-use too.
    const reused = await fetch(pageUrl(code));
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('already been used');
  });

  it('shows an error page for an unknown or expired pre_auth_code, and filters by auth_type / biz_appid', async () => {
    const unknown = await fetch(pageUrl('preauthcode@@@nope'));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('预授权码无效');

    const code = await preAuthCode();
    const mpOnly = await (await fetch(pageUrl(code, { auth_type: '2' }))).text();
    const oa = sim.candidateProfiles().find((p) => p.kind === 'oa')!;
    const mp = sim.candidateProfiles().find((p) => p.kind === 'mp')!;
    expect(mpOnly).toContain(mp.appid);
    expect(mpOnly).not.toContain(`data-appid="${oa.appid}"`);
    const biz = await (await fetch(pageUrl(code, { auth_type: '2', biz_appid: oa.appid }, '/wxaopen/safe/bindcomponent'))).text();
    expect(biz).toContain(`data-appid="${oa.appid}"`);
    expect(biz).not.toContain(`data-appid="${mp.appid}"`);

    sim.advanceClock(601);
    const expired = await fetch(pageUrl(code));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');
  });

  it('an auth code expires (40029) and unknown codes are refused', async () => {
    const { authCode } = sim.authorize(sim.candidateProfiles()[2]!.appid, { push: false });
    sim.advanceClock(3601);
    token = await componentToken(sim);
    const r = await component('api_query_auth', { authorization_code: authCode });
    expect(r.errcode).toBe(40029);
    expect(r.errmsg).toContain('expired');
  });

  it('re-authorization pushes `updateauthorized` and makes the old refresh token give 61023', async () => {
    const appid = sim.seededAccount(0).appid;
    const oldRefresh = sim.authorizer(appid)!.refreshToken!;
    const ok = await component('api_authorizer_token', { authorizer_appid: appid, authorizer_refresh_token: oldRefresh });
    expect(ok.expires_in).toBe(7200);
    expect(ok.authorizer_refresh_token).toBe(oldRefresh);

    const code = await preAuthCode();
    const html = await (await fetch(pageUrl(code, {}, '/safe/bindcomponent'))).text();
    expect(html).toContain('already authorized');
    expect((await approve(html, appid)).status).toBe(302);
    const push = await receiver.waitFor((p) => infoType('updateauthorized')(p) && field(p.inner, 'AuthorizerAppid') === appid);
    const q = await component('api_query_auth', { authorization_code: field(push.inner, 'AuthorizationCode') });
    expect(q.authorization_info.authorizer_refresh_token).not.toBe(oldRefresh);
    const stale = await component('api_authorizer_token', { authorizer_appid: appid, authorizer_refresh_token: oldRefresh });
    expect(stale.errcode).toBe(61023);
    // Wrong appid for a valid refresh token: 61023 too.
    const wrong = await component('api_authorizer_token', { authorizer_appid: sim.seededAccount(1).appid, authorizer_refresh_token: q.authorization_info.authorizer_refresh_token });
    expect(wrong.errcode).toBe(61023);
  });

  it('revocation pushes `unauthorized`; then refresh → 61023, info → 61003, the authorizer token → 40001', async () => {
    const appid = sim.seededAccount(3).appid;
    const refresh = sim.authorizer(appid)!.refreshToken!;
    const t = await component('api_authorizer_token', { authorizer_appid: appid, authorizer_refresh_token: refresh });
    const before = await call(sim.url, '/cgi-bin/component/get_authorizer_option', { option_name: 'voice_recognize' }, { access_token: t.authorizer_access_token });
    expect(before.option_value).toBe('0');
    const { push } = sim.unauthorize(appid);
    const rec = await push;
    expect(rec.outcome).toBe('success');
    const got = await receiver.waitFor((p) => infoType('unauthorized')(p) && field(p.inner, 'AuthorizerAppid') === appid);
    expect(field(got.inner, 'AuthorizationCode')).toBeUndefined();
    expect((await component('api_authorizer_token', { authorizer_appid: appid, authorizer_refresh_token: refresh })).errcode).toBe(61023);
    expect((await component('api_get_authorizer_info', { authorizer_appid: appid })).errcode).toBe(61003);
    const after = await call(sim.url, '/cgi-bin/component/get_authorizer_option', { option_name: 'voice_recognize' }, { access_token: t.authorizer_access_token });
    expect(after.errcode).toBe(40001);
  });

  it('api_get_authorizer_info has MiniProgramInfo (CamelCase) only for mini programs', async () => {
    const oa = await component('api_get_authorizer_info', { authorizer_appid: sim.seededAccount(0).appid });
    const mp = await component('api_get_authorizer_info', { authorizer_appid: sim.seededAccount(1).appid });
    expect(oa.authorizer_info.MiniProgramInfo).toBeUndefined();
    expect(oa.authorizer_info.user_name).toMatch(/^gh_/);
    expect(oa.authorizer_info.service_type_info.id).toBeTypeOf('number');
    expect(mp.authorizer_info.MiniProgramInfo.network.RequestDomain).toBeInstanceOf(Array);
    expect(mp.authorization_info.authorizer_appid).toBe(sim.seededAccount(1).appid);
    expect(mp.authorization_info.authorizer_refresh_token).toMatch(/^refreshtoken@@@/);
  });

  it('legacy and new authorizer options round-trip and reject bad names/values', async () => {
    const appid = sim.seededAccount(1).appid;
    expect((await component('api_set_authorizer_option', { authorizer_appid: appid, option_name: 'location_report', option_value: '1' })).errcode).toBe(0);
    const g = await component('api_get_authorizer_option', { authorizer_appid: appid, option_name: 'location_report' });
    expect(g).toMatchObject({ authorizer_appid: appid, option_name: 'location_report', option_value: '1' });
    expect((await component('api_set_authorizer_option', { authorizer_appid: appid, option_name: 'location_report', option_value: '7' })).errcode).toBe(40097);
    expect((await component('api_get_authorizer_option', { authorizer_appid: appid, option_name: 'nope' })).errcode).toBe(40097);
  });
});
