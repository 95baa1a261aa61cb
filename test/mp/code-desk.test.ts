/**
 * The desk's mini-program code service (src/main/mp/code.ts) against the real simulator through the relay: the full
 * lifecycle with the audit result pushed to the desk's inbox, reject / delay, the clock's audit deadline, a dropped
 * push answered by polling get_auditstatus, WeChat's refusals (85009, 85085, 61039, 87013) explained in both
 * languages, and bad input refused before any call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeChatApiError } from '../../src/main/api';
import { errorText, ServiceError } from '../../src/main/errors';
import * as code from '../../src/main/mp/code';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx3131454567678989';

describe('desk: mini-program code, audit and release', () => {
  let stack: Stack;
  let invoke: code.Invoke;
  let mps: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'mp-code-desk-secret-0123456789abc', token: 'mpCodeDeskToken', aesKey: 'MpCoDeDeSkKeY0123456789abcdefghijklmnopqrst', deskKey: 'desk-key-for-the-mp-code-desk-test-01234' },
      sim: { accounts: 12 },
      engineClock: 'simulator',
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    invoke = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    mps = [1, 3, 5, 7, 9, 11].map((i) => stack.sim.seededAccount(i).appid);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    stack.sim.setFaults({});
    stack.sim.setAuditSettings({ auditSeconds: null, quotaLimit: 10_000, speedupLimit: 10 });
  });

  const events = (appid: string, event: string) => stack.store.events.list({ componentAppid: APPID, appid, event, limit: 10 }).rows;
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!err) throw new Error('expected a failure');
    return err as Error;
  };
  const commitV = (appid: string, version: string, ext: Record<string, unknown> = { extAppid: appid, ext: { shop: 'demo' } }) =>
    code.commit(invoke, appid, { templateId: 1, userVersion: version, userDesc: `版本 ${version}`, ext });

  it('commit → QR (a JPEG) → submit → in progress until approved → the push reaches the inbox → release → version info → rollback', async () => {
    const mp = mps[0]!;
    await commitV(mp, '1.0.0');
    const stored = stack.sim.miniProgram(mp).commit!;
    expect(JSON.parse(stored.extJson)).toEqual({ extAppid: mp, ext: { shop: 'demo' } });
    const qr = await code.trialQrcode(invoke, mp, 'pages/index/index?from=desk');
    expect(qr.contentType).toBe('image/jpeg');
    expect([...qr.bytes.slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...qr.bytes.slice(-2)]).toEqual([0xff, 0xd9]);
    const options = await code.submitOptions(invoke, mp);
    expect(options.pages).toContain('pages/index/index');
    const { auditid, itemList } = await code.submitForAudit(invoke, mp, { items: [{ address: 'pages/index/index', title: '首页', tag: '工具' }, { address: 'pages/mine/mine', title: '我的' }], versionDesc: '首发' });
    expect(itemList[1]).toMatchObject({ address: 'pages/mine/mine', first_class: '工具', second_class: '效率', first_id: 287, second_id: 612, title: '我的' });
    expect(await code.auditStatus(invoke, mp, auditid)).toMatchObject({ status: 2, state: 'auditing' });
    expect(await code.auditStatus(invoke, mp)).toMatchObject({ auditid, state: 'auditing', userVersion: '1.0.0' });
    await stack.sim.decideAudit(mp, { result: 'success' });
    const pushed = await until('weapp_audit_success in the inbox', () => events(mp, 'weapp_audit_success')[0]);
    expect(pushed.msgType).toBe('event');
    expect(stack.emitted.some((e) => e.event === 'event:new' && (e.payload as { id: number }).id === pushed.id)).toBe(true);
    expect((await code.auditStatus(invoke, mp, auditid)).state).toBe('approved');
    await code.releaseApproved(invoke, mp);
    expect((await code.versionInfo(invoke, mp)).live).toMatchObject({ version: '1.0.0' });
    // A second version, then back to the first.
    await commitV(mp, '1.1.0');
    await code.submitForAudit(invoke, mp);
    await stack.sim.decideAudit(mp, { result: 'success' });
    await code.releaseApproved(invoke, mp);
    expect(await code.versionInfo(invoke, mp)).toMatchObject({ trial: { version: '1.1.0' }, live: { version: '1.1.0' } });
    const history = await code.historyVersions(invoke, mp);
    expect(history.map((v) => v.user_version)).toEqual(['1.0.0']);
    await code.rollback(invoke, mp, history[0]!.app_version);
    expect((await code.versionInfo(invoke, mp)).live).toMatchObject({ version: '1.0.0' });
    const noMore = await failure(code.rollback(invoke, mp, 999));
    expect(noMore).toBeInstanceOf(WeChatApiError);
    expect(errorText(noMore).zh).toMatch(/87012.*没有可回退的历史版本/);
  });

  it('rejected with a reason and screenshots, delayed, then approved: status and pushes carry them', async () => {
    const mp = mps[1]!;
    await commitV(mp, '2.0.0');
    const first = (await code.submitForAudit(invoke, mp)).auditid;
    await stack.sim.decideAudit(mp, { result: 'fail', reason: '首页内容空白<br>请补充', screenshots: ['mediaA', 'mediaB'] });
    expect(await code.auditStatus(invoke, mp, first)).toMatchObject({ state: 'rejected', reason: '首页内容空白<br>请补充', screenshots: ['mediaA', 'mediaB'] });
    const fail = await until('weapp_audit_fail in the inbox', () => events(mp, 'weapp_audit_fail')[0]);
    const detail = stack.store.events.get(fail.id)!;
    expect(detail.plaintext).toContain('mediaA|mediaB');
    const second = (await code.submitForAudit(invoke, mp)).auditid;
    await stack.sim.decideAudit(mp, { result: 'delay', reason: '需要更长时间' });
    await until('weapp_audit_delay in the inbox', () => events(mp, 'weapp_audit_delay')[0]);
    expect((await code.auditStatus(invoke, mp, second)).state).toBe('delayed');
    // Still in progress: a new submit is refused with 85009, explained.
    const busy = await failure(code.submitForAudit(invoke, mp));
    expect((busy as WeChatApiError).errcode).toBe(85009);
    expect(errorText(busy).zh).toMatch(/已经有正在审核的版本/);
    await stack.sim.decideAudit(mp, { result: 'success' });
    expect((await code.auditStatus(invoke, mp, second)).state).toBe('approved');
  });

  it('the audit time: the simulator clock reaching auditSeconds approves the audit and pushes the result', async () => {
    const mp = mps[2]!;
    stack.sim.setAuditSettings({ auditSeconds: 1800 });
    await commitV(mp, '3.0.0');
    const { auditid } = await code.submitForAudit(invoke, mp);
    stack.sim.advanceClock(1799);
    expect((await code.auditStatus(invoke, mp, auditid)).state).toBe('auditing');
    stack.sim.advanceClock(1);
    await until('weapp_audit_success in the inbox', () => events(mp, 'weapp_audit_success')[0]);
    expect((await code.auditStatus(invoke, mp, auditid)).state).toBe('approved');
  });

  it('a dropped push: nothing reaches the inbox, and get_auditstatus still tells the result (the polling fallback)', async () => {
    const mp = mps[3]!;
    await commitV(mp, '4.0.0');
    const { auditid } = await code.submitForAudit(invoke, mp);
    stack.sim.setFaults({ dropPushShare: 1 });
    const record = await stack.sim.decideAudit(mp, { result: 'fail', reason: '类目不符', screenshots: ['m1'] });
    expect(record.outcome).toBe('dropped');
    expect(await code.auditStatus(invoke, mp, auditid)).toMatchObject({ state: 'rejected', reason: '类目不符', screenshots: ['m1'] });
    expect(events(mp, 'weapp_audit_fail')).toHaveLength(0);
  });

  it('85085 once the monthly audit quota is used, 61039 while the privacy scan runs, 87013 past the undo limit: explained', async () => {
    const [a, b] = [mps[4]!, mps[5]!];
    await commitV(a, '5.0.0');
    await commitV(b, '5.0.0');
    const before = await code.auditQuota(invoke, a);
    stack.sim.setAuditSettings({ quotaLimit: stack.sim.auditQuota().used + 1 });
    expect(before.rest).toBeGreaterThan(0);
    stack.sim.setPrivacyScan(a, true);
    const scanning = await failure(code.submitForAudit(invoke, a));
    expect((scanning as WeChatApiError).errcode).toBe(61039);
    expect(errorText(scanning).en).toMatch(/privacy-API scan .* not finished/);
    stack.sim.setPrivacyScan(a, false);
    await code.submitForAudit(invoke, a);
    expect((await code.auditQuota(invoke, b)).rest).toBe(0);
    const quota = await failure(code.submitForAudit(invoke, b));
    expect((quota as WeChatApiError).errcode).toBe(85085);
    expect(errorText(quota).zh).toMatch(/本月提交审核的额度已用完/);
    expect(errorText(quota).en).toMatch(/audit quota is used up/);
    // Undo: 5 a day.
    stack.sim.setAuditSettings({ quotaLimit: 10_000 });
    await code.undoAudit(invoke, a);
    for (let i = 0; i < 4; i++) {
      await code.submitForAudit(invoke, a);
      await code.undoAudit(invoke, a);
    }
    await code.submitForAudit(invoke, a);
    const undo = await failure(code.undoAudit(invoke, a));
    expect((undo as WeChatApiError).errcode).toBe(87013);
    expect(errorText(undo).zh).toMatch(/每天 5 次，每月 10 次/);
  });

  it('gray release: plan, higher only, revert; speed-up', async () => {
    const mp = mps[0]!;
    await commitV(mp, '1.2.0');
    const { auditid } = await code.submitForAudit(invoke, mp);
    await code.speedUpAudit(invoke, mp, auditid);
    expect((await failure(code.speedUpAudit(invoke, mp, auditid))).message).toMatch(/89404/);
    await stack.sim.decideAudit(mp, { result: 'success' });
    await code.grayRelease(invoke, mp, 10, { experiencerFirst: true });
    expect(await code.grayPlan(invoke, mp)).toMatchObject({ status: 1, gray_percentage: 10, support_experiencer_first: true });
    const lower = await failure(code.grayRelease(invoke, mp, 5));
    expect(errorText(lower).zh).toMatch(/85082.*须高于/);
    const rollback = await failure(code.rollback(invoke, mp));
    expect((rollback as WeChatApiError).errcode).toBe(87011);
    await code.revertGray(invoke, mp);
    expect((await code.grayPlan(invoke, mp)).status).toBe(4);
  });

  it('bad input is refused before any call, with the field named in both languages', async () => {
    const mp = mps[5]!;
    const calls = stack.sim.getCalls('/wxa/commit').length;
    const bad = await failure(code.commit(invoke, mp, { templateId: 1, userVersion: 'v'.repeat(65), userDesc: ' ', ext: [1, 2] as never }));
    expect(bad).toBeInstanceOf(ServiceError);
    expect((bad as ServiceError).code).toBe('invalid_arguments');
    expect(bad.message).toMatch(/userVersion is at most 64 characters .*userDesc is required.*ext_json must be a JSON object/);
    expect((bad as ServiceError).messageZh).toMatch(/userVersion：最多 64 个字符.*userDesc：必填.*ext：ext_json 须为 JSON 对象/);
    expect(() => code.parseExtJson('{"extAppid": ')).toThrow(/ext: is not valid JSON/);
    expect(() => code.parseExtJson('"just a string"')).toThrow(/must be a JSON object/);
    expect(stack.sim.getCalls('/wxa/commit')).toHaveLength(calls);
    await commitV(mp, '6.0.0');
    const submits = stack.sim.getCalls('/wxa/submit_audit').length;
    expect((await failure(code.submitForAudit(invoke, mp, { items: [] }))).message).toMatch(/items: must list 1–5 pages \(got 0\)/);
    expect((await failure(code.submitForAudit(invoke, mp, { items: new Array(6).fill({ address: 'pages/index/index' }) }))).message).toMatch(/got 6/);
    const page = await failure(code.submitForAudit(invoke, mp, { items: [{ address: 'pages/nope/nope' }] }));
    expect((page as ServiceError).messageZh).toMatch(/items\[0\]\.address：“pages\/nope\/nope”不是已提交代码的页面/);
    expect((await failure(code.submitForAudit(invoke, mp, { items: [{ address: 'pages/index/index', category: 3 }] }))).message).toMatch(/items\[0\]\.category: must be 0–0/);
    expect((await failure(code.grayRelease(invoke, mp, 0))).message).toMatch(/percentage: must be an integer 1–100/);
    expect(stack.sim.getCalls('/wxa/submit_audit')).toHaveLength(submits);
  });
});
