import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_CONTROL_HEADERS, startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

describe('simulator: IP whitelist, quotas, faults', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 2, candidates: 0, ticketIntervalSeconds: 0 });
  });
  afterAll(() => sim.close());

  it('61004 with requestIP for component and authorizer calls; api_start_push_ticket and clear_quota/v2 are not checked', async () => {
    const token = await componentToken(sim);
    const refresh = sim.authorizer(sim.seededAccount(0).appid)!.refreshToken!;
    const at = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: sim.seededAccount(0).appid, authorizer_refresh_token: refresh }, { component_access_token: token });
    // Through HTTP control, as a test in another process would.
    const cfg = await call(sim.url, '/__sim/config', { allowIps: ['10.1.2.3'] });
    expect(cfg.allowIps).toEqual(['10.1.2.3']);
    const r = await call(sim.url, '/cgi-bin/component/api_component_token', { component_appid: sim.config.componentAppid, component_appsecret: sim.config.componentSecret, component_verify_ticket: sim.latestTicket() });
    expect(r.errcode).toBe(61004);
    expect(r.errmsg).toMatch(/^access clientip is not registered requestIP: 127\.0\.0\.1 rid: [0-9a-f-]{26}$/);
    expect((await call(sim.url, '/cgi-bin/menu/get', undefined, { access_token: at.authorizer_access_token })).errcode).toBe(61004);
    expect((await call(sim.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: sim.config.componentAppid, component_secret: sim.config.componentSecret })).errcode).toBe(0);
    expect((await call(sim.url, '/cgi-bin/component/clear_quota/v2', { component_appid: sim.config.componentAppid, appsecret: sim.config.componentSecret })).errcode).toBe(0);
    sim.setAllowIps(['127.0.0.1']);
    expect((await call(sim.url, '/cgi-bin/menu/get', undefined, { access_token: at.authorizer_access_token })).errcode).toBe(46003);
    sim.setAllowIps([]);
  });

  it('45009 once the daily quota is used up; quota/get reports it; quota/clear and clear_quota reset it; 48006 after 10 clears', async () => {
    const token = await componentToken(sim);
    const path = '/cgi-bin/component/api_create_preauthcode';
    sim.setQuota({ dailyQuota: { [path]: 2 } });
    const body = { component_appid: sim.config.componentAppid };
    expect((await call(sim.url, path, body, { access_token: token })).pre_auth_code).toBeTruthy();
    expect((await call(sim.url, path, body, { access_token: token })).pre_auth_code).toBeTruthy();
    const over = await call(sim.url, path, body, { access_token: token });
    expect(over.errcode).toBe(45009);
    const q = await call(sim.url, '/cgi-bin/openapi/quota/get', { cgi_path: path }, { access_token: token });
    expect(q.quota).toEqual({ daily_limit: 2, used: 2, remain: 0 });
    expect((await call(sim.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/nope' }, { access_token: token })).errcode).toBe(76021);
    expect((await call(sim.url, '/cgi-bin/openapi/quota/clear', { cgi_path: path }, { access_token: token })).errcode).toBe(0);
    expect((await call(sim.url, path, body, { access_token: token })).pre_auth_code).toBeTruthy();
    // clear_quota: at most 10 a month, shared with clear_quota/v2 (one was used by the previous test).
    for (let i = 0; i < 9; i++) {
      expect((await call(sim.url, '/cgi-bin/clear_quota', { appid: sim.config.componentAppid }, { access_token: token })).errcode).toBe(0);
    }
    const limit = await call(sim.url, '/cgi-bin/clear_quota', { appid: sim.config.componentAppid }, { access_token: token });
    expect(limit.errcode).toBe(48006);
    expect((await call(sim.url, '/cgi-bin/clear_quota', { appid: 'wx0000000000000000' }, { access_token: token })).errcode).toBe(40013);
  });

  it('minute quota gives 45011; the clock moving a minute on frees it', async () => {
    const token = await componentToken(sim);
    const path = '/wxa/gettemplatelist';
    sim.setQuota({ minuteQuota: { [path]: 1 } });
    expect((await call(sim.url, path, undefined, { access_token: token })).template_list.length).toBeGreaterThan(0);
    expect((await call(sim.url, path, undefined, { access_token: token })).errcode).toBe(45011);
    sim.advanceClock(60);
    const token2 = await componentToken(sim);
    expect((await call(sim.url, path, undefined, { access_token: token2 })).errcode).toBe(0);
  });

  it('fault injection: a share of -1 and 45009 answers on a chosen path, exactly that share', async () => {
    const token = await componentToken(sim);
    const path = '/cgi-bin/component/api_get_authorizer_list';
    await call(sim.url, '/__sim/faults', { rules: [{ path, systemErrorShare: 0.5 }] });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await call(sim.url, path, { component_appid: sim.config.componentAppid, offset: 0, count: 1 }, { access_token: token })).errcode ?? 0);
    expect(codes.filter((c) => c === -1)).toHaveLength(3);
    expect(codes.filter((c) => c === 0)).toHaveLength(3);
    sim.setFaults({ rules: [{ path: '*', quotaErrorShare: 1 }] });
    expect((await call(sim.url, path, { component_appid: sim.config.componentAppid }, { access_token: token })).errcode).toBe(45009);
    sim.setFaults({});
    const bad = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', headers: SIM_CONTROL_HEADERS, body: JSON.stringify({ rules: [{ path, systemErrorShare: 2 }] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('systemErrorShare');
  });
});

describe('simulator: 100,000 authorized accounts', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ accounts: 100_000, candidates: 5, ticketIntervalSeconds: 0, seed: 'paging' });
  });
  afterAll(() => sim.close());

  it('api_get_authorizer_list pages through all of them (count ≤ 500), half official accounts', async () => {
    const token = await componentToken(sim);
    const seen = new Set<string>();
    let total = -1;
    for (let offset = 0; ; offset += 500) {
      const r = await call(sim.url, '/cgi-bin/component/api_get_authorizer_list', { component_appid: sim.config.componentAppid, offset, count: 500 }, { access_token: token });
      total = r.total_count;
      for (const x of r.list) {
        expect(x.refresh_token).toMatch(/^refreshtoken@@@/);
        seen.add(x.authorizer_appid);
      }
      if (r.list.length < 500) break;
    }
    expect(total).toBe(100_000);
    expect(seen.size).toBe(100_000);
    const tooMany = await call(sim.url, '/cgi-bin/component/api_get_authorizer_list', { component_appid: sim.config.componentAppid, offset: 0, count: 501 }, { access_token: token });
    expect(tooMany.errcode).toBe(47001);
    expect(sim.seededAccount(99_998).kind).toBe('oa');
    expect(sim.seededAccount(99_999).kind).toBe('mp');
    const info = await call(sim.url, '/cgi-bin/component/api_get_authorizer_info', { component_appid: sim.config.componentAppid, authorizer_appid: sim.seededAccount(99_999).appid }, { access_token: token });
    expect(info.authorizer_info.MiniProgramInfo).toBeDefined();
  });

  it('is deterministic from the seed', async () => {
    const other = await startSimulator({ accounts: 3, candidates: 0, ticketIntervalSeconds: 0, seed: 'paging' });
    try {
      const { headImg: _a, qrcodeUrl: _b, ...mine } = sim.seededAccount(2);
      const { headImg: _c, qrcodeUrl: _d, ...theirs } = other.seededAccount(2);
      expect(theirs).toEqual(mine);
      expect(other.seededAccount(2).headImg.startsWith(other.url)).toBe(true);
      expect(other.authorizer(sim.seededAccount(2).appid)!.refreshToken).toBe(sim.authorizer(sim.seededAccount(2).appid)!.refreshToken);
      expect(sim.seededAccount(0).nickName).toMatch(/[\u4e00-\u9fff]/);
    } finally {
      await other.close();
    }
  });
});
