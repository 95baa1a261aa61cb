/**
 * Family mp/register: fastregisterweapp?action=create starts a task (one per enterprise at a time), ?action=search
 * finds it, and the notify_third_fasteregister push (POST /__sim/fastregister) finishes it with the task's fields.
 * The client calls it through its spec (component token as component_access_token=).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, type XmlObject } from '../../src/wechat/xml';
import { WeChatApiError, WeChatClient, WeChatInputError } from '../../src/main/api';
import { startSimulator, type Simulator } from '../../src/sim';
import { mpRegister } from '../../src/wechat';
import { call, cryptFor, infoType, startReceiver, type Receiver } from './helpers';

const TASK = { name: '深圳市快注科技有限公司', code: '91440300MA5F000001', code_type: 1 as const, legal_persona_wechat: 'fa_ren_wx', legal_persona_name: '王五' };
const WHO = { name: TASK.name, legal_persona_wechat: TASK.legal_persona_wechat, legal_persona_name: TASK.legal_persona_name };

let sim: Simulator;
let receiver: Receiver;
let client: WeChatClient;
let token: string;

/** A component token from the latest ticket (the first test moves the clock a day on). */
async function freshToken(): Promise<string> {
  await sim.pushTicket();
  const { componentAppid, componentSecret } = sim.config;
  return (await client.componentToken({ component_appid: componentAppid, component_appsecret: componentSecret, component_verify_ticket: sim.latestTicket()! })).component_access_token;
}

beforeAll(async () => {
  sim = await startSimulator({ accounts: 0, candidates: 0, ticketIntervalSeconds: 0 });
  receiver = await startReceiver(cryptFor(sim));
  sim.setAuthEventUrl(`${receiver.url}/wechat/component`);
  client = new WeChatClient({ baseUrl: sim.url });
  token = await freshToken();
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

const errcodeOf = (p: Promise<unknown>) => p.then(() => 0, (e: WeChatApiError) => e.errcode);

describe('fast registration of an enterprise mini program', () => {
  it('create → a second create for the same enterprise is 89249 → search finds it → the push finishes it', async () => {
    expect(await client.invoke(mpRegister.fastRegisterCreate, token, TASK)).toMatchObject({ errcode: 0 });
    expect(sim.getCalls('/cgi-bin/component/fastregisterweapp').at(-1)).toMatchObject({ errcode: 0, appid: sim.config.componentAppid });
    expect(await errcodeOf(client.invoke(mpRegister.fastRegisterCreate, token, TASK))).toBe(89249);
    expect(await client.invoke(mpRegister.fastRegisterSearch, token, WHO)).toMatchObject({ errcode: 0 });
    expect(await errcodeOf(client.invoke(mpRegister.fastRegisterSearch, token, { ...WHO, legal_persona_name: '赵六' }))).toBe(89250);

    const done = await call(sim.url, '/__sim/fastregister', { name: TASK.name });
    const push = await receiver.waitFor(infoType('notify_third_fasteregister'));
    const info = push.inner.info as XmlObject;
    expect(field(push.inner, 'appid')).toBe(done.appid);
    expect([field(info, 'code'), field(info, 'legal_persona_wechat'), field(info, 'legal_persona_name')]).toEqual([TASK.code, TASK.legal_persona_wechat, TASK.legal_persona_name]);
    expect(await errcodeOf(client.invoke(mpRegister.fastRegisterSearch, token, WHO))).toBe(89250);
    expect(await errcodeOf(client.invoke(mpRegister.fastRegisterCreate, token, TASK))).toBe(0);
    // A task lasts 24 hours at most.
    sim.advanceClock(24 * 3600);
    token = await freshToken();
    expect(await errcodeOf(client.invoke(mpRegister.fastRegisterCreate, token, TASK))).toBe(0);
  });

  it('answers bad requests with the fast-register codes; the client refuses a bad code_type before sending', async () => {
    const raw = (action: string, body: Record<string, unknown>) =>
      call(sim.url, '/cgi-bin/component/fastregisterweapp', body, { action, component_access_token: token });
    expect((await raw('create', { ...TASK, name: 'A 公司', code_type: 4 })).errcode).toBe(89248);
    expect((await raw('create', { ...TASK, name: 'A 公司', code: '9144030' })).errcode).toBe(89255);
    expect((await raw('create', { ...TASK, name: 'A 公司', code_type: 2, code: '12345678X' })).errcode).toBe(0);
    const missing = await raw('create', { name: 'B 公司', code: TASK.code, code_type: 1, legal_persona_wechat: 'x' });
    expect(missing).toMatchObject({ errcode: 89253, errmsg: expect.stringMatching(/^lack of some params: legal_persona_name rid: /) });
    expect((await raw('search', { name: 'C 公司', legal_persona_wechat: 'x', legal_persona_name: 'y' })).errcode).toBe(89250);
    const bogus = await raw('delete', WHO);
    expect(bogus).toMatchObject({ errcode: 40066, errmsg: expect.stringContaining('needs action=create or action=search') });
    await expect(client.invoke(mpRegister.fastRegisterCreate, token, { ...TASK, code_type: 4 as 1 })).rejects.toThrow(WeChatInputError);
    await expect(client.invoke(mpRegister.fastRegisterCreate, token, { ...TASK, code_type: 4 as 1 })).rejects.toThrow(/code_type must be 1 \(credit code\), 2/);
  });
});
