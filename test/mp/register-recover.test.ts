/**
 * A registration whose create call was in flight when the console stopped: at the next start an enterprise task waits
 * (its search can tell), the others fail saying why; no WeChat call is made; a task past `submitted` is untouched.
 */
import { describe, expect, test } from 'vitest';
import { MpRegistration } from '../../src/main/mp/register';
import { INTERRUPTED_CREATE } from '../../src/shared/mp/register';
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
});
