import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

const RID_RE = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe('simulator: component token and ticket', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 2, ticketIntervalSeconds: 0 });
  });
  afterAll(() => sim.close());

  const tokenBody = (over: Record<string, unknown> = {}) => ({
    component_appid: sim.config.componentAppid,
    component_appsecret: sim.config.componentSecret,
    component_verify_ticket: sim.latestTicket(),
    ...over,
  });

  it('issues a ticket at start (even with no auth-event URL) and a token for it with expires_in 7200', async () => {
    expect(sim.latestTicket()).toMatch(/^ticket@@@/);
    const r = await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody());
    expect(r.expires_in).toBe(7200);
    expect(typeof r.component_access_token).toBe('string');
  });

  it('refuses a wrong secret (40125), an unknown ticket (61006), missing fields (41002/41004) and bad JSON (47001), with a rid', async () => {
    const bad = await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody({ component_appsecret: 'nope' }));
    expect(bad.errcode).toBe(40125);
    expect(bad.errmsg).toMatch(RID_RE);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody({ component_verify_ticket: 'ticket@@@forged' }))).errcode).toBe(61006);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody({ component_appid: undefined }))).errcode).toBe(41002);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody({ component_appsecret: undefined }))).errcode).toBe(41004);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', undefined, {}, '{"component_appid":')).errcode).toBe(47001);
  });

  it('remembers every rid for /cgi-bin/openapi/rid/get', async () => {
    const token = await componentToken(sim);
    const bad = await call(sim.url, '/cgi-bin/component/api_query_auth', { component_appid: sim.config.componentAppid, authorization_code: 'x' }, { component_access_token: token });
    expect(bad.errcode).toBe(40029);
    const rid = /rid: (\S+)$/.exec(bad.errmsg)![1]!;
    const r = await call(sim.url, '/cgi-bin/openapi/rid/get', { rid }, { access_token: token });
    expect(r.errcode).toBe(0);
    expect(r.request.request_url).toContain('/cgi-bin/component/api_query_auth');
    expect(r.request.request_url).not.toContain(token);
    expect(JSON.parse(r.request.response_body).errcode).toBe(40029);
    expect((await call(sim.url, '/cgi-bin/openapi/rid/get', { rid: '00000000-00000000-00000000' }, { access_token: token })).errcode).toBe(76001);
    // Secrets sent in a body never come back through rid/get.
    const bad2 = await call(sim.url, '/cgi-bin/component/api_component_token', { component_appid: sim.config.componentAppid, component_appsecret: 'my-wrong-secret', component_verify_ticket: 'x' });
    const rid2 = /rid: (\S+)$/.exec(bad2.errmsg)![1]!;
    const shown = await call(sim.url, '/cgi-bin/openapi/rid/get', { rid: rid2 }, { access_token: token });
    expect(shown.request.request_body).toContain('"component_appsecret":"***"');
    expect(shown.request.request_body).not.toContain('my-wrong-secret');
  });

  it('accepts component_access_token= and access_token=; unknown → 40014, missing → 41001', async () => {
    const token = await componentToken(sim);
    const body = { component_appid: sim.config.componentAppid };
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { component_access_token: token })).expires_in).toBe(600);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: token })).pre_auth_code).toMatch(/^preauthcode@@@/);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: 'garbage' })).errcode).toBe(40014);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body)).errcode).toBe(41001);
  });

  it('a new token supersedes the old one after the grace period (40001), and tokens expire after 7200 s (42001)', async () => {
    const body = { component_appid: sim.config.componentAppid };
    const first = await componentToken(sim);
    const second = await componentToken(sim);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: first })).errcode).toBeUndefined();
    sim.advanceClock(301);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: first })).errcode).toBe(40001);
    expect((await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: second })).errcode).toBeUndefined();
    sim.advanceClock(7200);
    const expired = await call(sim.url, '/cgi-bin/component/api_create_preauthcode', body, { access_token: second });
    expect(expired.errcode).toBe(42001);
    expect(expired.errmsg).toMatch(/^access_token expired rid: /);
  });

  it('a ticket older than 12 h is stale (61005) until a new one is pushed; api_start_push_ticket pushes one', async () => {
    const old = sim.latestTicket();
    sim.advanceClock(12 * 3600);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody({ component_verify_ticket: old }))).errcode).toBe(61005);
    const start = await call(sim.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: sim.config.componentAppid, component_secret: 'wrong' });
    expect(start.errcode).toBe(40125);
    const ok = await call(sim.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: sim.config.componentAppid, component_secret: sim.config.componentSecret });
    expect(ok).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(sim.latestTicket()).not.toBe(old);
    expect((await call(sim.url, '/cgi-bin/component/api_component_token', tokenBody())).expires_in).toBe(7200);
  });

  it('answers an unknown path with errcode 40066', async () => {
    const r = await call(sim.url, '/cgi-bin/component/no_such_api', {});
    expect(r.errcode).toBe(40066);
  });
});
