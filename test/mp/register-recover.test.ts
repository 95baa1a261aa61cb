/**
 * A registration whose create call was in flight when the console stopped: at the next start an enterprise task waits
 * (its search can tell), the others fail saying why; no WeChat call is made; a task past `submitted` is untouched.
 */
import { describe, expect, test } from 'vitest';
import { WeChatTransportError } from '../../src/main/api';
import { MpRegistration } from '../../src/main/mp/register';
import { INTERRUPTED_CREATE, UNANSWERED_CREATE } from '../../src/shared/mp/register';
import { tempStore, track } from '../store/temp-store';

const C = 'wx1234567890abcdef';

describe('registration tasks interrupted by a stop', () => {
  test('at start: enterprise → waiting, personal and trial → failed, with the interruption named; nothing called', () => {
    const { store } = tempStore();
    track(store);
    const mk = (kind: 'enterprise' | 'personal' | 'beta', name: string) => store.mpRegister.create({ componentAppid: C, kind, name, inputs: { name } });
    const ent = mk('enterprise', '某某科技');
    const per = mk('personal', '张三');
    const beta = mk('beta', '试用');
    const moved = mk('personal', '李四');
    store.mpRegister.update(C, moved.id, { stage: 'waiting', taskid: 'task-9' });
    const calls: string[] = [];
    const changed: number[] = [];
    const reg = new MpRegistration({
      store,
      componentAppid: C,
      invoke: async (spec) => {
        calls.push(spec.path);
        throw new Error('no call expected');
      },
      exchangeCode: async () => {
        throw new Error('no exchange expected');
      },
      registerOnRelay: null,
      relayPublicUrl: null,
      onChange: (t) => changed.push(t.id),
    });
    expect(reg.recoverInterrupted()).toBe(3);
    expect(reg.get(ent.id)).toMatchObject({ stage: 'waiting', errorMsg: INTERRUPTED_CREATE });
    expect(reg.get(per.id)).toMatchObject({ stage: 'failed', errorMsg: INTERRUPTED_CREATE });
    expect(reg.get(beta.id)).toMatchObject({ stage: 'failed', errorMsg: INTERRUPTED_CREATE });
    expect(reg.get(moved.id)).toMatchObject({ stage: 'waiting', taskid: 'task-9', errorMsg: null });
    expect(changed.sort()).toEqual([ent.id, per.id, beta.id].sort());
    expect(calls).toEqual([]);
    expect(reg.recoverInterrupted()).toBe(0);
  });

  test('a create WeChat did not answer: enterprise waits (its search and its result push can tell), a personal one fails saying so; one that never left fails as refused', async () => {
    const { store } = tempStore();
    track(store);
    let failure: Error = new WeChatTransportError('timeout', '/cgi-bin/component/fastregisterweapp', 'no answer within 15000 ms', null, 'UND_ERR_HEADERS_TIMEOUT');
    const reg = new MpRegistration({
      store,
      componentAppid: C,
      invoke: async () => {
        throw failure;
      },
      exchangeCode: async () => {
        throw new Error('no exchange expected');
      },
      registerOnRelay: null,
      relayPublicUrl: null,
    });
    const enterprise = { name: '深圳市超时测试科技有限公司', code: '91440300MA5F000001', codeType: 1, legalPersonaWechat: 'fa_ren_wx', legalPersonaName: '王五' };
    expect(await reg.createEnterprise(enterprise)).toMatchObject({ stage: 'waiting', errorMsg: UNANSWERED_CREATE, errcode: null });
    expect(await reg.createPersonal({ idname: '张三', wxuser: 'zhangsan_wx', componentPhone: '' })).toMatchObject({ stage: 'failed', errorMsg: UNANSWERED_CREATE });
    failure = new WeChatTransportError('network', '/cgi-bin/component/fastregisterweapp', 'connect ECONNREFUSED', null, 'ECONNREFUSED');
    expect(await reg.createEnterprise({ ...enterprise, name: '深圳市拒绝测试科技有限公司' })).toMatchObject({ stage: 'failed', errorMsg: expect.stringContaining('ECONNREFUSED') });
  });
});
