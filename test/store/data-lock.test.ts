/** The data folder's lock file: atomic, names its holder, and a dead holder's lock on this host is taken over. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { StoreError, acquireDataFolderLock, type DataFolderLock } from '../../src/main/store/index';
import { tempDir } from './temp-store';

const locks: DataFolderLock[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const l of locks.splice(0)) l.release();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function take(dir: string, app = 'console'): DataFolderLock {
  const lock = acquireDataFolderLock(dir, app);
  locks.push(lock);
  return lock;
}

/** A real other process (alive until killed). */
async function otherProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child;
}

function writeLock(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(join(dir, 'wxopen.lock'), JSON.stringify({ app: 'console', startedAt: Date.parse('2026-01-02T03:04:05Z'), nonce: 'n1', ...holder }));
}

function errorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    return err as StoreError;
  }
  throw new Error('expected an error');
}

describe('data folder lock', () => {
  test('writes who holds it (pid, host, start time) in a 0600 file; release removes it', () => {
    const dir = tempDir();
    const lock = take(dir, 'electron');
    const onDisk = JSON.parse(readFileSync(lock.path, 'utf8'));
    expect(onDisk).toMatchObject({ pid: process.pid, hostname: hostname(), app: 'electron' });
    expect(Math.abs(onDisk.startedAt - Date.now())).toBeLessThan(60_000);
    if (process.platform !== 'win32') expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    take(dir); // free again
  });

  test('a second taker gets one line naming the holder, in Chinese and English; the holder keeps it', async () => {
    const dir = tempDir();
    const child = await otherProcess();
    writeLock(dir, { pid: child.pid, hostname: hostname() });
    const err = errorOf(() => take(dir));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe('in_use');
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain(`数据目录 ${dir} 正被另一个 wxopen 进程使用（console，pid ${child.pid}，主机 ${hostname()}，启动于 2026-01-02T03:04:05.000Z）`);
    expect(err.message).toContain(`the data folder ${dir} is in use by another wxopen process (console, pid ${child.pid} on ${hostname()}, started 2026-01-02T03:04:05.000Z): close it first`);
    expect(JSON.parse(readFileSync(join(dir, 'wxopen.lock'), 'utf8')).pid).toBe(child.pid);
  });

  test('two takers in one process: the second is refused too', () => {
    const dir = tempDir();
    take(dir);
    expect(() => take(dir)).toThrow(new RegExp(`pid ${process.pid}`));
  });

  test('a lock left by a dead process on this host is taken over', async () => {
    const dir = tempDir();
    const child = await otherProcess();
    writeLock(dir, { pid: child.pid, hostname: hostname() });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const lock = take(dir, 'demo');
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, app: 'demo' });
  });

  test('a lock from another host is not guessed at: the message says which file to delete if that process is gone', () => {
    const dir = tempDir();
    writeLock(dir, { pid: 999_999_999, hostname: 'other-host.example' });
    expect(() => take(dir)).toThrow(`if that process is gone, delete ${join(dir, 'wxopen.lock')}`);
  });

  test('a lock file with garbage in it counts as being written for a moment, then as stale', () => {
    const dir = tempDir();
    const path = join(dir, 'wxopen.lock');
    writeFileSync(path, '{"pid":');
    expect(() => take(dir)).toThrow(/try again in a moment/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    expect(take(dir).holder.pid).toBe(process.pid);
  });

  test('release leaves a successor\'s lock alone', () => {
    const dir = tempDir();
    const first = take(dir);
    writeLock(dir, { pid: process.pid, hostname: hostname(), nonce: 'successor' });
    first.release();
    expect(JSON.parse(readFileSync(first.path, 'utf8')).nonce).toBe('successor');
  });
});
