/**
 * store.mpCode (the appended step: mp_code_commits, mp_code_live): a file at the step before migrates; commits per
 * mini program and user_version (a repeat replaces), the live version recorded, and the library's view of which
 * mini programs run which template: latest commit, live or not, unknown before the live version was read.
 */
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { NodeSecretStore, openStore } from '../../src/main/store/index';
import { rollBackTo } from '../helpers/schema';
import { tempStore } from './temp-store';

const C = 'wx0123456789abcdef';
const A = 'wx1111222233334444';
const B = 'wx5555666677778888';

describe('mini-program code records', () => {
  test('a file at the step before gains the tables', () => {
    const { store, dbPath, keyPath } = tempStore();
    const step = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE mp_code_commits'));
    expect(step).toBeGreaterThan(0);
    store.close();
    const raw = new Database(dbPath);
    rollBackTo(raw, step);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'mp_code_commits'").get()).toEqual({ n: 0 });
    raw.close();
    const again = openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) });
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.mpCode.commits(C, A)).toEqual([]);
    again.close();
  });

  test('commits, the live version, and which mini programs run which template', () => {
    const { store } = tempStore();
    store.mpCode.recordCommit(C, { appid: A, templateId: 1, userVersion: '1.0.0', userDesc: 'first', committedAt: 1000 });
    store.mpCode.recordCommit(C, { appid: B, templateId: 1, userVersion: '1.0.0', userDesc: 'first', committedAt: 1100 });
    // Before any getversioninfo: live unknown.
    expect(store.mpCode.runners(C, 1).map((r) => [r.appid, r.latestCommit, r.live])).toEqual([
      [B, true, null],
      [A, true, null],
    ]);
    store.mpCode.recordCommit(C, { appid: A, templateId: 2, userVersion: '1.1.0', userDesc: 'second', committedAt: 2000 });
    store.mpCode.recordVersions(C, A, { live: '1.0.0', trial: '1.1.0', at: 2100 });
    expect(store.mpCode.runners(C, 1).find((r) => r.appid === A)).toMatchObject({ userVersion: '1.0.0', latestCommit: false, live: true });
    expect(store.mpCode.runners(C, 2)).toEqual([expect.objectContaining({ appid: A, userVersion: '1.1.0', latestCommit: true, live: false })]);
    // The same user_version committed again from another template replaces the record.
    store.mpCode.recordCommit(C, { appid: A, templateId: 3, userVersion: '1.1.0', userDesc: 'again', committedAt: 3000 });
    expect(store.mpCode.runners(C, 2)).toEqual([]);
    expect(store.mpCode.commits(C, A).map((c) => [c.userVersion, c.templateId])).toEqual([
      ['1.1.0', 3],
      ['1.0.0', 1],
    ]);
    expect(store.mpCode.live(C, A)).toEqual({ live: '1.0.0', trial: '1.1.0', checkedAt: 2100 });
    expect(() => store.mpCode.recordCommit(C, { appid: A, templateId: -1, userVersion: 'x', userDesc: 'd', committedAt: 1 })).toThrow(/templateId/);
  });
});
