/**
 * The desk's registration of mini programs (src/main/mp/register.ts) against the real simulator through a real relay:
 * enterprise (the result push finishes the task, the new mini program becomes an authorizer; 61070 and 89249 fail it,
 * explained), personal (taskid, query, push with taskid), trial (push, authorized push, verification), and via an
 * official account with the relay (start page → WeChat's page → landing → account/fastregister → exchange) and
 * without one (the operator pastes the landing address). Bad input is refused before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError, errorText } from '../../src/main/errors';
import { MpRegistration } from '../../src/main/mp/register';
import { explainErrcode } from '../../src/shared/errcodes';
import type { RegisterTask } from '../../src/shared/mp/register';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5151626273738484';
const ENTERPRISE = { name: '深圳市注册测试科技有限公司', code: '91440300MA5F000001', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' };

describe('desk: registering mini programs', () => {
  let stack: Stack;
  let reg: MpRegistration;

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'mp-register-desk-secret-0123456789', token: 'mpRegisterDeskTk', aesKey: 'MpReGiStErDeSkKeY0123456789abcdefghijklmnop', deskKey: 'desk-key-for-the-mp-register-test-012345' },
      sim: { accounts: 6 },
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
    reg = stack.engine.mpRegister;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const refused = async (p: Promise<unknown>): Promise<ServiceError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    return err as ServiceError;
  };
  const fields = (e: ServiceError) => (e.details as { issues: { path: string }[] }).issues.map((i) => i.path);
  const task = (id: number) => reg.get(id);
  const stageOf = (id: number, stage: RegisterTask['stage']) => until(`task ${id} ${stage}`, () => task(id).stage === stage && task(id));

  it('refuses bad input before any call, naming the field', async () => {
    const calls = () =>
      ['/cgi-bin/component/fastregisterweapp', '/wxa/component/fastregisterpersonalweapp', '/wxa/component/fastregisterbetaweapp', '/cgi-bin/account/fastregister', '/wxa/verifybetaweapp'].flatMap((p) => stack.sim.getCalls(p));
    const before = calls().length;
    const cases: [Promise<unknown>, string][] = [
      [reg.createEnterprise({ ...ENTERPRISE, code: '91440300MA5F' }), 'code'], // 12, not 18
      [reg.createEnterprise({ ...ENTERPRISE, codeType: 2, code: '1234567890' }), 'code'], // 10, not 9
      [reg.createEnterprise({ ...ENTERPRISE, codeType: 3, code: '12345678901234' }), 'code'], // 14, not 15
      [reg.createEnterprise({ ...ENTERPRISE, codeType: 4 }), 'codeType'],
      [reg.createEnterprise({ ...ENTERPRISE, legalPersonaWechat: '13800000000' }), 'legalPersonaWechat'],
      [reg.createEnterprise({ ...ENTERPRISE, name: '' }), 'name'],
      [reg.createEnterprise({ ...ENTERPRISE, legalPersonaName: 'x'.repeat(31) }), 'legalPersonaName'],
      [reg.createEnterprise({ ...ENTERPRISE, componentPhone: 'call me' }), 'componentPhone'],
      [reg.createPersonal({ idname: '张三', wxuser: 'a b' }), 'wxuser'],
      [reg.createPersonal({ idname: ' ', wxuser: 'zhangsan_wx' }), 'idname'],
      [reg.createBeta({ name: '试用', openid: 'bad openid!' }), 'openid'],
      [reg.createBeta({ name: 'x'.repeat(31), openid: 'oTrialUser0000001' }), 'name'],
      [reg.createViaOa({ oaAppid: 'wxnot-an-appid', copyWxVerify: true }), 'oaAppid'],
      [reg.createViaOa({ oaAppid: stack.sim.seededAccount(1).appid, copyWxVerify: true }), 'oaAppid'], // a mini program
      [reg.createViaOa({ oaAppid: stack.sim.seededAccount(0).appid, copyWxVerify: true, redirectUri: 'ftp://x' }), 'redirectUri'],
    ];
    for (const [p, field] of cases) {
      const e = await refused(p);
      expect(e.code).toBe('invalid_arguments');
      expect(fields(e), field).toContain(field);
      expect(e.messageZh).toMatch(/^未发送：/);
    }
    const codeLength = await refused(reg.createEnterprise({ ...ENTERPRISE, code: '91440300MA5F' }));
    expect(codeLength.message).toContain('a unified social credit code has 18 characters (now 12)');
    expect(codeLength.messageZh).toContain('统一社会信用代码须为 18 位（现在 12 位）');
    expect(calls().length).toBe(before);
    expect(reg.list().length).toBe(0);
  });

  it('enterprise: waiting until the result push, then done with the new mini program as an authorizer', async () => {
    const t = await reg.createEnterprise(ENTERPRISE);
    expect(t).toMatchObject({ kind: 'enterprise', stage: 'waiting', name: ENTERPRISE.name });
    expect(t.inputs).toEqual(ENTERPRISE);
    expect((await reg.refresh(t.id)).errcode).toBeNull(); // the search finds it
    const { appid } = stack.sim.fastRegister({ name: ENTERPRISE.name });
    const done = await stageOf(t.id, 'done');
    expect(done.appid).toBe(appid);
    expect(done.finishedAt).toBeTypeOf('number');
    expect(stack.store.authorizers.get(APPID, appid!)).toMatchObject({ appid, kind: 'MP' });
    expect(stack.emitted.some((e) => e.event === 'mpregister:changed' && (e.payload as RegisterTask).stage === 'done')).toBe(true);
  });

  it('enterprise failures: a second task while one runs (89249) and a failed result push (61070), explained', async () => {
    const first = await reg.createEnterprise({ ...ENTERPRISE, name: '深圳市失败测试有限公司' });
    expect(first.stage).toBe('waiting');
    const again = await reg.createEnterprise({ ...ENTERPRISE, name: '深圳市失败测试有限公司' });
    expect(again).toMatchObject({ stage: 'failed', errcode: 89249 });
    expect(explainErrcode(89249).zh).toContain('24 小时');
    stack.sim.fastRegister({ name: '深圳市失败测试有限公司', status: 61070, msg: 'name, idcard, wechat name not in accordance' });
    const failed = await stageOf(first.id, 'failed');
    expect(failed).toMatchObject({ errcode: 61070, wechatStatus: 61070, errorMsg: 'name, idcard, wechat name not in accordance', appid: null });
    expect(explainErrcode(61070).en).toContain("legal person's name and WeChat ID");
    // A status that is not an errcode (-1 "open verity failed") is shown as WeChat's status, not explained as -1.
    const other = await reg.createEnterprise({ ...ENTERPRISE, name: '深圳市状态测试有限公司' });
    stack.sim.fastRegister({ name: '深圳市状态测试有限公司', status: -1 });
    expect(await stageOf(other.id, 'failed')).toMatchObject({ errcode: null, wechatStatus: -1, errorMsg: 'status -1 open verity failed' });
  });

  it('personal: taskid and authorize_url, the query, then the push with taskid finishes it', async () => {
    const t = await reg.createPersonal({ idname: '李四', wxuser: 'lisi_wx_01' });
    expect(t).toMatchObject({ stage: 'waiting', wechatStatus: 0 });
    expect(t.taskid).toMatch(/^wxa_personal_/);
    expect(t.authorizeUrl).toContain(t.taskid);
    expect((await reg.refresh(t.id)).wechatStatus).toBe(0);
    const { appid } = stack.sim.fastRegister({ taskid: t.taskid! });
    expect((await stageOf(t.id, 'done')).appid).toBe(appid);
    expect(stack.store.authorizers.get(APPID, appid!)).toBeTruthy();
  });

  it('trial: unique_id, the result push and the authorized push finish it; then its verification', async () => {
    const t = await reg.createBeta({ name: '试用小程序一号', openid: 'oTrialUser0000001' });
    expect(t.uniqueId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.authorizeUrl).toBeTruthy();
    const early = await refused(reg.verifyBeta(t.id, { enterpriseName: '深圳市试用科技有限公司', code: '91440300MA5F000002', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' }));
    expect(fields(early)).toEqual(['id']);
    const r = stack.sim.fastRegisterBeta({ uniqueId: t.uniqueId! });
    await r.authorized;
    const done = await stageOf(t.id, 'done');
    expect(done.appid).toBe(r.appid);
    expect(stack.store.authorizers.get(APPID, r.appid!)).toBeTruthy();

    const calls = stack.sim.getCalls('/wxa/verifybetaweapp').length;
    const bad = await refused(reg.verifyBeta(t.id, { enterpriseName: '深圳市试用科技有限公司', code: '123', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' }));
    expect(fields(bad)).toEqual(['code']);
    expect(stack.sim.getCalls('/wxa/verifybetaweapp').length).toBe(calls);
    expect((await reg.verifyBeta(t.id, { enterpriseName: '深圳市试用科技有限公司', code: '91440300MA5F000002', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' })).verifyStage).toBe('waiting');
    await stack.sim.fastVerifyBeta({ appid: r.appid!, status: 0 }).push;
    await until('verified', () => task(t.id).verifyStage === 'done');
  });

  it('via an official account with the relay: start page → WeChat page → confirm → landing → registered and authorized; a forged landing does nothing', async () => {
    const oa = stack.sim.seededAccount(0).appid;
    const t = await reg.createViaOa({ oaAppid: oa, copyWxVerify: true });
    expect(t.stage).toBe('waiting');
    expect(t.startUrl).toBe(`${stack.relay.url}/authorize/${t.linkId}`);
    const page = new URL(t.registerUrl!);
    expect(page.origin + page.pathname).toBe(`${stack.sim.url}/cgi-bin/fastregisterauth`);
    expect(page.searchParams.get('redirect_uri')).toBe(`${stack.relay.url}/authorized?link=${t.linkId}`);

    // A forged landing for an unknown link: refused by the relay, no WeChat call.
    const before = stack.sim.getCalls('/cgi-bin/account/fastregister').length;
    expect((await fetch(`${stack.relay.url}/authorized?link=unknownLink00000000&ticket=forged`)).status).toBe(404);

    const start = await (await fetch(t.startUrl!)).text();
    const href = /href="([^"]+fastregisterauth[^"]+)"/.exec(start)![1]!.replace(/&amp;/g, '&');
    expect((await fetch(href)).status).toBe(200);
    const confirm = await fetch(`${stack.sim.url}/cgi-bin/fastregisterauth/confirm`, { method: 'POST', body: new URL(href).searchParams, redirect: 'manual' });
    const landing = await fetch(confirm.headers.get('location')!);
    expect(landing.status).toBe(200);
    const done = await stageOf(t.id, 'done');
    expect(stack.sim.getCalls('/cgi-bin/account/fastregister').length).toBe(before + 1);
    expect(stack.store.authorizers.get(APPID, done.appid!)).toMatchObject({ kind: 'MP' });
    // A second landing for the same link is refused by the relay (once per link).
    expect((await fetch(confirm.headers.get('location')!)).status).toBe(409);
  });

  it('a ticket push for a link this desk did not make (a relay that let it through) makes no WeChat call; the event says why', async () => {
    const before = stack.sim.getCalls('/cgi-bin/account/fastregister').length;
    const r = await stack.engine.inbox.process({ seq: null, kind: 'auth_redirect', appid: null, query: {}, body: JSON.stringify({ ticket: 'forged-ticket', link: 'notThisDesksLink0000' }), receivedAt: Date.now() });
    await stack.engine.inbox.idle();
    const e = await until('the event failed', () => {
      const ev = stack.store.events.get(r.eventId);
      return ev?.status === 'failed' && ev;
    });
    expect(e.infoType).toBe('fastregister_ticket');
    expect(e.failReason).toContain('notThisDesksLink0000');
    expect(stack.sim.getCalls('/cgi-bin/account/fastregister').length).toBe(before);
  });

  it('via an official account without a relay: the redirect URL is required, and the pasted landing address completes it; a used ticket fails with 61058', async () => {
    const local = new MpRegistration({
      store: stack.store,
      componentAppid: APPID,
      invoke: (spec, appid, req) => stack.engine.invokeAs(spec, appid, req),
      exchangeCode: (code, hint) => stack.engine.authorization.exchangeCode(code, hint),
      registerOnRelay: null,
      relayPublicUrl: null,
      registerPageBase: stack.sim.url,
    });
    const oa = stack.sim.seededAccount(2).appid;
    const noRedirect = await refused(local.createViaOa({ oaAppid: oa, copyWxVerify: false }));
    expect(fields(noRedirect)).toEqual(['redirectUri']);
    expect(noRedirect.messageZh).toContain('粘贴');
    const t = await local.createViaOa({ oaAppid: oa, copyWxVerify: false, redirectUri: 'https://platform.example.com/registered' });
    expect(t).toMatchObject({ stage: 'waiting', startUrl: null });
    const confirm = await fetch(`${stack.sim.url}/cgi-bin/fastregisterauth/confirm`, { method: 'POST', body: new URL(t.registerUrl!).searchParams, redirect: 'manual' });
    const landed = confirm.headers.get('location')!;
    expect(landed).toMatch(/^https:\/\/platform\.example\.com\/registered\?ticket=/);
    expect(fields(await refused(local.submitTicket(t.id, 'https://platform.example.com/registered')))).toEqual(['ticket']);
    const done = await local.submitTicket(t.id, landed);
    expect(done.stage).toBe('done');
    expect(stack.store.authorizers.get(APPID, done.appid!)).toBeTruthy();
    // Once per task; the ticket itself is spent at WeChat too.
    expect((await refused(local.submitTicket(t.id, landed))).code).toBe('conflict');
    const t2 = await local.createViaOa({ oaAppid: oa, copyWxVerify: false, redirectUri: 'https://platform.example.com/registered' });
    const failed = await local.submitTicket(t2.id, new URL(landed).searchParams.get('ticket')!);
    expect(failed).toMatchObject({ stage: 'failed', errcode: 61058 });
    expect(errorText(new ServiceError('invalid_arguments', { en: explainErrcode(61058).en, zh: explainErrcode(61058).zh })).zh).toContain('重新打开注册链接');
  });
});
