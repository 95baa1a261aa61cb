/**
 * The registration-task step (appended to MIGRATIONS; found by its SQL, not its index): a file from before it gains the
 * table, tasks are stored and found by WeChat's ids, and a change is conditional on the stage when asked.
 */
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { NodeSecretStore, openStore, SCHEMA_VERSION } from '../../src/main/store';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { rollBackTo } from '../helpers/schema';
import { tempStore, track } from './temp-store';

const C = 'wx1234567890abcdef';
const STEP = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE mp_register_tasks'));

describe('mp_register_tasks', () => {
  test('a file from before the step gains the table; tasks are found by taskid, unique_id, link id and appid', () => {
    expect(STEP).toBeGreaterThan(0);
    const { store, dbPath, keyPath } = tempStore();
    store.close();
    const raw = new Database(dbPath);
    rollBackTo(raw, STEP);
    raw.close();
    const s = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    const t = s.mpRegister.create({ componentAppid: C, kind: 'personal', name: '张三', inputs: { idname: '张三', wxuser: 'zhangsan_wx' } });
    expect(t).toMatchObject({ stage: 'submitted', inputs: { idname: '张三', wxuser: 'zhangsan_wx' }, finishedAt: null });
    expect(s.mpRegister.update(C, t.id, { stage: 'waiting', taskid: 'task-1' }, ['submitted'])).toBe(true);
    expect(s.mpRegister.update(C, t.id, { stage: 'registering' }, ['submitted'])).toBe(false); // not there any more
    expect(s.mpRegister.findBy(C, 'taskid', 'task-1', 'personal')?.id).toBe(t.id);
    expect(s.mpRegister.findBy(C, 'taskid', 'task-1', 'beta')).toBeNull();
    expect(s.mpRegister.update(C, t.id, { stage: 'done', appid: 'wx00000000000000aa' })).toBe(true);
    expect(s.mpRegister.get(C, t.id)).toMatchObject({ stage: 'done', appid: 'wx00000000000000aa', finishedAt: expect.any(Number) });
    expect(s.mpRegister.findBy(C, 'appid', 'wx00000000000000aa')?.id).toBe(t.id);
    const link = s.mpRegister.create({ componentAppid: C, kind: 'via_oa', name: 'OA', inputs: { oaAppid: 'wx00000000000000bb' }, linkId: 'link-0123456789abcdef' });
    expect(s.mpRegister.findBy(C, 'linkId', 'link-0123456789abcdef', 'via_oa')?.id).toBe(link.id);
    expect(() => s.mpRegister.create({ componentAppid: C, kind: 'via_oa', name: 'OA', inputs: {}, linkId: 'link-0123456789abcdef' })).toThrow(/UNIQUE/);
    expect(s.mpRegister.list(C).map((x) => x.id)).toEqual([link.id, t.id]);
    expect(s.mpRegister.list('wx0000000000000000')).toEqual([]);
  });
});
