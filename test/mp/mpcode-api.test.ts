/**
 * mpcode/* through the router against the real engine, relay and simulator: the template library (draft → standard
 * template, delete, which mini programs run which template version); commit with ext_json (invalid JSON refused with
 * line and column, nothing sent), versions, the trial QR as a JPEG data URL, submit built from the options with the
 * `mpcode:audit` event, approved by the simulator's push, release, gray 10 % then higher (lower refused before the
 * call), rollback to a chosen history version; undo counted against 5 a day; WeChat's refusals (85009, 61039, 87013,
 * 85085) explained; an official account and an unknown appid refused; bad input refused before any call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CodeDraftView, CodeTemplateView, HistoryVersionView, MpAuditRecord, MpAuditsView, MpVersions, SubmitCategoryView } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx4646575768687979';
const EXT = (appid: string) => JSON.stringify({ extAppid: appid, ext: { shop: 'demo' } }, null, 2);

describe('mpcode/* through the router', () => {
  let stack: Stack;
  let router: Router;
  let oa = '';
  let mps: string[] = [];

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'mpcode-api-secret-0123456789abcdef', token: 'mpCodeApiToken', aesKey: 'MpCoDeApIkEy0123456789abcdefghijklmnopqrstu', deskKey: 'desk-key-for-the-mpcode-api-test-012345' },
      sim: { accounts: 8 },
    }));
    router = trustedRouter(host);
    oa = stack.sim.seededAccount(0).appid;
    mps = [1, 3, 5, 7].map((i) => stack.sim.seededAccount(i).appid);
  }, 60_000);

  afterAll(async () => {
    stack?.sim.setFaults({});
    await stack?.close();
  });
  beforeEach(() => {
    stack.sim.setFaults({});
    stack.sim.setAuditSettings({ auditSeconds: null, quotaLimit: 10_000, speedupLimit: 10 });
  });

  const { ok, fail } = routerCalls(() => router);
  const wxCalls = () => stack.sim.getCalls().filter((c) => c.path.startsWith('/wxa/')).length;
  const commit = (appid: string, userVersion: string, templateId = 1) => ok<MpVersions>('mpcode/commit', { appid, templateId, userVersion, userDesc: `版本 ${userVersion}`, ext: EXT(appid) });
  const submit = (appid: string) => ok<MpAuditRecord>('mpcode/submit', { appid, items: [{ address: 'pages/index/index', title: '首页', category: 0 }] });
  const approve = async (appid: string, auditid: number) => {
    // Event pushes are deduplicated by FromUserName + CreateTime (seconds): a second decision needs a later second.
    stack.sim.advanceClock(2);
    await stack.sim.decideAudit(appid, { result: 'success' });
    await until('the push decides the audit', () => stack.store.mpAudits.get(APPID, appid, auditid)?.state === 'approved');
  };

  it('an official account and an unknown appid are refused before any call, in both languages', async () => {
    const before = wxCalls();
    const official = await fail('mpcode/versions', { appid: oa });
    expect(official.code).toBe('invalid_arguments');
    expect(official.message).toMatch(/is an official account; code, audit and release belong to mini programs/);
    expect(official.messageZh).toMatch(/是公众号；代码、审核与发布只属于小程序/);
    expect((await fail('mpcode/commit', { appid: oa, templateId: 1, userVersion: '1', userDesc: 'd', ext: '{}' })).code).toBe('invalid_arguments');
    const unknown = await fail('mpcode/release', { appid: 'wx00000000000000ff' });
    expect(unknown.code).toBe('not_found');
    expect(unknown.messageZh).toMatch(/本平台没有授权账号/);
    expect(wxCalls()).toBe(before);
  });

  it('bad input is refused before any call: ext_json with line and column, items 0 or 6, gray outside 1–100', async () => {
    const mp = mps[3]!;
    const before = wxCalls();
    const broken = await fail('mpcode/commit', { appid: mp, templateId: 1, userVersion: '1.0.0', userDesc: 'd', ext: '{\n  "extAppid": "x",\n  "ext": {\n}' });
    expect(broken.code).toBe('invalid_arguments');
    expect(broken.message).toMatch(/ext: ext_json is not valid JSON at line 4, column 2/);
    expect(broken.messageZh).toMatch(/ext_json 不是合法的 JSON：第 4 行第 2 列/);
    expect(broken.details).toMatchObject({ line: 4, column: 2 });
    expect((await fail('mpcode/commit', { appid: mp, templateId: 1, userVersion: '1.0.0', userDesc: 'd', ext: '[1, 2]' })).message).toMatch(/ext_json must be a JSON object/);
    expect((await fail('mpcode/commit', { appid: mp, templateId: 1, userVersion: '', userDesc: 'd', ext: '{}' })).message).toMatch(/userVersion/);
    expect((await fail('mpcode/submit', { appid: mp, items: [] })).message).toMatch(/items.*1–5/);
    expect((await fail('mpcode/submit', { appid: mp, items: new Array(6).fill({ address: 'pages/index/index' }) })).message).toMatch(/items.*1–5/);
    expect((await fail('mpcode/gray', { appid: mp, percentage: 0 })).message).toMatch(/percentage must be 1–100/);
    expect((await fail('mpcode/gray', { appid: mp, percentage: 101 })).messageZh ?? '').toMatch(/灰度比例须为 1–100|percentage/);
    expect((await fail('mpcode/rollback', { appid: mp, appVersion: 0 })).message).toMatch(/appVersion/);
    expect(wxCalls()).toBe(before);
    expect(stack.sim.getCalls('/wxa/commit')).toHaveLength(0);
  });

  it('the library: drafts → a standard template, listed with the mini programs that run it, deleted', async () => {
    const drafts = await ok<CodeDraftView[]>('mpcode/drafts', {});
    expect(drafts.map((d) => d.draftId)).toEqual([12, 11]);
    expect(drafts[0]).toMatchObject({ userVersion: 'v2.2.0', createTime: 1726000000_000 });
    const { templates } = await ok<{ templates: CodeTemplateView[] }>('mpcode/addToTemplates', { draftId: 12, templateType: 1 });
    const added = templates.find((t) => t.userVersion === 'v2.2.0')!;
    expect(added).toMatchObject({ templateType: 1, runners: [] });
    expect((await fail('mpcode/addToTemplates', { draftId: 11, templateType: 2 })).code).toBe('invalid_arguments');
    await ok('mpcode/deleteTemplate', { templateId: added.templateId });
    expect((await ok<CodeTemplateView[]>('mpcode/templates', {})).some((t) => t.templateId === added.templateId)).toBe(false);
  });

  it('commit → QR → submit → the push approves → release → gray 10 % then higher → release → rollback to a chosen version', async () => {
    const mp = mps[0]!;
    const v1 = await commit(mp, '1.0.0', 2);
    expect(v1.trial).toMatchObject({ version: '1.0.0', templateId: 2 });
    expect(JSON.parse(stack.sim.miniProgram(mp).commit!.extJson)).toEqual({ extAppid: mp, ext: { shop: 'demo' } });
    const qr = await ok<{ dataUrl: string; size: number }>('mpcode/trialQr', { appid: mp, path: 'pages/index/index?from=console' });
    expect(qr.dataUrl.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
    expect(qr.size).toBeGreaterThan(100);
    const options = await ok<{ pages: string[]; categories: SubmitCategoryView[] }>('mpcode/submitOptions', { appid: mp });
    expect(options.pages).toContain('pages/mine/mine');
    expect(options.categories[0]).toMatchObject({ index: 0, label: '工具 > 效率' });
    const emittedBefore = stack.emitted.length;
    const first = await submit(mp);
    expect(first).toMatchObject({ state: 'auditing', userVersion: '1.0.0', templateId: 2 });
    expect(stack.emitted.slice(emittedBefore).some((e) => e.event === 'mpcode:audit' && (e.payload as MpAuditRecord).auditid === first.auditid)).toBe(true);
    // In progress: another submit is refused by WeChat with 85009, explained.
    const busy = await fail('mpcode/submit', { appid: mp, items: [{ address: 'pages/index/index' }] });
    expect(busy.details).toMatchObject({ errcode: 85009, explanation: { zh: expect.stringMatching(/已经有正在审核的版本/) } });
    await ok('mpcode/speedUp', { appid: mp });
    await approve(mp, first.auditid);
    expect(stack.emitted.some((e) => e.event === 'mpcode:audit' && (e.payload as MpAuditRecord).state === 'approved')).toBe(true);
    const released = await ok<MpVersions>('mpcode/release', { appid: mp });
    expect(released.live).toMatchObject({ version: '1.0.0', templateId: 2 });
    // The library says which mini programs run template 2, and that this one runs it live.
    const lib = await ok<CodeTemplateView[]>('mpcode/templates', {});
    expect(lib.find((t) => t.templateId === 2)!.runners).toEqual([expect.objectContaining({ appid: mp, userVersion: '1.0.0', latestCommit: true, live: true })]);

    await commit(mp, '1.1.0', 3);
    const second = await submit(mp);
    await approve(mp, second.auditid);
    expect((await ok<MpVersions>('mpcode/gray', { appid: mp, percentage: 10, experiencerFirst: true })).gray).toMatchObject({ status: 1, percentage: 10, experiencerFirst: true });
    const grayCalls = stack.sim.getCalls('/wxa/grayrelease').length;
    const lower = await fail('mpcode/gray', { appid: mp, percentage: 10 });
    expect(lower.message).toMatch(/percentage: must be higher than the running plan's 10%/);
    expect(lower.messageZh).toMatch(/须高于正在进行的灰度比例 10%/);
    expect(stack.sim.getCalls('/wxa/grayrelease')).toHaveLength(grayCalls);
    expect((await ok<MpVersions>('mpcode/gray', { appid: mp, percentage: 30 })).gray).toMatchObject({ percentage: 30 });
    expect((await ok<MpVersions>('mpcode/release', { appid: mp })).live).toMatchObject({ version: '1.1.0', templateId: 3 });
    const history = await ok<HistoryVersionView[]>('mpcode/historyVersions', { appid: mp });
    expect(history.map((h) => h.userVersion)).toEqual(['1.0.0']);
    const back = await ok<MpVersions>('mpcode/rollback', { appid: mp, appVersion: history[0]!.appVersion });
    expect(back.live).toMatchObject({ version: '1.0.0', templateId: 2 });
    const runners = (await ok<CodeTemplateView[]>('mpcode/templates', {})).flatMap((t) => t.runners).filter((r) => r.appid === mp);
    expect(runners.map((r) => [r.templateId, r.userVersion, r.latestCommit, r.live]).sort()).toEqual([
      [2, '1.0.0', false, true],
      [3, '1.1.0', true, false],
    ]);
    // No history left: 87012 explained.
    const none = await fail('mpcode/rollback', { appid: mp, appVersion: 999 });
    expect(none.details).toMatchObject({ errcode: 87012 });
  });

  it('undo: counted against 5 a day before use; the 6th refused before the call; a poll refreshes a lost push', async () => {
    const mp = mps[1]!;
    await commit(mp, '2.0.0');
    for (let i = 0; i < 5; i++) {
      await submit(mp);
      const view = await ok<MpAuditsView>('mpcode/undo', { appid: mp });
      expect(view.latest!.state).toBe('withdrawn');
      expect(view.undoUse).toEqual({ today: i + 1, month: i + 1, dayLimit: 5, monthLimit: 10 });
    }
    await submit(mp);
    const undos = stack.sim.getCalls('/wxa/undocodeaudit').length;
    const sixth = await fail('mpcode/undo', { appid: mp });
    expect(sixth.code).toBe('conflict');
    expect(sixth.messageZh).toMatch(/今天已撤回审核 5 次，已达每天 5 次的上限/);
    expect(stack.sim.getCalls('/wxa/undocodeaudit')).toHaveLength(undos);
    // A dropped push: the poll tells the result.
    stack.sim.setFaults({ dropPushShare: 1 });
    const rec = await stack.sim.decideAudit(mp, { result: 'fail', reason: '类目不符', screenshots: ['m1', 'm2'] });
    expect(rec.outcome).toBe('dropped');
    const polled = await ok<MpAuditsView>('mpcode/refreshAudit', { appid: mp });
    expect(polled.latest).toMatchObject({ state: 'rejected', reason: '类目不符', screenshots: ['m1', 'm2'], source: 'poll' });
    expect(polled.history).toHaveLength(6);
  });

  it("WeChat's refusals explained: 61039 privacy scan, 85085 quota used up, 87013 injected; the quota read", async () => {
    const mp = mps[2]!;
    await commit(mp, '3.0.0');
    stack.sim.setPrivacyScan(mp, true);
    const scanning = await fail('mpcode/submit', { appid: mp, items: [{ address: 'pages/index/index' }] });
    expect(scanning.details).toMatchObject({ errcode: 61039, explanation: { en: expect.stringMatching(/privacy-API scan/) } });
    stack.sim.setPrivacyScan(mp, false);
    stack.sim.setAuditSettings({ quotaLimit: stack.sim.auditQuota().used });
    expect(await ok('mpcode/quota', { appid: mp })).toMatchObject({ rest: 0, speedupLimit: 10 });
    const quota = await fail('mpcode/submit', { appid: mp, items: [{ address: 'pages/index/index' }] });
    expect(quota.details).toMatchObject({ errcode: 85085, explanation: { zh: expect.stringMatching(/本月提交审核的额度已用完/) } });
    stack.sim.setAuditSettings({ quotaLimit: 10_000 });
    await submit(mp);
    stack.sim.setFaults({ rules: [{ path: '/wxa/undocodeaudit', appids: [mp], errcode: 87013 }] });
    const limited = await fail('mpcode/undo', { appid: mp });
    expect(limited.details).toMatchObject({ errcode: 87013, explanation: { zh: expect.stringMatching(/每天 5 次，每月 10 次/) } });
    // Refused by WeChat: not counted.
    expect((await ok<MpAuditsView>('mpcode/audits', { appid: mp })).undoUse.today).toBe(0);
  });
});
