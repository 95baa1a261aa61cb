/**
 * The desk's audit book (src/main/mp/audits.ts, store mp_audits): a submit is recorded with its auditid; the
 * weapp_audit_* push decides it (noted on the event in both languages, announced as mpcode:audit); a dropped push is
 * made good by polling get_auditstatus; a decided audit is never reopened by a late push; withdrawals are counted by
 * China's calendar and the 6th of a day is refused before WeChat is called.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorText } from '../../src/main/errors';
import * as code from '../../src/main/mp/code';
import { chinaDayAndMonthStart } from '../../src/main/store/mp-audits';
import type { MpAuditRecord } from '../../src/shared/mp/audits';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx3131454567678990';

describe('desk: the audit book', () => {
  let stack: Stack;
  let invoke: code.Invoke;
  let mps: string[] = [];
  const heard: MpAuditRecord[] = [];

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'mp-audit-book-secret-0123456789ab', token: 'mpAuditBookToken', aesKey: 'MpAuDiTbOoKkEy0123456789abcdefghijklmnopqrs', deskKey: 'desk-key-for-the-mp-audit-book-test-0123' },
      sim: { accounts: 8 },
      engineClock: 'simulator',
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    invoke = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    mps = [1, 3, 5, 7].map((i) => stack.sim.seededAccount(i).appid);
    stack.engine.onMpAudit((r) => heard.push(r));
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    stack.sim.setFaults({});
    stack.sim.setAuditSettings({ auditSeconds: null, quotaLimit: 10_000, speedupLimit: 10 });
    heard.length = 0;
  });

  const commitV = (appid: string, version: string) => code.commit(invoke, appid, { templateId: 1, userVersion: version, userDesc: `版本 ${version}`, ext: { extAppid: appid } });
  const eventOf = (appid: string, event: string) => stack.store.events.list({ componentAppid: APPID, appid, event, limit: 10 }).rows[0];

  it('submit is recorded at once; the rejection push decides it, with reason, screenshots, a bilingual note and an mpcode:audit event', async () => {
    const mp = mps[0]!;
    await commitV(mp, '1.0.0');
    const { record } = await stack.engine.audits.submit(invoke, mp, {}, { userVersion: '1.0.0', templateId: 1, runId: 7 });
    expect(record).toMatchObject({ appid: mp, state: 'auditing', source: 'submit', userVersion: '1.0.0', templateId: 1, runId: 7, decidedAt: null });
    expect(stack.store.mpAudits.latest(APPID, mp)?.auditid).toBe(record.auditid);
    await stack.sim.decideAudit(mp, { result: 'fail', reason: '小程序类目与内容不符<br>请修改', screenshots: ['shot1', 'shot2'] });
    const decided = await until('the rejection recorded', () => {
      const r = stack.store.mpAudits.get(APPID, mp, record.auditid);
      return r?.state === 'rejected' ? r : null;
    });
    expect(decided).toMatchObject({ source: 'push', reason: '小程序类目与内容不符<br>请修改', screenshots: ['shot1', 'shot2'] });
    expect(decided.decidedAt).not.toBeNull();
    const e = eventOf(mp, 'weapp_audit_fail')!;
    expect(decided.eventId).toBe(e.id);
    const full = stack.store.events.get(e.id)!;
    expect(full.handledNote).toContain(`audit ${record.auditid}: rejected`);
    expect(full.handledNoteZh).toContain(`审核 ${record.auditid}：审核未通过`);
    await until('announced', () => heard.find((r) => r.auditid === record.auditid && r.state === 'rejected'));
    expect(stack.emitted.some((x) => x.event === 'mpcode:audit' && (x.payload as MpAuditRecord).state === 'rejected')).toBe(true);
  });

  it('a dropped push is made good by polling; the late push then changes nothing and is noted', async () => {
    const mp = mps[1]!;
    await commitV(mp, '2.0.0');
    const { record } = await stack.engine.audits.submit(invoke, mp);
    stack.sim.setFaults({ dropPushShare: 1 });
    expect((await stack.sim.decideAudit(mp, { result: 'success' })).outcome).toBe('dropped');
    expect(stack.store.mpAudits.latest(APPID, mp)?.state).toBe('auditing');
    expect(stack.store.mpAudits.undecided(APPID).map((r) => r.appid)).toContain(mp);
    const polled = await stack.engine.audits.refresh(invoke, mp, record.auditid);
    expect(polled).toMatchObject({ auditid: record.auditid, state: 'approved', source: 'poll' });
    expect(stack.store.mpAudits.undecided(APPID).map((r) => r.appid)).not.toContain(mp);
    // A push that arrives after the decision (a redelivery, or a stray one) does not reopen or re-decide it.
    const again = stack.store.mpAudits.applyStatus({ componentAppid: APPID, appid: mp, state: 'rejected', at: Date.now(), source: 'push' });
    expect(again).toBeNull();
    expect(stack.store.mpAudits.get(APPID, mp, record.auditid)?.state).toBe('approved');
    const viaPoll = stack.store.mpAudits.applyStatus({ componentAppid: APPID, appid: mp, auditid: record.auditid, state: 'rejected', at: Date.now(), source: 'poll' });
    expect(viaPoll?.state).toBe('approved');
  });

  it("a late push of an earlier audit's result does not decide the newer audit waiting now", async () => {
    const mp = mps[0]!;
    await commitV(mp, '5.0.0');
    const a = (await stack.engine.audits.submit(invoke, mp)).record;
    stack.sim.setFaults({ dropPushShare: 1 });
    await stack.sim.decideAudit(mp, { result: 'fail', reason: 'A 的问题' });
    const failTime = Math.floor(stack.sim.now() / 1000);
    await stack.engine.audits.refresh(invoke, mp, a.auditid);
    stack.sim.setFaults({});
    stack.sim.advanceClock(600);
    await commitV(mp, '5.0.1');
    const b = (await stack.engine.audits.submit(invoke, mp)).record;
    // A's push, delivered late (it waited in the relay's queue while the desk was away): its FailTime says whose it is.
    await stack.sim.sendUserMessage({ appid: mp, msgType: 'event', event: 'weapp_audit_fail', extra: { Reason: 'A 的问题', FailTime: failTime, ScreenShot: '' } });
    const e = await until('the late push', () => eventOf(mp, 'weapp_audit_fail'));
    expect(stack.store.mpAudits.get(APPID, mp, b.auditid)?.state).toBe('auditing');
    expect(stack.store.events.get(e.id)?.handledNoteZh).toMatch(new RegExp(`早于审核 ${b.auditid} 的提交`));
    expect(heard.filter((r) => r.auditid === b.auditid && r.state !== 'auditing')).toEqual([]);
    // B's own result, when it comes, decides it.
    await stack.sim.decideAudit(mp, { result: 'success' });
    await until('B decided by its push', () => stack.store.mpAudits.get(APPID, mp, b.auditid)?.state === 'approved');
  });

  it('an audit submitted elsewhere is learnt from a poll; a push with nothing waiting is noted so', async () => {
    const mp = mps[2]!;
    await commitV(mp, '3.0.0');
    const { auditid } = await code.submitForAudit(invoke, mp);
    expect(stack.store.mpAudits.latest(APPID, mp)).toBeNull();
    await stack.sim.decideAudit(mp, { result: 'delay', reason: '排队中' });
    const e = await until('the delay push', () => eventOf(mp, 'weapp_audit_delay'));
    expect(stack.store.events.get(e.id)?.handledNoteZh).toMatch(/本控制台没有等待结果的审核/);
    const learnt = await stack.engine.audits.refresh(invoke, mp);
    expect(learnt).toMatchObject({ auditid, state: 'delayed', reason: '排队中', source: 'poll' });
    expect(stack.store.mpAudits.history(APPID, mp).map((r) => r.auditid)).toEqual([auditid]);
  });

  it('withdrawals: counted per China day; the 6th of a day is refused before WeChat is called', async () => {
    const mp = mps[3]!;
    await commitV(mp, '4.0.0');
    for (let i = 0; i < 5; i++) {
      const { record } = await stack.engine.audits.submit(invoke, mp);
      const undone = await stack.engine.audits.undo(invoke, mp);
      expect(undone).toMatchObject({ auditid: record.auditid, state: 'withdrawn' });
    }
    expect(stack.engine.audits.undoUse(mp)).toMatchObject({ today: 5, month: 5, dayLimit: 5, monthLimit: 10 });
    await stack.engine.audits.submit(invoke, mp);
    const undoCalls = stack.sim.getCalls('/wxa/undocodeaudit').length;
    const err = await stack.engine.audits.undo(invoke, mp).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(errorText(err).zh).toMatch(/今天已撤回审核 5 次，已达每天 5 次的上限/);
    expect(errorText(err).en).toMatch(/5 audit withdrawals today reach WeChat's limit of 5 a day/);
    expect(stack.sim.getCalls('/wxa/undocodeaudit')).toHaveLength(undoCalls);
    expect(stack.store.mpAudits.latest(APPID, mp)?.state).toBe('auditing');
  });

  it("China's calendar: day and month starts at UTC+8", () => {
    // 2026-12-01 00:30 in China is 2026-11-30 16:30 UTC.
    const t = Date.UTC(2026, 10, 30, 16, 30);
    expect(chinaDayAndMonthStart(t)).toEqual({ day: Date.UTC(2026, 10, 30, 16), month: Date.UTC(2026, 10, 30, 16) });
    const late = Date.UTC(2026, 10, 30, 15, 59);
    expect(chinaDayAndMonthStart(late)).toEqual({ day: Date.UTC(2026, 10, 29, 16), month: Date.UTC(2026, 9, 31, 16) });
    const s = stack.store.mpAudits;
    s.recordUndo(APPID, mps[0]!, late);
    s.recordUndo(APPID, mps[0]!, t);
    expect(s.undoCounts(APPID, mps[0]!, t + 1000)).toEqual({ today: 1, month: 1 });
    expect(s.undoCounts(APPID, mps[0]!, late + 1000)).toEqual({ today: 1, month: 1 });
  });
});
