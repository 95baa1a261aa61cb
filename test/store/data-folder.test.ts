/** The data folder on disk: 0600 files in a 0700 folder whatever the umask and whatever existed before. */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { NodeSecretStore, openStore } from '../../src/main/store/index';
import { tempDir, track } from './temp-store';

const posix = process.platform !== 'win32';
const mode = (p: string) => statSync(p).mode & 0o7777;

describe.runIf(posix)('data folder permissions', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o022); // the usual desktop umask: new files 0644, folders 0755
  });
  afterEach(() => {
    process.umask(umask);
  });

  function openIn(dir: string) {
    const store = track(openStore({ path: join(dir, 'console.db'), secrets: new NodeSecretStore(join(dir, 'secret.key')) }));
    store.settings.set('touch', 1); // a write: the WAL and shared-memory files exist now
    return store;
  }

  test('a folder that already exists (0755) gets 0700; the database, -wal, -shm and key file are 0600', () => {
    const dir = join(tempDir(), 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    openIn(dir);
    expect(mode(dir)).toBe(0o700);
    for (const f of ['console.db', 'console.db-wal', 'console.db-shm', 'secret.key']) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
  });

  test('files an older version left 0644 are narrowed to 0600 when opened', () => {
    const dir = join(tempDir(), 'data');
    const first = openIn(dir);
    first.close();
    chmodSync(dir, 0o755);
    for (const f of ['console.db', 'console.db-wal', 'console.db-shm']) {
      try {
        chmodSync(join(dir, f), 0o644);
      } catch {
        writeFileSync(join(dir, f), '', { mode: 0o644 }); // a clean close may have removed -wal/-shm
      }
    }
    const again = openIn(dir);
    expect(again.settings.get('touch')).toBe(1);
    expect(mode(dir)).toBe(0o700);
    for (const f of ['console.db', 'console.db-wal', 'console.db-shm']) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
  });

  test('a shared sticky folder (like /tmp) is left alone; only our files are narrowed', () => {
    const dir = join(tempDir(), 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    const store = track(openStore({ path: join(dir, 'x.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'k')) }));
    store.settings.set('touch', 1);
    expect(mode(dir)).toBe(0o1777);
    expect(mode(join(dir, 'x.db'))).toBe(0o600);
    expect(mode(join(dir, 'keys'))).toBe(0o700);
  });
});
