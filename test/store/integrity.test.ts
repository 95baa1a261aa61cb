/**
 * A damaged page is found at start (PRAGMA quick_check), not when a query happens to hit it; and the online backup
 * (better-sqlite3 db.backup) gives a 0600 copy that opens and has the rows.
 */
import Database from 'better-sqlite3';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NodeSecretStore, StoreError, openStore, type Store } from '../../src/main/store/index';
import { corruptTableRootPage } from '../fixtures/corrupt-db';
import { tempDir, tempStore, track } from './temp-store';

const C = 'wxcomp1';

/** A store with rows in several tables, closed and checkpointed so every page is in the main file. */
function filledStore(dir: string) {
  const t = tempStore({}, dir);
  t.store.platforms.upsert({ componentAppid: C, name: '平台一' });
  t.store.settings.set('theme', 'dark');
  t.store.authorizers.upsertMany(
    Array.from({ length: 2000 }, (_, i) => ({ componentAppid: C, appid: `wx${String(i).padStart(16, '0')}`, kind: 'OA' as const, nickName: `公众号 ${i}` })),
  );
  t.store.checkpoint();
  t.store.close();
  return t;
}

describe('integrity check at start', () => {
  test('a healthy store passes quick_check', () => {
    const { store } = tempStore();
    const report = store.quickCheck();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.ms).toBeGreaterThanOrEqual(0);
  });

  test('a damaged table page still opens, and quick_check reports it before any query hits it', () => {
    const dir = tempDir();
    const { dbPath, keyPath } = filledStore(dir);
    corruptTableRootPage(dbPath, 'authorizers');
    const store = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    expect(store.platforms.get(C)?.name).toBe('平台一'); // other tables still answer
    const report = store.quickCheck();
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.join('\n')).toMatch(/page|btree|malformed/i);
    for (const line of report.problems) expect(line).not.toMatch(/\n|\*\*\* in database/);
    // … which is what a query would have met much later:
    expect(() => store.authorizers.list({ componentAppid: C })).toThrow(/malformed/);
  });

  test('the check at start runs in a worker thread on its own connection, with the same findings', async () => {
    const dir = tempDir();
    const { dbPath, keyPath } = filledStore(dir);
    const healthy = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    expect(await healthy.quickCheckInBackground()).toMatchObject({ ok: true, problems: [] });
    healthy.close();

    corruptTableRootPage(dbPath, 'authorizers');
    const store = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    const pending = store.quickCheckInBackground();
    // The main thread is free meanwhile: this store answers while the worker reads the file.
    expect(store.platforms.get(C)?.name).toBe('平台一');
    const report = await pending;
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(store.quickCheck().problems);
  });
});

describe('online backup', () => {
  async function backupOf(store: Store, dir: string) {
    const out = join(dir, 'copies', 'backup.db');
    const result = await store.backup(out);
    return { out, result };
  }

  test('writes a 0600 copy that opens and has the rows, while the store stays open and writable', async () => {
    const dir = tempDir();
    const { dbPath, keyPath } = filledStore(dir);
    const store = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    store.settings.set('after', 'checkpoint'); // still only in the WAL: the backup must include it
    const { out, result } = await backupOf(store, dir);
    expect(result).toMatchObject({ path: out, bytes: statSync(out).size, integrity: { ok: true, problems: [] } });
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o600);
    const copy = new Database(out, { readonly: true });
    try {
      expect(copy.prepare('SELECT count(*) AS n FROM authorizers').get()).toEqual({ n: 2000 });
      expect(copy.prepare(`SELECT name FROM platforms WHERE component_appid = ?`).get(C)).toEqual({ name: '平台一' });
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
    const reopened = track(openStore({ path: out, secrets: new NodeSecretStore(keyPath) }));
    expect(reopened.settings.get('after')).toBe('checkpoint');
    store.settings.set('still', 'writable');
  });

  test('a damaged database still backs up: the copy opens, keeps the readable tables and reports its own damage', async () => {
    const dir = tempDir();
    const { dbPath, keyPath } = filledStore(dir);
    corruptTableRootPage(dbPath, 'authorizers');
    const store = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    const { out, result } = await backupOf(store, dir);
    expect(result.integrity.ok).toBe(false);
    const copy = new Database(out, { readonly: true });
    try {
      expect(copy.prepare(`SELECT name FROM platforms`).all()).toEqual([{ name: '平台一' }]);
      expect(copy.prepare(`SELECT value FROM settings WHERE key = 'theme'`).get()).toBeDefined();
    } finally {
      copy.close();
    }
  });

  test('never overwrites a file, and names the path in a clear error', async () => {
    const dir = tempDir();
    const { store } = tempStore({}, dir);
    const out = join(dir, 'exists.db');
    writeFileSync(out, 'keep me');
    await expect(store.backup(out)).rejects.toThrow(new RegExp(`${out} already exists: choose a new file name`));
    await expect(store.backup(out)).rejects.toBeInstanceOf(StoreError);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });
});
