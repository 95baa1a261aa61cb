/**
 * One process per data folder. Two would share the relay cursor (each acking pushes the other never processed) and
 * overwrite each other's settings. The lock is a file, `wxopen.lock`, holding who took it (pid, host, start time);
 * it is created atomically and complete (written to a temporary file, then hard-linked into place, which fails if
 * the lock exists: O_EXCL semantics, and a reader never sees half a lock). A lock left by a dead process on this
 * host is taken over; one from another host (a shared folder) is reported with the path to delete by hand.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors';
import { ensurePrivateFolder } from './file-modes';

export const LOCK_FILE_NAME = 'wxopen.lock';

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the holder took the lock (ms since the epoch). */
  startedAt: number;
  /** Which kind of process: electron, console, demo. */
  app: string;
  /** Tells our own lock from a successor's when releasing. */
  nonce: string;
}

export interface DataFolderLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Also runs at process exit. */
  release(): void;
}

/** A lock file that cannot be parsed is treated as being written right now, until it is this old. */
const UNREADABLE_GRACE_MS = 5_000;

/** Takes the data folder's lock or throws StoreError 'in_use' with a one-line message (zh, then en). */
export function acquireDataFolderLock(dataDir: string, app: string): DataFolderLock {
  ensurePrivateFolder(dataDir);
  const path = join(dataDir, LOCK_FILE_NAME);
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: Date.now(), app, nonce: randomBytes(8).toString('hex') };
  const content = JSON.stringify(holder) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, content)) return held(path, holder);
    const current = readHolder(path);
    if (current === 'missing') continue; // released meanwhile: try again
    if (!isStale(current, path)) throw inUse(dataDir, path, current);
    // Stale: move it aside (atomic), then check that what moved is the stale lock and not a fresh one someone took
    // in between; if it is fresh, put it back and report it.
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readHolder(aside);
    if (moved !== 'missing' && moved !== 'unreadable' && (current === 'unreadable' || moved.nonce !== current.nonce)) {
      try {
        linkSync(aside, path);
      } catch {
        // someone else took it meanwhile; theirs stands
      }
      rmSync(aside, { force: true });
      throw inUse(dataDir, path, moved);
    }
    rmSync(aside, { force: true });
  }
  throw new StoreError('in_use', `数据目录 ${dataDir} 的锁 ${path} 反复被抢占，请稍后重试 / the lock ${path} of the data folder ${dataDir} kept changing hands: try again`);
}

function tryCreate(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
    return createExclusive(path, content); // a file system without hard links
  } finally {
    rmSync(temp, { force: true });
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (Number.isInteger(h.pid) && typeof h.hostname === 'string' && typeof h.nonce === 'string') return h;
  } catch {
    // fall through
  }
  return 'unreadable';
}

function isStale(h: LockHolder | 'unreadable', path: string): boolean {
  if (h === 'unreadable') {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
    } catch {
      return true;
    }
  }
  return h.hostname === hostname() && !isAlive(h.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function inUse(dataDir: string, path: string, h: LockHolder | 'unreadable'): StoreError {
  if (h === 'unreadable') {
    return new StoreError(
      'in_use',
      `数据目录 ${dataDir} 正被另一个 wxopen 进程占用（锁文件 ${path} 正在写入）；请稍后重试 / ` +
        `the data folder ${dataDir} is being locked by another wxopen process right now (${path}): try again in a moment`,
    );
  }
  const started = new Date(h.startedAt).toISOString();
  const sameHost = h.hostname === hostname();
  return new StoreError(
    'in_use',
    `数据目录 ${dataDir} 正被另一个 wxopen 进程使用（${h.app}，pid ${h.pid}，主机 ${h.hostname}，启动于 ${started}）：` +
      `请先关闭它，或换一个数据目录${sameHost ? '' : `；若该进程已不在，请删除 ${path}`} / ` +
      `the data folder ${dataDir} is in use by another wxopen process (${h.app}, pid ${h.pid} on ${h.hostname}, ` +
      `started ${started}): close it first or choose another data folder${sameHost ? '' : `; if that process is gone, delete ${path}`}`,
  );
}

function held(path: string, holder: LockHolder): DataFolderLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readHolder(path);
    if (current !== 'missing' && current !== 'unreadable' && current.nonce === holder.nonce) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, holder, release };
}
