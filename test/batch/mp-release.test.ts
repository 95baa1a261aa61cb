/**
 * Batch job "mp.release" through the batch runner against the real engine, relay and simulator on loopback and a real
 * SQLite file: the plan's checks each with an account that fails it (no approved category, an audit already pending,
 * a CSV without the account's row, already on this version, a template not in the library), the audit quota against
 * queryquota (refused to start, or only as many as fit), bad parameters refused with the field named, and the run's
 * faults: 61039 (privacy scan) explained and retried, 85085 pausing the run with the quota shown, a rejection with its
 * reason and screenshots, hold on approval and gray release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRun } from '../../src/shared/batch';
import { WeChatTransportError } from '../../src/main/api';
import { BatchInputError, BatchRunner, type AccountCall } from '../../src/main/batch/runner';
import { releaseJobWith, type ReleaseParams } from '../../src/main/mp/release-batch';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5555666677779999';
const SUBMIT = '/wxa/submit_audit';

describe('batch release: plan checks, quota, faults', () => {
  let stack: Stack;
  let mps: string[] = [];
  let call: AccountCall;
  let runner: BatchRunner;

  beforeAll(async () => {
    stack = await startStack({
      creds: {
        componentAppid: APPID,
        secret: 'batch-release-secret-0123456789abcd',
        token: 'batchReleaseToken',
        aesKey: 'BaTcHrElEaSeKeY0123456789abcdefghijklmnopqr',
        deskKey: 'desk-key-for-the-batch-release-test-0123456',
      },
      sim: { accounts: 80 },
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    mps = Array.from({ length: 40 }, (_, i) => stack.sim.seededAccount(i * 2 + 1).appid);
    call = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    runner = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [releaseJobWith(() => stack.engine.audits)], call });
    stack.engine.onMpAudit((r) => r.state !== 'auditing' && runner.poke(r.appid));
    // Audits approve themselves 1 s after submit unless a test decides them first.
    stack.sim.setAuditSettings({ auditSeconds: 1 });
  }, 60_000);
  // Mini programs are ready for an audit (privacy declared) unless a test clears one.
  beforeAll(() => stack.sim.setPrivacyDeclared(null, true));

  afterAll(async () => {
    await runner?.stop();
    await stack?.close();
  });

  const params = (over: Partial<ReleaseParams> = {}, policy: Partial<ReleaseParams['policy']> = {}): ReleaseParams => ({
    templateId: 2,
    userVersion: '2.0.0',
    userDesc: '批量发布 batch',
    extJson: '{"extAppid":"${appid}","ext":{"name":"${nickname}"}}',
    ...over,
    policy: { autoSubmit: true, onApproval: 'release', grayPercentage: null, stopWhenRejectedPercent: 50, maxAuditsInFlight: 5, pollSeconds: 0.2, overQuota: 'refuse', ...policy },
  });
  const reasonOf = (runId: number, appid: string) => stack.store.batch.item(runId, appid)?.reason?.en ?? '';
  const submits = (appid: string) => stack.sim.getCalls(SUBMIT).filter((c) => c.appid === appid && c.errcode === 0).length;
  async function finished(run: BatchRun): Promise<BatchRun> {
    await until(`run ${run.id} ends`, () => ['done', 'paused', 'cancelled', 'planned'].includes(runner.get(run.id).status) && runner.get(run.id).status !== 'planning', 30_000);
    await runner.idle(run.id);
    return runner.get(run.id);
  }

  it('refuses bad parameters naming the field, in both languages, and makes no run', () => {
    const cases: [Partial<ReleaseParams>, Partial<ReleaseParams['policy']>, string][] = [
      [{ templateId: -1 }, {}, 'templateId'],
      [{ userVersion: '' }, {}, 'userVersion'],
      [{ userVersion: 'v'.repeat(65) }, {}, 'userVersion'],
      [{ userDesc: ' ' }, {}, 'userDesc'],
      [{ extJson: '{"a": ${appid}' }, {}, 'extJson'],
      [{ extJson: '["${appid}"]' }, {}, 'extJson'],
      [{ extJson: '{"a":"${shop}"}' }, {}, 'extJson'],
      [{ csv: 'name,shop\nx,y' }, {}, 'csv'],
      [{ csv: 'appid,shop\nnot-an-appid,y' }, {}, 'csv'],
      [{}, { grayPercentage: 0 }, 'policy.grayPercentage'],
      [{}, { maxAuditsInFlight: 0 }, 'policy.maxAuditsInFlight'],
      [{}, { stopWhenRejectedPercent: 101 }, 'policy.stopWhenRejectedPercent'],
      [{}, { onApproval: 'later' as never }, 'policy.onApproval'],
    ];
    const before = stack.store.batch.listRuns(APPID).length;
    for (const [over, policy, field] of cases) {
      let error: unknown;
      try {
        runner.create({ kind: 'mp.release', title: 'bad', params: params(over, policy), targets: mps.slice(0, 1) });
      } catch (err) {
        error = err;
      }
      expect(error, field).toBeInstanceOf(BatchInputError);
      const e = error as BatchInputError;
      expect(e.words.en, field).toContain(field);
      expect(e.words.zh, field).toContain(field);
      expect((e.details as { issues: { path: string }[] }).issues.map((i) => i.path), field).toContain(field);
    }
    expect(stack.store.batch.listRuns(APPID)).toHaveLength(before);
  });

  it('plans each account, skipping with the reason: no category, privacy not set, an audit pending, no CSV row, an official account; runs the rest to released', async () => {
    const [noCategory, pending, noRow, ok1, ok2] = mps;
    const oa = stack.sim.seededAccount(0).appid;
    const noPrivacy = mps[39]!;
    stack.sim.miniProgram(noCategory!).categories.length = 0;
    stack.sim.setPrivacyDeclared(noPrivacy, false);
    // An audit already in progress, made outside the run.
    await stack.engine.invokeAs((await import('../../src/wechat/endpoints/mp-code')).commitCode, pending!, { template_id: 1, user_version: '1.0.0', user_desc: 'x', ext_json: '{}' });
    const { submitForAudit } = await import('../../src/main/mp/code');
    await submitForAudit((s, a, r) => stack.engine.invokeAs(s, a, r), pending!, {});
    stack.sim.setAuditSettings({ auditSeconds: null });
    const csv = `appid,shop\n${[noCategory, pending, ok1, ok2, noPrivacy].join(',店\n')},店`;
    const run = runner.create({
      kind: 'mp.release',
      title: 'plan checks',
      params: params({ csv, extJson: '{"extAppid":"${appid}","ext":{"shop":"${shop}","name":"${nickname}"}}' }),
      targets: [noCategory!, pending!, noRow!, ok1!, ok2!, oa, noPrivacy],
    });
    const planned = await finished(run);
    expect(planned.status).toBe('planned');
    expect(reasonOf(run.id, noCategory!)).toMatch(/No approved category/);
    expect(reasonOf(run.id, pending!)).toMatch(/audit is already pending/);
    expect(reasonOf(run.id, noRow!)).toMatch(/no value for \$\{shop\}.*CSV has no row/);
    expect(reasonOf(run.id, oa)).toMatch(/official account/);
    expect(reasonOf(run.id, noPrivacy)).toMatch(/Privacy settings are not set/);
    expect(stack.store.batch.item(run.id, noPrivacy)?.reason?.zh).toMatch(/未设置用户隐私保护指引/);
    expect(stack.store.batch.item(run.id, ok1!)?.summary?.en).toMatch(/Commit template 2 as 2\.0\.0 .*release on approval/);
    expect(stack.store.batch.item(run.id, ok1!)?.summary?.zh).toMatch(/提交模板 2/);
    expect(planned.counts).toMatchObject({ pending: 2, skipped: 5 });

    runner.start(run.id);
    await until('both submitted', () => runner.get(run.id).stages.submitted === 2);
    // The ext_json went per account, as a string.
    expect(JSON.parse(stack.sim.miniProgram(ok1!).commit!.extJson)).toMatchObject({ extAppid: ok1, ext: { shop: '店' } });
    await stack.sim.decideAudit(ok1!, { result: 'success' });
    await stack.sim.decideAudit(ok2!, { result: 'fail', reason: '页面内容不全<br>请补充', screenshots: ['shotA', 'shotB'] });
    const done = await finished(runner.get(run.id));
    expect(done.status).toBe('done');
    expect(done.stages).toMatchObject({ released: 1, rejected: 1 });
    expect(stack.sim.miniProgram(ok1!).live?.userVersion).toBe('2.0.0');
    expect(stack.sim.miniProgram(ok2!).live).toBeNull();
    const rejected = stack.store.batch.item(run.id, ok2!)!;
    expect(rejected.reason?.en).toContain('页面内容不全 请补充');
    expect(rejected.stageData).toMatchObject({ screenshots: ['shotA', 'shotB'] });
    expect(submits(ok1!)).toBe(1);
    expect(submits(ok2!)).toBe(1);
    // The code template library knows both run template 2's version 2.0.0; only the released one is known to have it live.
    const runners = stack.store.mpCode.runners(APPID, 2).filter((r) => r.appid === ok1 || r.appid === ok2);
    expect(runners.map((r) => [r.appid, r.userVersion, r.live])).toEqual(expect.arrayContaining([[ok1, '2.0.0', true], [ok2, '2.0.0', null]]));

    // Planned again: the released one is on this version already; a template not in the library skips every account.
    const again = await finished(runner.create({ kind: 'mp.release', title: 'again', params: params(), targets: [ok1!] }));
    expect(reasonOf(again.id, ok1!)).toMatch(/Already on version 2\.0\.0/);
    const unknownTemplate = await finished(runner.create({ kind: 'mp.release', title: 'no template', params: params({ templateId: 99 }), targets: [ok1!] }));
    expect(reasonOf(unknownTemplate.id, ok1!)).toMatch(/Template 99 is not in the code template library/);
    stack.sim.setAuditSettings({ auditSeconds: 1 });
  });

  it('the audit quota: refused to start when the run needs more than queryquota has left, or only as many as fit', async () => {
    const targets = mps.slice(6, 9);
    const used = stack.sim.auditQuota().used;
    stack.sim.setAuditSettings({ quotaLimit: used + 2 });
    try {
      const refused = await finished(runner.create({ kind: 'mp.release', title: 'quota', params: params(), targets, autoStart: true }));
      expect(refused.status).toBe('paused');
      expect(refused.pause?.errcode).toBe(85085);
      expect(refused.pause?.reason.en).toContain('needs 3 audits but this month\'s audit quota has 2 of');
      expect(refused.pause?.reason.zh).toContain('需要 3 次审核');
      expect(refused.pause?.quota).toMatchObject({ remain: 2 });
      expect(targets.map(submits)).toEqual([0, 0, 0]);
      runner.cancel(refused.id);

      const fit = await finished(runner.create({ kind: 'mp.release', title: 'fit', params: params({}, { overQuota: 'fit' }), targets, autoStart: true }));
      expect(fit.status).toBe('done');
      expect(fit.stages.released).toBe(2);
      expect(reasonOf(fit.id, targets[2]!)).toMatch(/Beyond this month's audit quota/);
      expect(stack.sim.auditQuota().used).toBe(used + 2);
    } finally {
      stack.sim.setAuditSettings({ quotaLimit: 10_000 });
    }
  });

  it('61039 is explained and the account retried; 85085 from WeChat pauses the run with the quota', async () => {
    const [scanning, other] = mps.slice(10, 12);
    stack.sim.setPrivacyScan(scanning!, true);
    const run = await finished(runner.create({ kind: 'mp.release', title: 'faults', params: params(), targets: [scanning!, other!], autoStart: true }));
    expect(run.counts).toMatchObject({ failed: 1, done: 1 });
    const failed = stack.store.batch.item(run.id, scanning!)!;
    expect(failed.errcode).toBe(61039);
    expect(failed.reason?.en).toMatch(/61039/);
    expect(failed.stage).toBe('committed');
    stack.sim.setPrivacyScan(scanning!, false);
    runner.retryFailed(run.id);
    const retried = await finished(runner.get(run.id));
    expect(retried.stages.released).toBe(2);
    expect(submits(scanning!)).toBe(1);

    const [a, b] = mps.slice(12, 14);
    stack.sim.setFaults({ rules: [{ path: SUBMIT, appids: [b!], errcode: 85085 }] });
    try {
      const paused = await finished(runner.create({ kind: 'mp.release', title: 'quota fault', params: params({}, { maxAuditsInFlight: 1 }), targets: [a!, b!], concurrency: 1, autoStart: true }));
      expect(paused.status).toBe('paused');
      expect(paused.pause?.errcode).toBe(85085);
      expect(paused.pause?.reason.en).toMatch(/audit quota is used up \(85085\) \(\d+ of 10000 left\)/);
      expect(stack.store.batch.item(paused.id, b!)?.state).toBe('pending');
      stack.sim.setFaults({ rules: [] });
      runner.start(paused.id);
      expect((await finished(runner.get(paused.id))).stages.released).toBe(2);
    } finally {
      stack.sim.setFaults({ rules: [] });
    }
  });

  it('a submit whose answer was lost (a timeout after it landed) is read back on retry, never sent again; 85009 explained', async () => {
    const [lost, busy] = mps.slice(16, 18);
    stack.sim.setAuditSettings({ auditSeconds: null });
    let dropOnce = true;
    const lossy: AccountCall = async (spec, appid, req) => {
      const res = await call(spec, appid, req);
      if (spec.path === SUBMIT && appid === lost && dropOnce) {
        dropOnce = false;
        throw new WeChatTransportError('timeout', spec.path, 'the answer never came');
      }
      return res;
    };
    const lossyRunner = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [releaseJobWith(() => stack.engine.audits)], call: lossy });
    stack.sim.setFaults({ rules: [{ path: SUBMIT, appids: [busy!], errcode: 85009 }] });
    try {
      const run = lossyRunner.create({ kind: 'mp.release', title: 'lost answer', params: params(), targets: [lost!, busy!], autoStart: true });
      await until('both failed', () => lossyRunner.get(run.id).counts.failed === 2, 30_000);
      await lossyRunner.idle(run.id);
      expect(stack.store.batch.item(run.id, lost!)?.stage).toBe('submitting');
      expect(submits(lost!)).toBe(1); // it landed
      const refused = stack.store.batch.item(run.id, busy!)!;
      expect(refused.errcode).toBe(85009);
      expect(refused.reason?.en).toContain('An audit is already in progress');
      expect(refused.reason?.zh).toContain('已经有正在审核的版本');
      expect(refused.stage).toBe('committed');

      stack.sim.setFaults({ rules: [] });
      lossyRunner.retryFailed(run.id);
      await until('both submitted', () => lossyRunner.get(run.id).stages.submitted === 2, 30_000);
      expect(stack.store.batch.item(run.id, lost!)?.summary?.en).toMatch(/confirmed by reading it back/);
      expect(submits(lost!)).toBe(1);
      expect(submits(busy!)).toBe(1);
      for (const a of [lost!, busy!]) await stack.sim.decideAudit(a, { result: 'success' });
      await until('done', () => lossyRunner.get(run.id).status === 'done', 30_000);
      expect(lossyRunner.get(run.id).stages).toEqual({ released: 2 });
    } finally {
      stack.sim.setFaults({ rules: [] });
      await lossyRunner.stop();
      stack.sim.setAuditSettings({ auditSeconds: 1 });
    }
  });

  it('cancelled while audits are pending: the waiting accounts are cancelled and nothing more is released', async () => {
    const targets = mps.slice(18, 20);
    stack.sim.setAuditSettings({ auditSeconds: null });
    try {
      const run = runner.create({ kind: 'mp.release', title: 'cancel', params: params(), targets, autoStart: true });
      await until('both submitted', () => runner.get(run.id).stages.submitted === 2, 30_000);
      const cancelled = runner.cancel(run.id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.counts.cancelled).toBe(2);
      await runner.idle(run.id);
      // The run's loop has ended: the approvals' pushes (and pokes) find nothing waiting on them.
      const releases = stack.sim.getCalls('/wxa/release').length;
      for (const a of targets) await stack.sim.decideAudit(a, { result: 'success' });
      for (const a of targets) runner.poke(a);
      await runner.idle(run.id);
      expect(stack.sim.getCalls('/wxa/release').length).toBe(releases);
      expect(runner.get(run.id).stages).toEqual({ submitted: 2 });
    } finally {
      stack.sim.setAuditSettings({ auditSeconds: 1 });
    }
  });

  it('pauses when more than N % of the decided audits are rejected; a delayed audit waits, then goes on', async () => {
    const targets = mps.slice(20, 32);
    stack.sim.setAuditSettings({ auditSeconds: null });
    try {
      const run = runner.create({ kind: 'mp.release', title: 'reject share', params: params({}, { stopWhenRejectedPercent: 20, maxAuditsInFlight: 12 }), targets, autoStart: true });
      await until('all submitted', () => runner.get(run.id).stages.submitted === 12, 30_000);
      await stack.sim.decideAudit(targets[10]!, { result: 'delay', reason: '需要更多时间' });
      await until('delayed', () => runner.get(run.id).stages.delayed === 1, 30_000);
      for (const a of targets.slice(0, 6)) await stack.sim.decideAudit(a, { result: 'success' });
      await until('6 released', () => runner.get(run.id).stages.released === 6, 30_000);
      for (const a of targets.slice(6, 10)) await stack.sim.decideAudit(a, { result: 'fail', reason: '不合规' });
      await until('paused', () => runner.get(run.id).status === 'paused', 30_000);
      const paused = runner.get(run.id);
      expect(paused.pause?.reason.en).toContain('4 of 10 decided audits were rejected (40.0%, over the 20%');
      expect(paused.pause?.reason.zh).toContain('有 4 个未通过');
      await runner.idle(run.id);

      runner.start(run.id);
      await stack.sim.decideAudit(targets[10]!, { result: 'success' });
      await stack.sim.decideAudit(targets[11]!, { result: 'success' });
      await until('done', () => runner.get(run.id).status === 'done', 30_000);
      expect(runner.get(run.id).stages).toEqual({ released: 8, rejected: 4 });
      expect(targets.map(submits)).toEqual(targets.map(() => 1));
    } finally {
      stack.sim.setAuditSettings({ auditSeconds: 1 });
    }
  });

  it('hold on approval, and gray release for an account with a live version', async () => {
    const [held, grayed] = mps.slice(14, 16);
    const hold = await finished(runner.create({ kind: 'mp.release', title: 'hold', params: params({}, { onApproval: 'hold' }), targets: [held!], autoStart: true }));
    expect(hold.stages).toEqual({ held: 1 });
    expect(stack.sim.miniProgram(held!).live).toBeNull();

    await finished(runner.create({ kind: 'mp.release', title: 'first', params: params({ userVersion: '1.0.0' }), targets: [grayed!], autoStart: true }));
    const gray = await finished(runner.create({ kind: 'mp.release', title: 'gray', params: params({}, { grayPercentage: 10 }), targets: [grayed!], autoStart: true }));
    expect(gray.stages).toEqual({ gray: 1 });
    expect(stack.sim.miniProgram(grayed!).gray).toMatchObject({ status: 1, percentage: 10 });
  });

  it('an account whose release failed after approval is released when retried, not marked done without a release', async () => {
    const mp = mps[34]!;
    stack.sim.setFaults({ rules: [{ path: '/wxa/release', appids: [mp], errcode: 85020 }] });
    const run = await finished(runner.create({ kind: 'mp.release', title: 'retry', params: params(), targets: [mp], autoStart: true }));
    expect(stack.store.batch.item(run.id, mp)).toMatchObject({ state: 'failed', stage: 'approved' });
    stack.sim.setFaults({ rules: [] });
    runner.retryFailed(run.id);
    await until('the retry ends', () => runner.get(run.id).status === 'done' && stack.store.batch.item(run.id, mp)?.state === 'done', 30_000);
    expect(stack.store.batch.item(run.id, mp)).toMatchObject({ state: 'done', stage: 'released' });
    expect(stack.sim.miniProgram(mp).live?.userVersion).toBe('2.0.0');
    expect(submits(mp)).toBe(1); // released from the same audit, never submitted again
    expect(stack.sim.getCalls('/wxa/release').filter((c) => c.appid === mp).map((c) => c.errcode)).toEqual([85020, 0]);
  });

  it('a rollback follow-up cut off after WeChat took the revert is read back by the next runner, not reverted twice', async () => {
    const mp = mps[35]!;
    await finished(runner.create({ kind: 'mp.release', title: 'v1', params: params({ userVersion: '1.0.0' }), targets: [mp], autoStart: true }));
    const v2 = await finished(runner.create({ kind: 'mp.release', title: 'v2', params: params(), targets: [mp], autoStart: true }));
    expect(stack.sim.miniProgram(mp).live?.userVersion).toBe('2.0.0');
    let reverts = 0;
    const never = new Promise<never>(() => undefined);
    // The revert reaches WeChat, then the process "dies" before its answer is stored.
    const dying: AccountCall = async (spec, appid, req) => {
      if (spec.path !== '/wxa/revertcoderelease') return call(spec, appid, req);
      await call(spec, appid, req);
      reverts += 1; // counted once WeChat has answered it
      return never;
    };
    const dead = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [releaseJobWith(() => stack.engine.audits)], call: dying });
    const run = dead.create({ kind: 'mp.release', title: 'rollback', params: { ...params(), followUp: { action: 'rollback', fromRun: v2.id } }, targets: [mp], autoStart: true });
    await until('the revert sent and the runner hanging', () => reverts === 1 && stack.store.batch.getRun(run.id)!.counts.applying === 1, 20_000);
    expect(stack.sim.miniProgram(mp).live?.userVersion).toBe('1.0.0');

    const next = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [releaseJobWith(() => stack.engine.audits)], call });
    next.resume();
    await until('the run ends', () => stack.store.batch.getRun(run.id)!.status === 'done', 20_000);
    await next.idle(run.id);
    await next.stop();
    expect(stack.store.batch.item(run.id, mp)).toMatchObject({ state: 'done', stage: 'rolled_back' });
    expect(stack.sim.getCalls('/wxa/revertcoderelease').filter((c) => c.appid === mp && c.errcode === 0)).toHaveLength(1);
    expect(stack.sim.miniProgram(mp).live?.userVersion).toBe('1.0.0');
  });

  it('follow-ups of a gray release: "full" releases it to everyone; "rollback" stops the gray and the live version stays', async () => {
    const [toFull, toStop] = mps.slice(32, 34) as [string, string];
    await finished(runner.create({ kind: 'mp.release', title: 'first', params: params({ userVersion: '1.0.0' }), targets: [toFull, toStop], autoStart: true }));
    const gray = await finished(runner.create({ kind: 'mp.release', title: 'gray', params: params({}, { grayPercentage: 10 }), targets: [toFull, toStop], autoStart: true }));
    expect(gray.stages).toEqual({ gray: 2 });
    const follow = (action: 'full' | 'rollback', target: string) =>
      finished(runner.create({ kind: 'mp.release', title: action, params: { ...params({}, { grayPercentage: 10 }), followUp: { action, fromRun: gray.id } }, targets: [target], autoStart: true }));

    const full = await follow('full', toFull);
    expect(full.stages).toEqual({ released: 1 });
    expect(stack.sim.miniProgram(toFull).live?.userVersion).toBe('2.0.0');
    expect(stack.sim.miniProgram(toFull).gray).toMatchObject({ status: 3 }); // finished
    expect(stack.store.batch.item(full.id, toFull)?.summary?.zh).toBe('已把 2.0.0 全量发布（灰度结束）。');

    // Before: the rollback saw 1.0.0 live, not 2.0.0, skipped the account as "nothing to roll back", and the gray ran on.
    const back = await follow('rollback', toStop);
    expect(back.stages).toEqual({ rolled_back: 1 });
    expect(stack.sim.miniProgram(toStop).gray).toMatchObject({ status: 4 }); // reverted
    expect(stack.sim.miniProgram(toStop).live?.userVersion).toBe('1.0.0');
    expect(stack.store.batch.item(back.id, toStop)?.summary?.en).toBe('The gray release of 2.0.0 stopped (revertgrayrelease).');

    const again = await follow('full', toStop);
    expect(reasonOf(again.id, toStop)).toBe('No gray release of 2.0.0 runs: nothing to release to everyone.');
    expect(stack.sim.miniProgram(toStop).live?.userVersion).toBe('1.0.0');
  });
});
