/**
 * The mini-program code lifecycle in the simulator over HTTP: the template library, commit's ext_json rules,
 * submit's item_list rules, audit steering (decide, deadline by the clock), 85009, 85085 and queryquota, 61039, undo
 * limits, speed-up, release / rollback / gray release with their errcodes, and the control endpoints' errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERRCODES } from '../../src/shared/errcodes';
import { repoRoot } from '../helpers/paths';
import { startSimulator, type Simulator } from '../../src/sim';
import { call, componentToken } from './helpers';

describe('simulator: mini-program code, audit and release', () => {
  let sim: Simulator;
  let ctoken: string;
  let mp = '';
  let oa = '';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimulator({ accounts: 4, candidates: 0, ticketIntervalSeconds: 0 });
  });
  afterAll(() => sim.close());
  // Each case starts from a fresh simulator state (reset forgets tokens too, so they are fetched again).
  beforeEach(async () => {
    sim.reset();
    sim.setAuditSettings({ auditSeconds: 86_400, quotaLimit: 10_000, speedupLimit: 10 });
    await freshTokens();
    oa = sim.seededAccount(0).appid;
    mp = sim.seededAccount(1).appid;
  });
  /** Tokens live 7200 s of simulator time: after moving the clock a day, get new ones. */
  async function freshTokens() {
    await sim.pushTicket();
    ctoken = await componentToken(sim);
    for (const i of [0, 1, 3]) {
      const a = sim.seededAccount(i);
      const r = await call(sim.url, '/cgi-bin/component/api_authorizer_token', { component_appid: sim.config.componentAppid, authorizer_appid: a.appid, authorizer_refresh_token: sim.authorizer(a.appid)!.refreshToken }, { component_access_token: ctoken });
      tokens[a.appid] = r.authorizer_access_token;
    }
  }

  const as = (appid: string, path: string, body?: unknown, query: Record<string, string> = {}) => call(sim.url, path, body, { ...query, access_token: tokens[appid]! });
  const control = (path: string, body?: unknown) => call(sim.url, path, body);
  const commit = (appid = mp, extra: Record<string, unknown> = {}) => as(appid, '/wxa/commit', { template_id: 1, ext_json: '{"extAppid":"x"}', user_version: '1.0.0', user_desc: 'first', ...extra });
  const item = { address: 'pages/index/index', tag: '工具', first_class: '工具', second_class: '效率', first_id: 287, second_id: 612, title: '首页' };
  const submit = (appid = mp, items: unknown = [item]) => as(appid, '/wxa/submit_audit', { item_list: items });

  it('template library: drafts → templates (normal, standard), list by type, delete; 85064 for unknown ids', async () => {
    const lib = (path: string, body?: unknown, q: Record<string, string> = {}) => call(sim.url, path, body, { ...q, access_token: ctoken });
    const drafts = (await lib('/wxa/gettemplatedraftlist')).draft_list;
    expect(drafts.map((d: { draft_id: number }) => d.draft_id)).toEqual([11, 12]);
    expect((await lib('/wxa/addtotemplate', { draft_id: 12, template_type: 1 })).errcode).toBe(0);
    expect((await lib('/wxa/addtotemplate', { draft_id: 99 })).errcode).toBe(85064);
    const standard = (await lib('/wxa/gettemplatelist', undefined, { template_type: '1' })).template_list;
    expect(standard.map((t: { user_version: string }) => t.user_version)).toEqual(['v2.0.0', 'v2.2.0']);
    const added = standard.at(-1);
    expect(added).toMatchObject({ template_id: 4, template_type: 1, user_desc: '修复支付 payment fix' });
    expect(added.draft_id).toBeUndefined();
    expect((await lib('/wxa/deletetemplate', { template_id: 4 })).errcode).toBe(0);
    expect((await lib('/wxa/deletetemplate', { template_id: 4 })).errcode).toBe(85064);
    // An authorizer token is not the platform's.
    expect((await as(mp, '/wxa/gettemplatedraftlist')).errcode).not.toBe(0);
  });

  it('commit: ext_json must be a string that parses as a JSON object (85013); unknown template 85014; long user_version 85015', async () => {
    for (const ext_json of [{ a: 1 }, '{"a":', '[1,2]', '"text"', '42', 'null']) {
      const r = await commit(mp, { ext_json });
      expect(r.errcode, JSON.stringify(ext_json)).toBe(85013);
    }
    expect((await commit(mp, { ext_json: '{"a":' })).errmsg).toMatch(/not valid JSON/);
    expect((await commit(mp, { ext_json: '[1,2]' })).errmsg).toMatch(/JSON object/);
    expect((await commit(mp, { template_id: 77 })).errcode).toBe(85014);
    expect((await commit(mp, { user_version: 'v'.repeat(65) })).errcode).toBe(85015);
    expect((await commit(mp, { user_version: 'v'.repeat(64) })).errcode).toBe(0);
    expect((await commit(oa)).errcode).toBe(48001);
    expect((await as(mp, '/wxa/get_page')).page_list).toEqual(['pages/index/index', 'pages/detail/detail', 'pages/mine/mine']);
    expect((await as(mp, '/wxa/get_category')).category_list).toEqual([{ first_class: '工具', second_class: '效率', first_id: 287, second_id: 612 }]);
  });

  it('submit_audit: 1–5 items (85023), objects (85010), committed pages (85007), approved categories (85008)', async () => {
    await commit();
    expect((await submit(mp, [])).errcode).toBe(85023);
    expect((await submit(mp, new Array(6).fill(item))).errcode).toBe(85023);
    expect((await submit(mp, [item, 'x'])).errcode).toBe(85010);
    expect((await submit(mp, [{ ...item, address: 'pages/none/none' }])).errcode).toBe(85007);
    expect((await submit(mp, [{ ...item, second_id: 1 }])).errcode).toBe(85008);
    expect((await submit(mp, new Array(5).fill(item))).auditid).toBeTypeOf('number');
  });

  it('an audit stays in progress until decided: reject with reason and screenshots, then approve; pushes each result', async () => {
    await commit();
    const { auditid } = await submit();
    expect((await as(mp, '/wxa/get_auditstatus', { auditid })).status).toBe(2);
    expect((await submit()).errcode).toBe(85009);
    const failed = await control('/__sim/audit', { appid: mp, result: 'fail', reason: '页面内容空白<br>请补充', screenshots: ['shot1', 'shot2'] });
    expect(failed.type).toBe('event/weapp_audit_fail');
    expect(await as(mp, '/wxa/get_auditstatus', { auditid })).toMatchObject({ errcode: 0, status: 1, reason: '页面内容空白<br>请补充', screenshot: 'shot1|shot2' });
    expect(await as(mp, '/wxa/get_latest_auditstatus')).toMatchObject({ auditid, status: 1, screenshot: 'shot1|shot2', user_version: '1.0.0' });
    // Deciding it again, or an account with nothing in progress, is a clear 400.
    const again = await control('/__sim/audit', { appid: mp, result: 'success' });
    expect(again.error).toMatch(/no audit in progress/);
    expect((await control('/__sim/audit', { appid: mp, result: 'success', auditid })).error).toMatch(/already decided \(status 1\)/);
    const second = (await submit()).auditid;
    expect((await control('/__sim/audit', { appid: mp, result: 'delay', reason: '需要更多时间' })).type).toBe('event/weapp_audit_delay');
    expect((await as(mp, '/wxa/get_auditstatus', { auditid: second })).status).toBe(4);
    expect((await submit()).errcode).toBe(85009);
    await control('/__sim/audit', { appid: mp, result: 'success' });
    expect((await as(mp, '/wxa/get_auditstatus', { auditid: second })).status).toBe(0);
    expect((await as(mp, '/wxa/get_auditstatus', { auditid: 1 })).errcode).toBe(85012);
  });

  it('the clock approves an audit at its deadline (auditSeconds) and pushes weapp_audit_success', async () => {
    sim.setAuditSettings({ auditSeconds: 3600 });
    await commit();
    const { auditid } = await submit();
    sim.advanceClock(3599);
    expect((await as(mp, '/wxa/get_auditstatus', { auditid })).status).toBe(2);
    await control('/__sim/clock/advance', { seconds: 1 });
    expect((await as(mp, '/wxa/get_auditstatus', { auditid })).status).toBe(0);
    await expect.poll(() => sim.getPushes({ appid: mp }).filter((p) => p.type === 'event/weapp_audit_success').length).toBe(1);
    // null: only a test decides.
    sim.setAuditSettings({ auditSeconds: null });
    await as(mp, '/wxa/release', {});
    await commit(mp, { user_version: '1.0.1' });
    const next = (await submit()).auditid;
    sim.advanceClock(10 * 86_400);
    await freshTokens();
    expect((await as(mp, '/wxa/get_auditstatus', { auditid: next })).status).toBe(2);
  });

  it('queryquota counts the platform-wide monthly audits; 85085 once used up, again next month', async () => {
    const other = sim.seededAccount(3).appid;
    sim.setAuditSettings({ quotaLimit: 2, speedupLimit: 1 });
    expect(await as(mp, '/wxa/queryquota')).toMatchObject({ rest: 2, limit: 2, speedup_rest: 1, speedup_limit: 1 });
    await commit(mp);
    await commit(other);
    const a = (await submit(mp)).auditid;
    await control('/__sim/audit', { appid: mp, result: 'fail' });
    await submit(other);
    expect((await as(other, '/wxa/queryquota')).rest).toBe(0);
    const refused = await submit(mp);
    expect(refused.errcode).toBe(85085);
    expect(refused.errmsg).toMatch(/2 of 2 audits used this month/);
    expect((await as(mp, '/wxa/speedupaudit', { auditid: a })).errcode).toBe(89402);
    sim.advanceClock(32 * 86_400);
    await freshTokens();
    expect((await as(mp, '/wxa/queryquota')).rest).toBe(2);
  });

  it('speed-up: once per audit (89404), within the monthly speed-up quota (89405); it shortens the wait', async () => {
    sim.setAuditSettings({ auditSeconds: 1000, speedupLimit: 1 });
    await commit();
    const { auditid } = await submit();
    expect((await as(mp, '/wxa/speedupaudit', { auditid })).errcode).toBe(0);
    expect((await as(mp, '/wxa/speedupaudit', { auditid })).errcode).toBe(89404);
    expect((await as(mp, '/wxa/queryquota')).speedup_rest).toBe(0);
    sim.advanceClock(100);
    expect((await as(mp, '/wxa/get_auditstatus', { auditid })).status).toBe(0);
    const next = (await submit()).auditid;
    expect((await as(mp, '/wxa/speedupaudit', { auditid: next })).errcode).toBe(89405);
  });

  it('61039 while the privacy scan runs (control setting); submit works once it is done', async () => {
    await commit();
    expect((await control('/__sim/privacy-scan', { appid: mp, scanning: true })).ok).toBe(true);
    expect((await submit()).errcode).toBe(61039);
    await control('/__sim/privacy-scan', { appid: mp, scanning: false });
    expect((await submit()).auditid).toBeTypeOf('number');
  });

  it('undocodeaudit: withdraws the audit in progress (status 3); 87012 with none; 5 a day and 10 a month (87013)', async () => {
    sim.setAuditSettings({ auditSeconds: null });
    await commit();
    expect((await as(mp, '/wxa/undocodeaudit')).errcode).toBe(87012);
    const undoOnce = async () => {
      const { auditid } = await submit();
      expect((await as(mp, '/wxa/undocodeaudit')).errcode).toBe(0);
      expect((await as(mp, '/wxa/get_auditstatus', { auditid })).status).toBe(3);
    };
    for (let i = 0; i < 5; i++) await undoOnce();
    await submit();
    const sixth = await as(mp, '/wxa/undocodeaudit');
    expect(sixth.errcode).toBe(87013);
    expect(sixth.errmsg).toMatch(/5 of 5 today/);
    // The next (Beijing) day allows five more, but the month stops at ten (unless the month turned meanwhile).
    const day = new Date(sim.now() + 8 * 3600_000).getUTCDate();
    if (day >= 28) return; // the month would turn within the next days; the day limit was shown
    sim.advanceClock(86_400);
    await freshTokens();
    expect((await as(mp, '/wxa/undocodeaudit')).errcode).toBe(0);
    for (let i = 0; i < 4; i++) await undoOnce();
    await submit();
    expect((await as(mp, '/wxa/undocodeaudit')).errmsg).toMatch(/10 of 10 this month/);
  });

  it('release only an approved audit (85019, 85020, 85052); rollback (87012, history); gray release (85079-85082, 87011)', async () => {
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(85019);
    const ship = async (version: string) => {
      await commit(mp, { user_version: version });
      await submit();
      await control('/__sim/audit', { appid: mp, result: 'success' });
    };
    await commit(mp, { user_version: '1.0.0' });
    await submit();
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(85020);
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 10 })).errcode).toBe(85079);
    await control('/__sim/audit', { appid: mp, result: 'success' });
    expect((await as(mp, '/wxa/revertcoderelease')).errcode).toBe(87012);
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(0);
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(85052);
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 10 })).errcode).toBe(85080);
    await ship('1.1.0');
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(0);
    expect((await as(mp, '/wxa/getversioninfo', {})).release_info).toMatchObject({ release_version: '1.1.0' });
    const history = (await as(mp, '/wxa/revertcoderelease', undefined, { action: 'get_history_version' })).version_list;
    expect(history.map((v: { user_version: string }) => v.user_version)).toEqual(['1.0.0']);
    expect((await as(mp, '/wxa/revertcoderelease', undefined, { app_version: '999' })).errcode).toBe(87012);
    expect((await as(mp, '/wxa/revertcoderelease', undefined, { app_version: String(history[0].app_version) })).errcode).toBe(0);
    expect((await as(mp, '/wxa/getversioninfo', {})).release_info).toMatchObject({ release_version: '1.0.0' });
    // Gray: a plan for the approved 1.2.0, only upwards, no rollback while it runs; revert; then release to all.
    await ship('1.2.0');
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 0 })).errcode).toBe(85081);
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 20, support_experiencer_first: true })).errcode).toBe(0);
    expect((await as(mp, '/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 1, gray_percentage: 20, support_experiencer_first: true });
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 20 })).errcode).toBe(85082);
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 50 })).errcode).toBe(0);
    expect((await as(mp, '/wxa/revertcoderelease')).errcode).toBe(87011);
    expect((await as(mp, '/wxa/revertgrayrelease')).errcode).toBe(0);
    expect((await as(mp, '/wxa/getgrayreleaseplan')).gray_release_plan.status).toBe(4);
    expect((await as(mp, '/wxa/grayrelease', { gray_percentage: 5 })).errcode).toBe(0);
    expect((await as(mp, '/wxa/release', {})).errcode).toBe(0);
    expect((await as(mp, '/wxa/getgrayreleaseplan')).gray_release_plan.status).toBe(3);
    expect(await as(mp, '/wxa/getversioninfo', {})).toMatchObject({ exp_info: { exp_version: '1.2.0' }, release_info: { release_version: '1.2.0' } });
  });

  it('control endpoints refuse bad input with clear errors', async () => {
    const err = async (path: string, body: unknown) => (await control(path, body)).error as string;
    expect(await err('/__sim/audit', { appid: mp, result: 'maybe' })).toMatch(/result must be/);
    expect(await err('/__sim/audit', { result: 'success' })).toMatch(/appid is required/);
    expect(await err('/__sim/audit', { appid: oa, result: 'success' })).toMatch(/not a known mini program/);
    expect(await err('/__sim/audit', { appid: mp, result: 'fail', screenshots: 'a|b' })).toMatch(/screenshots must be a list/);
    await commit();
    await submit();
    expect(await err('/__sim/audit', { appid: mp, result: 'fail', screenshots: ['a|b'] })).toMatch(/without "\|"/);
    expect(await err('/__sim/audit', { appid: mp, result: 'success', screenshots: ['a'] })).toMatch(/only with result "fail"/);
    expect(await err('/__sim/audit-settings', { auditSeconds: -1 })).toMatch(/auditSeconds must be an integer ≥ 0/);
    expect(await err('/__sim/audit-settings', { quotaLimit: 'lots' })).toMatch(/quotaLimit must be an integer/);
    expect(await err('/__sim/audit-settings', { auditTime: 5 })).toMatch(/unknown setting auditTime/);
    expect(await err('/__sim/privacy-scan', { appid: mp, scanning: 'yes' })).toMatch(/scanning must be true or false/);
    expect((await control('/__sim/audit-settings', { auditSeconds: 60, quotaLimit: 3 })).quotaLimit).toBe(3);
    expect((await control(`/__sim/mini-program/${mp}`)).audits).toHaveLength(1);
    expect((await control(`/__sim/mini-program/${oa}`)).kind).toBe('oa');
  });

  it('every errcode the mini-program families answer is explained in zh and en (src/shared/errcodes.ts)', () => {
    const dir = join(repoRoot, 'src/sim/apis/mp');
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const codes = new Set(sources.flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/new ApiError\((\d+)/g)].map((m) => Number(m[1]))));
    expect(codes.size).toBeGreaterThan(25);
    expect([...codes].filter((c) => !ERRCODES[c]?.zh || !ERRCODES[c]?.en)).toEqual([]);
  });
});
