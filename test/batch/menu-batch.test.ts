/**
 * The batch runner with the menu job, against the real engine, relay and simulator on loopback and a real SQLite
 * file: plan (what changes, what is skipped), apply to 50 official accounts with 3 refusing, retry them, a daily
 * quota (45009) pausing the run with the quota read back, and a runner that dies mid-run: the next one reads back
 * the accounts it left mid-apply and publishes no menu twice.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { BatchRun } from '../../src/shared/batch';
import type { MenuButton } from '../../src/shared/oa/menu';
import { BatchInputError, BatchRunner, type AccountCall } from '../../src/main/batch/runner';
import { menuApplyJob } from '../../src/main/oa/menu-batch';
import { createMenu } from '../../src/wechat/endpoints/oa-menu';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5555666677778888';
const MENU: { button: MenuButton[] } = {
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    {
      name: '菜单',
      sub_button: [
        { type: 'view', name: '搜索', url: 'https://www.soso.com/' },
        { type: 'miniprogram', name: 'wxa', url: 'https://mp.weixin.qq.com', appid: 'wx286b93c14bbf93aa', pagepath: 'pages/lunar/index' },
        { type: 'scancode_push', name: '扫码推事件', key: 'rselfmenu_0_1' },
      ],
    },
    { type: 'location_select', name: '发送位置', key: 'rselfmenu_2_0' },
  ],
};

describe('batch runner: one menu to many official accounts', () => {
  let stack: Stack;
  let officialAccounts: string[] = [];
  let call: AccountCall;

  beforeAll(async () => {
    stack = await startStack({
      creds: {
        componentAppid: APPID,
        secret: 'batch-menu-secret-0123456789abcdef',
        token: 'batchMenuToken',
        aesKey: 'BaTcHmEnUkEy0123456789abcdefghijklmnopqrstu',
        deskKey: 'desk-key-for-the-batch-menu-test-0123456789',
      },
      sim: { accounts: 106 },
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    officialAccounts = Array.from({ length: 53 }, (_, i) => stack.sim.seededAccount(i * 2).appid);
    // The menu's miniprogram button may only open a mini program linked to the account (45064 otherwise).
    for (const oa of officialAccounts) stack.sim.setMiniProgramLink(oa, 'wx286b93c14bbf93aa');
    call = (spec, appid, req) => stack.engine.client.invoke(spec, stack.engine.tokens.authorizerTokenSource(appid), req);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const successfulCreates = (appid?: string) =>
    stack.sim.getCalls('/cgi-bin/menu/create').filter((c) => c.errcode === 0 && (!appid || c.appid === appid)).length;

  function runner(): BatchRunner {
    return new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [menuApplyJob], call });
  }

  it('refuses a menu that breaks a rule, naming the rule in both languages, and makes no run', () => {
    const r = runner();
    const before = stack.store.batch.listRuns(APPID).length;
    const tooLong = { button: [{ type: 'click', name: '一个超过十六字节的名字', key: 'k' }] };
    let error: unknown;
    try {
      r.create({ kind: 'oa.menu.apply', title: 'bad', params: { menu: tooLong }, targets: officialAccounts.slice(0, 2) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BatchInputError);
    expect((error as BatchInputError).words.en).toContain('at most 16 bytes');
    expect((error as BatchInputError).words.zh).toContain('最多 16 字节');
    expect(() => r.create({ kind: 'oa.menu.apply', title: 'bad', params: { menu: MENU }, targets: ['not an appid!'] })).toThrow(/target 1 is not an appid/);
    expect(stack.store.batch.listRuns(APPID)).toHaveLength(before);
  });

  it('skips, with the reason, a mini program, an account that is not an authorizer and one that cancelled', async () => {
    const mp = stack.sim.seededAccount(1).appid;
    const revoked = officialAccounts[52]!;
    await stack.sim.unauthorize(revoked).push;
    await until('the cancellation stored', () => stack.store.authorizers.get(APPID, revoked)?.status === 'revoked');
    const r = runner();
    const run = r.create({ kind: 'oa.menu.apply', title: 'skips', params: { menu: MENU }, targets: [mp, 'wx00000000000000ff', revoked] });
    await r.idle(run.id);
    expect(stack.store.batch.getRun(run.id)!.status).toBe('done');
    const reasons = stack.store.batch.items(run.id).map((i) => [i.state, i.reason?.zh]);
    expect(reasons).toEqual([
      ['skipped', '这是小程序；此操作只适用于公众号。'],
      ['skipped', '不是本平台的授权账号（如刚授权，请先同步）。'],
      ['skipped', '该账号已取消授权。'],
    ]);
  });

  it('plans, applies to 50 accounts with 3 refusing, retries them, and reads every menu back identical', async () => {
    const targets = officialAccounts.slice(0, 50);
    // One account already has exactly this menu, another has a different one: skipped and replaced.
    await call(createMenu, targets[0]!, MENU);
    await call(createMenu, targets[1]!, { button: [{ type: 'click', name: '旧菜单', key: 'old' }] });
    const refusing = targets.slice(10, 13);
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: refusing, errcode: 48001 }] });
    const createsBefore = successfulCreates();

    const r = runner();
    const run = r.create({ kind: 'oa.menu.apply', title: '春节菜单', params: { menu: MENU }, targets, concurrency: 4, ratePerSecond: 200 });
    await r.idle(run.id);
    const planned = stack.store.batch.getRun(run.id)!;
    expect(planned.status).toBe('planned');
    expect(planned.counts).toMatchObject({ pending: 49, skipped: 1, unplanned: 0 });
    expect(successfulCreates()).toBe(createsBefore); // planning writes nothing
    expect(stack.store.batch.item(run.id, targets[0]!)!.reason!.zh).toContain('已经是这个菜单');
    expect(stack.store.batch.item(run.id, targets[1]!)!.summary!.en).toMatch(/^Replace the current menu \(1 top-level buttons\)/);
    expect(stack.store.batch.item(run.id, targets[2]!)!.summary!.zh).toContain('还没有菜单');

    r.start(run.id);
    await r.idle(run.id);
    let done = stack.store.batch.getRun(run.id)!;
    expect(done.status).toBe('done');
    expect(done.counts).toMatchObject({ done: 46, failed: 3, skipped: 1, pending: 0, applying: 0 });
    const failed = stack.store.batch.items(run.id, { state: 'failed' });
    expect(failed.map((i) => i.appid)).toEqual(refusing);
    expect(failed[0]!.errcode).toBe(48001);
    expect(failed[0]!.reason!.zh).toMatch(/^应用失败：48001 /);

    stack.sim.setFaults({});
    r.retryFailed(run.id);
    await r.idle(run.id);
    done = stack.store.batch.getRun(run.id)!;
    expect(done.counts).toMatchObject({ done: 49, failed: 0, skipped: 1 });
    for (const appid of targets.slice(1)) expect(successfulCreates(appid)).toBe(1 + (appid === targets[1] ? 1 : 0));
    expect(successfulCreates(targets[0])).toBe(1); // only the setup's
    for (const appid of refusing) expect(stack.store.batch.item(run.id, appid)!.attempts).toBe(2);
    // Read back: every account now has exactly the published menu.
    const probe = runner();
    const check = probe.create({ kind: 'oa.menu.apply', title: 'check', params: { menu: MENU }, targets });
    await probe.idle(check.id);
    expect(stack.store.batch.getRun(check.id)!.counts).toMatchObject({ skipped: 50, pending: 0 });
  }, 60_000);

  it('45009 pauses the run with the quota WeChat reports; resuming finishes it', async () => {
    const targets = officialAccounts.slice(0, 50);
    const other = { button: [{ type: 'view', name: '官网', url: 'https://example.com/' }] };
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [targets[20]!], errcode: 45009 }] });
    const r = runner();
    const changes: BatchRun[] = [];
    const quotaRunner = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [menuApplyJob], call, onChange: (x) => changes.push(x) });
    const run = quotaRunner.create({ kind: 'oa.menu.apply', title: 'quota', params: { menu: other }, targets, concurrency: 1, ratePerSecond: 500, autoStart: true });
    await quotaRunner.idle(run.id);
    const paused = await until('the quota read back', () => {
      const x = stack.store.batch.getRun(run.id)!;
      return x.pause?.quota ? x : null;
    });
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ errcode: 45009, cgiPath: '/cgi-bin/menu/create', appid: targets[20] });
    expect(paused.pause!.reason.zh).toContain('每日调用次数已用完');
    expect(paused.pause!.quota!.dailyLimit).toBeGreaterThan(0);
    expect(paused.counts).toMatchObject({ done: 20, pending: 30, failed: 0 });
    expect(changes.some((c) => c.status === 'paused')).toBe(true);

    stack.sim.setFaults({});
    r.start(run.id); // another runner on the same store (e.g. after a restart) can carry it on
    await r.idle(run.id);
    expect(stack.store.batch.getRun(run.id)!.counts).toMatchObject({ done: 50, pending: 0 });
  }, 60_000);

  it('resumed without clearing the quota, the run carries on with the other accounts and tries the one at 45009 last', async () => {
    const targets = officialAccounts.slice(0, 5);
    const menu = { button: [{ type: 'click', name: '配额', key: 'quota' }] };
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [targets[0]!], errcode: 45009 }] });
    onTestFinished(() => stack.sim.setFaults({}));
    const r = runner();
    const run = r.create({ kind: 'oa.menu.apply', title: 'quota, resumed', params: { menu }, targets, concurrency: 1, ratePerSecond: 500, autoStart: true });
    await r.idle(run.id);
    expect(stack.store.batch.getRun(run.id)).toMatchObject({ status: 'paused', counts: { done: 0, pending: 5 }, pause: { appid: targets[0] } });
    expect(stack.store.batch.getRun(run.id)!.pause!.reason.zh).toContain('其余账号照常进行');
    // Before: every resume took the same account first, hit 45009 again and paused; with one worker nothing moved.
    const other = runner(); // another runner (after a restart) knows it from the pause
    other.start(run.id);
    await other.idle(run.id);
    expect(stack.store.batch.getRun(run.id)).toMatchObject({ status: 'paused', counts: { done: 4, pending: 1 }, pause: { appid: targets[0] } });
    stack.sim.setFaults({});
    other.start(run.id);
    await other.idle(run.id);
    expect(stack.store.batch.getRun(run.id)).toMatchObject({ status: 'done', counts: { done: 5, pending: 0 } });
  }, 60_000);

  it('a runner that dies mid-run leaves no account published twice: the next one reads back and carries on', async () => {
    const targets = officialAccounts.slice(0, 52);
    const menu = { button: [{ type: 'click', name: '第三版', key: 'v3' }] };
    let creates = 0;
    const never = new Promise<never>(() => undefined);
    // Creates 1–9 go through; 10–12 reach WeChat but the process "dies" before the answer is stored; 13 dies before
    // it is sent. After that, nothing more happens in the dead runner.
    const dyingCall: AccountCall = async (spec, appid, req) => {
      if (spec.path !== createMenu.path) return call(spec, appid, req);
      creates += 1;
      if (creates <= 9) return call(spec, appid, req);
      if (creates <= 12) await call(spec, appid, req);
      return never;
    };
    const dead = new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [menuApplyJob], call: dyingCall });
    const run = dead.create({ kind: 'oa.menu.apply', title: 'crash', params: { menu }, targets, concurrency: 4, ratePerSecond: 500, autoStart: true });
    await until('the dead runner to hang', () => creates >= 13 && stack.store.batch.getRun(run.id)!.counts.applying === 4, 20_000);
    const left = stack.store.batch.inState(run.id, 'applying');
    expect(left).toHaveLength(4);

    const next = runner();
    next.resume();
    await next.idle(run.id);
    const finished = stack.store.batch.getRun(run.id)!;
    expect(finished.status).toBe('done');
    expect(finished.counts).toMatchObject({ done: 52, failed: 0, pending: 0, applying: 0 });
    const menuCreates = stack.sim.getCalls('/cgi-bin/menu/create').filter((c) => c.errcode === 0);
    const since = menuCreates.slice(-52);
    expect(new Set(since.map((c) => c.appid)).size).toBe(52); // 52 accounts, one publish each
    // Three of the four were confirmed by reading back; the one never sent was sent once by the next runner.
    const confirmed = left.filter((a) => stack.store.batch.item(run.id, a)!.summary?.en.startsWith('Applied before the interruption'));
    expect(confirmed).toHaveLength(3);
  }, 60_000);
});
