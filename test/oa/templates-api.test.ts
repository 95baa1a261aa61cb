/**
 * templates/* through the router against the real engine, relay and simulator: industry set and read back (the
 * simulator's whole industry table), a second change within the month refused with 43100 explained; add by short id
 * (recorded short id, 40037 for an unknown one, 45026 at 25 templates), the fields parsed, delete; a test send
 * checked before sending (each rule named, nothing sent), sent with url / mini-program jump and colors, its msgid
 * joined with the TEMPLATESENDJOBFINISH push that comes back through the relay and the inbox (success and
 * "failed:user block"); latency and a bad template id injected as faults; a mini program refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountTemplate, IndustryView, TemplateSendRow } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx1313242435354646';
const OPENID = 'oTplUser0123456789abcdefgh';

describe('templates/* through the router', () => {
  let stack: Stack;
  let router: Router;
  let oa = '';
  let mp = '';

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'oa-tpl-secret-0123456789abcdef012', token: 'oaTplToken', aesKey: 'OaTpLkEy0123456789abcdefghijklmnopqrstuvwxy', deskKey: 'desk-key-for-the-oa-templates-test-0123' },
      sim: { accounts: 4 },
    }));
    router = trustedRouter(host);
    oa = stack.sim.seededAccount(0).appid;
    mp = stack.sim.seededAccount(1).appid;
  }, 60_000);

  afterAll(async () => {
    stack?.sim.setFaults({});
    await stack?.close();
  });

  const { ok, fail } = routerCalls(() => router);

  it('industry: none, set (codes from the whole table), read back by code, a second change refused with 43100', async () => {
    expect(await ok<IndustryView>('templates/industry', { appid: oa })).toEqual({ primary: null, secondary: null });
    const set = await ok<IndustryView>('templates/setIndustry', { appid: oa, industryId1: '1', industryId2: '11' });
    expect(set).toEqual({ primary: { id: '1', first: 'IT科技', second: '互联网/电子商务' }, secondary: { id: '11', first: '酒店旅游', second: '酒店' } });
    const bad = await fail('templates/setIndustry', { appid: oa, industryId1: '1', industryId2: '1' });
    expect(bad.code).toBe('invalid_arguments');
    expect(bad.message).toMatch(/industryId2: the two industries must differ/);
    const tooSoon = await fail('templates/setIndustry', { appid: oa, industryId1: '1', industryId2: '2' });
    expect(tooSoon.code).toBe('wechat_error');
    expect(tooSoon.details).toMatchObject({ errcode: 43100, explanation: { en: expect.stringMatching(/once a month/) } });
    expect((await ok<IndustryView>('templates/industry', { appid: oa })).secondary!.id).toBe('11');
  });

  it('add by short id: recorded short id, fields parsed; 40037 unknown; 45027 outside the industries; delete', async () => {
    const { templateId } = await ok<{ templateId: string }>('templates/add', { appid: oa, shortId: 'TM00015' });
    const list = await ok<AccountTemplate[]>('templates/list', { appid: oa });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ templateId, title: '订单支付成功', shortId: 'TM00015', shortIdFrom: 'recorded' });
    expect(list[0]!.fields.map((f) => f.name)).toEqual(['first', 'orderMoneySum', 'orderProductName', 'Remark']);
    expect(list[0]!.fields[1]!.label).toBe('支付金额');
    expect((await fail('templates/add', { appid: oa, shortId: 'TM99999' })).details).toMatchObject({ errcode: 40037 });
    expect((await fail('templates/add', { appid: oa, shortId: 'OPENTM200605630' })).details).toMatchObject({ errcode: 45027 });
    expect((await fail('templates/add', { appid: oa, shortId: 'nope' })).message).toMatch(/shortId/);
    // A failed add leaves no record behind.
    expect(stack.store.templates.origins(APPID, oa).map((o) => o.shortId)).toEqual(['TM00015']);
    const second = await ok<{ templateId: string }>('templates/add', { appid: oa, shortId: 'OPENTM207498902' });
    await ok('templates/remove', { appid: oa, templateId: second.templateId });
    expect((await ok<AccountTemplate[]>('templates/list', { appid: oa })).map((t) => t.templateId)).toEqual([templateId]);
    // Deleting one already gone is not an error (40037 counts as deleted).
    await ok('templates/remove', { appid: oa, templateId: second.templateId });
  });

  it('45026 at 25 templates', async () => {
    const other = stack.sim.seededAccount(2).appid;
    await ok('templates/setIndustry', { appid: other, industryId1: '1', industryId2: '2' });
    for (let i = 0; i < 25; i++) await ok('templates/add', { appid: other, shortId: i % 2 ? 'TM00015' : 'OPENTM200605630' });
    const full = await fail('templates/add', { appid: other, shortId: 'OPENTM207498902' });
    expect(full.details).toMatchObject({ errcode: 45026, explanation: { en: expect.stringMatching(/25 per account/), zh: expect.stringMatching(/25/) } });
  });

  it('a test send: bad input refused with each rule named and nothing sent', async () => {
    const [tpl] = await ok<AccountTemplate[]>('templates/list', { appid: oa });
    const before = stack.sim.getCalls('/cgi-bin/message/template/send').length;
    const bad = await fail('templates/sendTest', { appid: oa, templateId: tpl!.templateId, touser: 'abc', url: 'example.com', data: { first: { value: 'x', color: 'red' } } });
    expect(bad.code).toBe('invalid_arguments');
    expect(bad.message).toMatch(/touser: an openid is 20-64 letters/);
    expect(bad.message).toMatch(/url: the link must start with http/);
    expect(bad.message).toMatch(/data\.first\.color: a color is #RGB or #RRGGBB/);
    expect(bad.message).toMatch(/data\.orderMoneySum: give a value/);
    expect(bad.messageZh).toMatch(/openid 由 20-64 个/);
    expect((bad.details as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(5);
    expect(stack.sim.getCalls('/cgi-bin/message/template/send').length).toBe(before);
    const gone = await fail('templates/sendTest', { appid: oa, templateId: 'no-such-template', touser: OPENID, data: {} });
    expect(gone.message).toMatch(/no template no-such-template/);
  });

  it('sends with url, mini program jump and colors; the msgid is joined with the job-finish push (success, user block)', async () => {
    const [tpl] = await ok<AccountTemplate[]>('templates/list', { appid: oa });
    const data = { first: { value: '支付成功', color: '#173177' }, orderMoneySum: { value: '30.00元' }, orderProductName: { value: '书' }, Remark: { value: '谢谢' } };
    const sent = await ok<TemplateSendRow>('templates/sendTest', {
      appid: oa,
      templateId: tpl!.templateId,
      touser: OPENID,
      url: 'https://example.com/o/1',
      miniprogram: { appid: 'wx286b93c14bbf93aa', pagepath: 'pages/index/index' },
      data,
    });
    expect(sent).toMatchObject({ templateId: tpl!.templateId, touser: OPENID, status: null });
    const record = stack.sim.getTemplateMessages(oa).at(-1)!;
    expect(String(record.msgid)).toBe(sent.msgid);
    expect(record.body).toMatchObject({ url: 'https://example.com/o/1', miniprogram: { appid: 'wx286b93c14bbf93aa', pagepath: 'pages/index/index' }, data });
    await until('the job-finish push', () => stack.store.templates.sends(APPID, oa).find((s) => s.msgid === sent.msgid)?.status === 'success');
    const row = (await ok<TemplateSendRow[]>('templates/sends', { appid: oa }))[0]!;
    expect(row).toMatchObject({ msgid: sent.msgid, status: 'success', eventId: expect.any(Number) });
    expect(stack.store.events.get(row.eventId!)!.handledNote).toBe(`template message ${sent.msgid}: success`);

    stack.sim.setTemplateFinishStatus(OPENID, 'failed:user block');
    const blocked = await ok<TemplateSendRow>('templates/sendTest', { appid: oa, templateId: tpl!.templateId, touser: OPENID, data });
    await until('the user-block push', () => stack.store.templates.sends(APPID, oa).find((s) => s.msgid === blocked.msgid)?.status === 'failed:user block');
    stack.sim.setTemplateFinishStatus(OPENID, null);
  });

  it('faults: 40037 injected on send, latency on the list, a dropped job-finish push, a mini program refused', async () => {
    const [tpl] = await ok<AccountTemplate[]>('templates/list', { appid: oa });
    const data = { first: { value: 'a' }, orderMoneySum: { value: 'b' }, orderProductName: { value: 'c' }, Remark: { value: 'd' } };
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/message/template/send', appids: [oa], errcode: 40037 }] });
    const refused = await fail('templates/sendTest', { appid: oa, templateId: tpl!.templateId, touser: OPENID, data });
    expect(refused.details).toMatchObject({ errcode: 40037, explanation: { en: expect.stringMatching(/no such template/) } });
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/template/get_all_private_template', latencyMs: 400 }] });
    const t0 = Date.now();
    expect(await ok<AccountTemplate[]>('templates/list', { appid: oa })).toHaveLength(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    stack.sim.setFaults({});
    expect((await fail('templates/list', { appid: mp })).message).toMatch(/mini program/);

    // A job-finish push WeChat never delivers leaves the send without a status (not guessed), and the next one joins.
    stack.sim.setFaults({ dropPushShare: 1 });
    const lost = await ok<TemplateSendRow>('templates/sendTest', { appid: oa, templateId: tpl!.templateId, touser: OPENID, data });
    await until('the dropped job-finish push', () =>
      stack.sim.getPushes({ appid: oa }).find((p) => p.outcome === 'dropped' && p.plaintext.includes(lost.msgid)),
    );
    stack.sim.setFaults({});
    const next = await ok<TemplateSendRow>('templates/sendTest', { appid: oa, templateId: tpl!.templateId, touser: OPENID, data });
    await until('the next job-finish push', () => stack.store.templates.sends(APPID, oa).find((x) => x.msgid === next.msgid)?.status === 'success');
    expect(stack.store.templates.sends(APPID, oa).find((x) => x.msgid === lost.msgid)).toMatchObject({ status: null });
  });
});
