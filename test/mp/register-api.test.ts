/**
 * mpregister/* through the router against the real engine, relay and simulator: a task created through the contract is
 * listed and finished by the simulator's push; shapes refused by the schema, rules by the service with the field named
 * (before any WeChat call); an unknown task is not_found; the personal query through mpregister/refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterTask } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { routerCalls, trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, type Stack } from '../helpers/stack';

const APPID = 'wx7171828293930404';

describe('mpregister/* through the router', () => {
  let stack: Stack;
  let router: Router;

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'mp-register-api-secret-0123456789', token: 'mpRegisterApiTk', aesKey: 'MpReGiStErApIkEy0123456789abcdefghijklmnopq', deskKey: 'desk-key-for-the-mp-register-api-0123456' },
      sim: { accounts: 4 },
    }));
    router = trustedRouter(host);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const { ok, fail } = routerCalls(() => router);
  const enterprise = { name: '深圳市接口测试科技有限公司', code: '91440300MA5F000009', codeType: 1, legalPersonaWechat: 'fa_ren_api', legalPersonaName: '赵六' };

  it('creates an enterprise task, lists it, and the push finishes it with the new authorizer', async () => {
    const t = await ok<RegisterTask>('mpregister/createEnterprise', enterprise);
    expect(t.stage).toBe('waiting');
    expect((await ok<RegisterTask[]>('mpregister/list', {}))[0]!.id).toBe(t.id);
    const { appid } = stack.sim.fastRegister({ name: enterprise.name });
    await expect.poll(async () => (await ok<RegisterTask[]>('mpregister/list', {}))[0]!.stage, { timeout: 10_000 }).toBe('done');
    expect(stack.store.authorizers.get(APPID, appid!)).toBeTruthy();
  });

  it('refuses bad shapes and broken rules before any call, naming the field; unknown task is not_found', async () => {
    const before = stack.sim.getCalls('/cgi-bin/component/fastregisterweapp').length;
    expect((await fail('mpregister/createEnterprise', { ...enterprise, extra: 1 })).code).toBe('invalid_arguments');
    expect((await fail('mpregister/createEnterprise', { ...enterprise, codeType: '1' })).code).toBe('invalid_arguments');
    const rule = await fail('mpregister/createEnterprise', { ...enterprise, codeType: 2 });
    expect(rule.code).toBe('invalid_arguments');
    expect(rule.message).toContain('code: an organisation code has 9 characters (now 18)');
    expect(JSON.stringify(rule.details)).toContain('"path":"code"');
    expect(stack.sim.getCalls('/cgi-bin/component/fastregisterweapp').length).toBe(before);
    expect((await fail('mpregister/refresh', { id: 9999 })).code).toBe('not_found');
    expect((await fail('mpregister/submitTicket', { id: 0, ticket: 'x' })).code).toBe('invalid_arguments');
  });

  it('personal: create and refresh (the query) through the router', async () => {
    const t = await ok<RegisterTask>('mpregister/createPersonal', { idname: '钱七', wxuser: 'qianqi_wx' });
    expect(t.taskid).toBeTruthy();
    expect((await ok<RegisterTask>('mpregister/refresh', { id: t.id })).wechatStatus).toBe(0);
    expect(stack.sim.getCalls('/wxa/component/fastregisterpersonalweapp').length).toBe(2);
  });
});
