import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { NodeSecretStore, SCHEMA_VERSION, StoreError, openStore } from '../../src/main/store/index';
import { tempDir, tempStore, track } from './temp-store';

describe('opening and migrating', () => {
  test('migrates an empty file to the current schema, in WAL mode, with every table', () => {
    const { store, dbPath } = tempStore();
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    store.close();
    const raw = new Database(dbPath, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw
        .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
        .all()
        .map((r) => (r as { name: string }).name);
      for (const t of ['platforms', 'tickets', 'tokens', 'authorizers', 'authorizer_funcs', 'auth_links', 'events',
        'events_fts', 'relay_cursor', 'api_calls', 'settings']) {
        expect(tables).toContain(t);
      }
    } finally {
      raw.close();
    }
  });

  test('migrates a schema-1 database with authorizers in it: step 2 indexes them for search', () => {
    const dir = tempDir();
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!);
    raw
      .prepare(`INSERT INTO authorizers (component_appid, appid, kind, nick_name, status, authorized_at, updated_at) VALUES (?, ?, 'OA', ?, 'active', 1, 1)`)
      .run('wxcomp', 'wxold00000000001', '老账号测试');
    raw.pragma('user_version = 1');
    raw.close();
    const store = track(openStore({ path, secrets: new NodeSecretStore(join(dir, 'k')) }));
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.authorizers.list({ componentAppid: 'wxcomp', search: '老账号' }).rows.map((a) => a.appid)).toEqual(['wxold00000000001']);
  });

  test('reopening keeps data and does not re-run migrations', () => {
    const dir = tempDir();
    const first = tempStore({}, dir);
    first.store.settings.set('theme', 'dark');
    first.store.close();
    const again = tempStore({}, dir);
    expect(again.store.settings.get('theme')).toBe('dark');
    expect(again.store.schemaVersion).toBe(SCHEMA_VERSION);
  });

  test('refuses a database written by a newer app, naming both schema versions', () => {
    const dir = tempDir();
    const { dbPath, keyPath, store } = tempStore({}, dir);
    store.close();
    const raw = new Database(dbPath);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    raw.close();
    let error: unknown;
    try {
      openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('newer_schema');
    expect((error as Error).message).toContain(
      `this database was written by a newer wxopen-console (schema ${SCHEMA_VERSION + 3}, this app knows ${SCHEMA_VERSION}): ` +
        'update the app or choose another data folder',
    );
  });

  test('gives a clear error for a file that is not a database', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'garbage.sqlite');
    writeFileSync(dbPath, Buffer.alloc(8192, 0x41));
    expect(() => openStore({ path: dbPath, secrets: new NodeSecretStore(join(dir, 'k')) })).toThrow(
      /is not a readable wxopen-console database .*restore it from a backup/,
    );
  });

  test('gives a clear error for a database whose pages are corrupt', () => {
    const dir = tempDir();
    const { dbPath, store } = tempStore({}, dir);
    store.platforms.upsert({ componentAppid: 'wxcomp1', name: 'P' });
    store.close();
    // Keep the 100-byte header valid but overwrite the schema page's content.
    const bytes = Buffer.from(readFileSync(dbPath));
    bytes.fill(0xee, 100, 4096);
    writeFileSync(dbPath, bytes);
    let error: unknown;
    try {
      track(openStore({ path: dbPath, secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')) }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('unreadable');
    expect((error as Error).message).toContain(dbPath);
  });

  test('validates its options', () => {
    const dir = tempDir();
    const secrets = new NodeSecretStore(join(dir, 'k'));
    // @ts-expect-error: untyped caller
    expect(() => openStore({ secrets })).toThrow(/path of the database file/);
    // @ts-expect-error: untyped caller
    expect(() => openStore({ path: join(dir, 'a.sqlite') })).toThrow(/needs a SecretStore/);
    expect(() => openStore({ path: join(dir, 'a.sqlite'), secrets, apiLogKeep: 0 })).toThrow(/apiLogKeep/);
  });

  test('transaction rolls back every repository write when fn throws', () => {
    const { store } = tempStore();
    expect(() =>
      store.transaction(() => {
        store.platforms.upsert({ componentAppid: 'wxcomp1', name: 'P' });
        store.settings.set('k', 1, 'wxcomp1');
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.platforms.get('wxcomp1')).toBeNull();
    expect(store.settings.get('k', 'wxcomp1')).toBeUndefined();
    expect(store.transaction(() => 42)).toBe(42);
  });
});
