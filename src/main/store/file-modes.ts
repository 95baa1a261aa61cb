/**
 * The data folder holds secrets (the key file) and everything the console knows: 0600 files in a 0700 folder,
 * whatever the umask and whatever an older version left behind. POSIX only: on Windows ACLs decide.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

const POSIX = process.platform !== 'win32';

/**
 * Creates the folder (0700) or narrows an existing one to 0700. A shared folder is left alone: a sticky one such as
 * /tmp, one owned by another user, the home folder and the root.
 */
export function ensurePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!POSIX) return;
  const st = statSync(dir);
  if ((st.mode & 0o777) === 0o700) return;
  if ((st.mode & 0o1000) !== 0) return;
  if (process.getuid && st.uid !== process.getuid()) return;
  const full = resolve(dir);
  if (full === resolve(homedir()) || full === resolve('/')) return;
  chmodSync(dir, 0o700);
}

/** Narrows an existing file to 0600; a missing file is fine. */
export function narrowToPrivate(path: string): void {
  if (!POSIX) return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (mode !== 0o600) chmodSync(path, 0o600);
}

/**
 * Creates the file empty with mode 0600 if it does not exist, so that SQLite (which gives new files 0644, and its
 * -wal/-shm files the database file's mode) never creates it readable by others.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  narrowToPrivate(path); // the umask may have narrowed it further, or an older version left it wider
}
