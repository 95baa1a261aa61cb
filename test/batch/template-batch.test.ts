/**
 * The batch runner with the template-set job ("oa.template.sync") against the real engine, relay and simulator and a
 * real SQLite file: a set that breaks a rule is refused naming it; the plan says per account what is added, removed,
 * kept (origin unknown) or skipped, and writes nothing; applying sets the industry, adds, then removes (removes first
 * when adding first would pass 25); 45026 fails an account that cannot fit, with its meaning; a runner that dies with an add on its way never adds a template twice after the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchInputError, BatchRunner, type AccountCall } from '../../src/main/batch/runner';
import { listTemplates } from '../../src/main/oa/templates';
import { templateSyncJob } from '../../src/main/oa/template-batch';
import { addByShortId } from '../../src/main/oa/templates';
import { addTemplate, getAllPrivateTemplates, setIndustry } from '../../src/wechat/endpoints/oa-template';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5656787812123434';
const SET = { industry: { id1: '1', id2: '2' }, shortIds: ['TM00015', 'OPENTM207498902'] };

describe('batch runner: a template set to many official accounts', () => {
  let stack: Stack;
  let oas: string[] = [];
  let call: AccountCall;

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'batch-tpl-secret-0123456789abcdef', token: 'batchTplToken', aesKey: 'BaTcHtPlKeY0123456789abcdefghijklmnopqrstuv', deskKey: 'desk-key-for-the-batch-template-test-01' },
      sim: { accounts: 22 },
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    oas = Array.from({ length: 10 }, (_, i) => stack.sim.seededAccount(i * 2).appid);
    call = (spec, appid, req) => stack.engine.client.invoke(spec, stack.engine.tokens.authorizerTokenSource(appid), req);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const runner = (c: AccountCall = call) => new BatchRunner({ store: stack.store, componentAppid: APPID, jobs: [templateSyncJob], call: c });
  const adds = (appid: string) => stack.sim.getCalls('/cgi-bin/template/api_add_template').filter((c) => c.errcode === 0 && c.appid === appid).length;
  const shortIds = async (appid: string) => (await listTemplates(call, stack.store, APPID, appid)).map((t) => t.shortId ?? `?${t.title}`).sort();

  it('refuses a set that breaks a rule, naming it in both languages', () => {
    let error: unknown;
    try {
      runner().create({ kind: 'oa.template.sync', title: 'bad', params: { shortIds: ['TM00015', 'bad id'], industry: { id1: '1', id2: '99' } }, targets: oas.slice(0, 1) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BatchInputError);
    expect((error as BatchInputError).words.en).toMatch(/shortIds\[1\]: "bad id" is not a template short id/);
    expect((error as BatchInputError).words.zh).toMatch(/industry\.industryId2：必须是微信的行业代码/);
  });

  it('a runner that dies with an add on its way: after the restart no template is added twice', async () => {
    const targets = oas.slice(6, 10);
    for (const x of targets) await call(setIndustry, x, { industry_id1: '1', industry_id2: '2' });
    let n = 0;
    const never = new Promise<never>(() => undefined);
    // The very first add of the run reaches WeChat but its answer is lost when the process "dies" (so no template of
    // that short id is known by content yet: only the add recorded before it went out tells); nothing after it.
    const dying: AccountCall = async (spec, appid, req) => {
      if (spec.path !== addTemplate.path) return call(spec, appid, req);
      n += 1;
      if (n === 1) await call(spec, appid, req);
      return never;
    };
    const dead = runner(dying);
    const run = dead.create({ kind: 'oa.template.sync', title: 'crash', params: { shortIds: ['OPENTM200605630', 'OPENTM207498902'] }, targets, concurrency: 1, ratePerSecond: 500, autoStart: true });
    await until('the dead runner to hang', () => adds(targets[0]!) === 1 && stack.store.batch.getRun(run.id)!.counts.applying === 1, 20_000);
    expect(stack.store.batch.inState(run.id, 'applying')).toEqual([targets[0]]);
    expect(stack.store.templates.library(APPID).some((l) => l.shortId === 'OPENTM200605630')).toBe(false);

    const next = runner();
    next.resume();
    await next.idle(run.id);
    expect(stack.store.batch.getRun(run.id)!.counts).toMatchObject({ done: 4, failed: 0, pending: 0, applying: 0 });
    for (const x of targets) {
      expect(adds(x)).toBe(2); // one per short id, never twice
      expect((await call(getAllPrivateTemplates, x, {})).template_list).toHaveLength(2);
      expect(await shortIds(x)).toEqual(['OPENTM200605630', 'OPENTM207498902']);
    }
  }, 60_000);

  it('plans per account (add, remove, keep unknown, skip), applies, fails 45026 with its meaning, and is in line after', async () => {
    const [a, b, c, d, e, f] = oas as [string, string, string, string, string, string];
    const g = stack.sim.seededAccount(20).appid; // an official account no other test here touches
    // a: added by the console (recorded): TM00015 and an unlisted one.
    await call(setIndustry, a, { industry_id1: '1', industry_id2: '2' });
    await addByShortId(call, stack.store, APPID, a, 'TM00015', 'console');
    await addByShortId(call, stack.store, APPID, a, 'OPENTM200605630', 'console');
    // b: nothing yet. c: already in line.
    await call(setIndustry, c, { industry_id1: '2', industry_id2: '1' });
    for (const s of SET.shortIds) await addByShortId(call, stack.store, APPID, c, s, 'console');
    // d: TM00015 added outside the console (recognized by title and content); e: a hotel template of unknown origin.
    await call(setIndustry, d, { industry_id1: '1', industry_id2: '2' });
    await call(addTemplate, d, { template_id_short: 'TM00015' });
    await call(setIndustry, e, { industry_id1: '1', industry_id2: '11' });
    await call(addTemplate, e, { template_id_short: 'OPENTM401833445' });
    // f: full (25), every one recognized as the unlisted OPENTM200605630.
    await call(setIndustry, f, { industry_id1: '1', industry_id2: '2' });
    for (let i = 0; i < 25; i++) await call(addTemplate, f, { template_id_short: 'OPENTM200605630' });
    // g: full (25) like f, for a set that keeps unlisted templates: two more cannot fit (a run of its own, below).
    await call(setIndustry, g, { industry_id1: '1', industry_id2: '2' });
    for (let i = 0; i < 25; i++) await call(addTemplate, g, { template_id_short: 'OPENTM200605630' });
    const addsBefore = stack.sim.getCalls('/cgi-bin/template/api_add_template').length;

    const r = runner();
    const run = r.create({ kind: 'oa.template.sync', title: 'seed', params: SET, targets: [a, b, c, d, e, f], concurrency: 3, ratePerSecond: 500 });
    await r.idle(run.id);
    expect(stack.store.batch.getRun(run.id)!.counts).toMatchObject({ pending: 5, skipped: 1, unplanned: 0 });
    expect(stack.sim.getCalls('/cgi-bin/template/api_add_template').length).toBe(addsBefore); // planning writes nothing
    const item = (x: string) => stack.store.batch.item(run.id, x)!;
    expect(item(a).summary!.en).toBe('Add OPENTM207498902; remove 任务处理通知 (OPENTM200605630).');
    expect(item(b).summary!.zh).toMatch(/^将所属行业设为 IT科技\/互联网\/电子商务 \+ IT科技\/IT软件与服务（微信会删除原行业的模板）；添加 TM00015、OPENTM207498902。$/);
    expect(item(c).state).toBe('skipped');
    expect(item(c).reason!.en).toBe('Already has every template of the set.');
    expect(item(d).summary!.en).toBe('Add OPENTM207498902.');
    expect(item(e).summary!.en).toMatch(/keep 1 template\(s\) of unknown origin\.$/);
    // Adding first would make 27: the removes go first (before, f failed with 45026 on every retry).
    expect(item(f).summary!.en).toMatch(/the removes go first, to stay within WeChat's 25 templates\.$/);
    expect(item(f).summary!.en).not.toMatch(/45026/);


    r.start(run.id);
    await r.idle(run.id);
    const done = stack.store.batch.getRun(run.id)!;
    expect(done.counts).toMatchObject({ done: 4, failed: 1, skipped: 1 });
    // e's industry was set minutes ago: WeChat refuses a second change within the month, and nothing else is touched.
    expect(item(e)).toMatchObject({ state: 'failed', errcode: 43100 });
    expect(item(e).reason!.en).toMatch(/^Could not apply: 43100 The industry was changed too recently: once a month/);
    expect(await shortIds(e)).toEqual(['?预订成功通知']);
    expect(item(f)).toMatchObject({ state: 'done' });
    expect(await shortIds(f)).toEqual(['OPENTM207498902', 'TM00015']);
    expect(await shortIds(a)).toEqual(['OPENTM207498902', 'TM00015']);
    expect(await shortIds(b)).toEqual(['OPENTM207498902', 'TM00015']);
    expect(await shortIds(d)).toEqual(['OPENTM207498902', 'TM00015']);

    // A second plan finds everything in line (e and f as they were).
    const again = r.create({ kind: 'oa.template.sync', title: 'check', params: SET, targets: [a, b, c, d] });
    await r.idle(again.id);
    expect(stack.store.batch.getRun(again.id)!.counts).toMatchObject({ skipped: 4, pending: 0 });

    // g keeps its 25 unlisted templates: the set's two cannot fit, whatever the order.
    const keep = r.create({ kind: 'oa.template.sync', title: 'keep unlisted', params: { ...SET, removeUnlisted: false }, targets: [g], ratePerSecond: 500 });
    await r.idle(keep.id);
    const gItem = () => stack.store.batch.item(keep.id, g)!;
    expect(gItem().summary!.en).toMatch(/warning: 27 templates during the change, over WeChat's 25 \(45026 expected\)\.$/);
    r.start(keep.id);
    await r.idle(keep.id);
    expect(gItem()).toMatchObject({ state: 'failed', errcode: 45026 });
    expect(gItem().reason!.en).toMatch(/^Could not apply: 45026 Too many templates \(25 per account\)/);
    expect(gItem().reason!.zh).toMatch(/^应用失败：45026 模板数量超过上限/);
  }, 60_000);
});
