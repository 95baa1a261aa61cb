import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { NodeSecretStore, openStore, type Store, type StoreOptions } from '../../src/main/store/index';

/** Temp folders and stores made by a test file; removed/closed after each test. */
const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-store-'));
  dirs.push(dir);
  return dir;
}

export interface TempStore {
  store: Store;
  dir: string;
  dbPath: string;
  keyPath: string;
}

export function tempStore(options: Partial<StoreOptions> = {}, dir = tempDir()): TempStore {
  const dbPath = join(dir, 'data', 'wxopen.sqlite');
  const keyPath = join(dir, 'keys', 'secret.key');
  const store = openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath), ...options });
  stores.push(store);
  return { store, dir, dbPath, keyPath };
}

/** Registers a store opened by the test itself for closing. */
export function track(store: Store): Store {
  stores.push(store);
  return store;
}
