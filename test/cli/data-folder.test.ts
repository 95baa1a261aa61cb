/**
 * The data folder through the real `wxopen` processes: one console per folder (the second names the first in one
 * line; a killed one's lock is taken over), a damaged database raises the alert at start, and backups (the CLI's
 * `wxopen backup` and the setup screen's `setup/backup`) are 0600 copies that open and have the rows.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_TOKEN_HEADER } from '../../src/shared/contract';
import { NodeSecretStore, openStore } from '../../src/main/store';
import { corruptTableRootPage } from '../fixtures/corrupt-db';
import { cliBundle, repoRoot } from '../helpers/paths';

const C = 'wx0123456789abcdef';
const posix = process.platform !== 'win32';
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A console data folder with one platform (no secrets, so no demo sandbox starts) and 2,000 authorizers. */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-data-'));
  dirs.push(dir);
  const store = openStore({ path: join(dir, 'console.db'), secrets: new NodeSecretStore(join(dir, 'secret.key')) });
  store.platforms.upsert({ componentAppid: C, name: '测试平台' });
  store.authorizers.upsertMany(Array.from({ length: 2000 }, (_, i) => ({ componentAppid: C, appid: `wx${String(i).padStart(16, '0')}`, kind: 'OA' as const })));
  store.checkpoint();
  store.close();
  return dir;
}

function wxopen(args: string[]) {
  const r = spawnSync(process.execPath, [cliBundle, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Console {
  child: ChildProcess;
  url: URL;
  stderr: () => string;
  api(method: string, args?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Starts `wxopen console` on the folder; resolves with its URL, or rejects with its stderr if it exits first. */
async function startConsole(dir: string): Promise<Console> {
  const child = spawn(process.execPath, [cliBundle, 'console', '--no-open', '--data-dir', dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(Object.assign(new Error(`exited ${code}`), { code, stderr: () => err })));
  });
  const url = new URL(first);
  return {
    child,
    url,
    stderr: () => err,
    async api(method, args = {}) {
      const res = await fetch(new URL(`/api/${method}`, url), {
        method: 'POST',
        headers: { [SESSION_TOKEN_HEADER]: url.searchParams.get('token')! },
        body: JSON.stringify(args),
      });
      return res.json();
    },
  };
}

function rows(dbFile: string, sql: string): unknown[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('wxopen backup', () => {
  let dir: string;
  beforeAll(() => {
    dir = dataFolder();
  });

  it('writes a new 0600 file with SQLite online backup that opens and has the rows; exit 0', () => {
    const out = join(dir, '..', `${dir.split('/').pop()}-backup.db`);
    dirs.push(out);
    const r = wxopen(['backup', '--data-dir', dir, '--out', out]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`backup written: ${out} (${statSync(out).size} bytes), integrity check ok\n`);
    if (posix) expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(rows(out, 'SELECT count(*) AS n FROM authorizers')).toEqual([{ n: 2000 }]);
    expect(rows(out, 'SELECT name FROM platforms')).toEqual([{ name: '测试平台' }]);
  });

  it('usage errors exit 2 with one line: no --out, no database in the folder, an existing file', () => {
    expect(wxopen(['backup', '--data-dir', dir])).toMatchObject({ code: 2, stderr: 'wxopen: --out is required\n' });
    const empty = mkdtempSync(join(tmpdir(), 'wxopen-empty-'));
    dirs.push(empty);
    expect(wxopen(['backup', '--data-dir', empty, '--out', join(empty, 'b.db')])).toMatchObject({
      code: 2,
      stderr: `wxopen: no console.db in ${empty}: give the data folder with --data-dir (the app shows its own on the Setup screen)\n`,
    });
    const existing = join(empty, 'keep.db');
    writeFileSync(existing, 'keep me');
    expect(wxopen(['backup', '--data-dir', dir, '--out', existing])).toMatchObject({
      code: 2,
      stderr: `wxopen: ${existing} already exists: choose a new file name (a backup never overwrites a file)\n`,
    });
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(wxopen(['backup', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('online backup') });
  });

  it('stopped halfway (SIGINT), it leaves no file under --out, and nothing half-written beside it; the next try works', async () => {
    // A database big enough that the copy takes a while (200 MB of pages).
    const big = mkdtempSync(join(tmpdir(), 'wxopen-big-'));
    dirs.push(big);
    const db = new Database(join(big, 'console.db'));
    db.exec('CREATE TABLE filler (b BLOB)');
    const insert = db.prepare('INSERT INTO filler VALUES (zeroblob(1048576))');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run();
    })();
    db.close();
    const out = join(big, 'copy.db');
    const child = spawn(process.execPath, [cliBundle, 'backup', '--data-dir', big, '--out', out], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Once the copy has begun (the unfinished file exists), stop it.
    await vi.waitFor(() => expect(statSync(`${out}.partial`).size).toBeGreaterThan(0), { timeout: 20_000, interval: 5 });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe(`wxopen: backup stopped; ${out} was not written\n`);
    expect(() => statSync(out)).toThrow();
    expect(() => statSync(`${out}.partial`)).toThrow();
    expect(wxopen(['backup', '--data-dir', big, '--out', out])).toMatchObject({ code: 0, stderr: '' });
    expect(rows(out, 'SELECT count(*) AS n FROM filler')).toEqual([{ n: 200 }]);
  }, 60_000);
});

describe('wxopen console on one data folder', () => {
  it('a second console is refused in one line naming the first (pid, host, start); a killed one\'s lock is taken over', async () => {
    const dir = dataFolder();
    const first = await startConsole(dir);
    const second = await startConsole(dir).then(
      () => null,
      (err: { code: number; stderr: () => string }) => err,
    );
    expect(second?.code).toBe(1);
    const lines = second!.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^wxopen: 数据目录 .* 正被另一个 wxopen 进程使用（console，pid ${first.child.pid}，主机 ${hostname()}，启动于 \\d{4}-.*）：请先关闭它，或换一个数据目录 / the data folder .* is in use by another wxopen process \\(console, pid ${first.child.pid} on ${hostname()}, started \\d{4}-`));
    // The first still serves.
    expect((await first.api('platform/list')).ok).toBe(true);

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL'); // no clean-up: the lock file stays behind
    await exited;
    expect(JSON.parse(readFileSync(join(dir, 'wxopen.lock'), 'utf8')).pid).toBe(first.child.pid);
    const third = await startConsole(dir);
    expect(JSON.parse(readFileSync(join(dir, 'wxopen.lock'), 'utf8')).pid).toBe(third.child.pid);
  });

  it('a damaged database: the alert (zh + en) at start, in app/info, and backups that keep the readable rows', async () => {
    const dir = dataFolder();
    corruptTableRootPage(join(dir, 'console.db'), 'authorizers');
    const running = await startConsole(dir);
    // Logged at start, in Chinese and English, saying what to do.
    await vi.waitFor(() => expect(running.stderr()).toContain('已损坏'), { timeout: 10_000 });
    expect(running.stderr().split('\n').filter((l) => l.includes('已损坏'))).toHaveLength(1); // one line
    expect(running.stderr()).toMatch(/wxopen: 数据库 .*console\.db 已损坏.*请立即备份.* \/ The database .*console\.db is damaged.*Back it up now \(Setup → Back up the database, or wxopen backup --data-dir/);
    // The UI's first app/info carries it, however late the browser connects.
    const info = await running.api('app/info');
    expect(info.result.alerts).toEqual([
      expect.objectContaining({ level: 'error', code: 'database_damaged', messageZh: expect.stringContaining('已损坏'), message: expect.stringContaining('.recover') }),
    ]);

    // The setup screen's button: a copy under the data folder, reported with its path.
    const backup = await running.api('setup/backup');
    expect(backup.ok).toBe(true);
    const path: string = backup.result.path;
    expect(dirname(path)).toBe(join(dir, 'backups'));
    expect(backup.result).toMatchObject({ bytes: statSync(path).size, ok: false });
    expect(backup.result.problems.length).toBeGreaterThan(0);
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    }
    expect(rows(path, 'SELECT name FROM platforms')).toEqual([{ name: '测试平台' }]);

    // The CLI while the console runs: the copy is written, and exit 1 says the database itself is damaged.
    const out = join(dir, 'cli-backup.db');
    const r = wxopen(['backup', '--data-dir', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^wxopen: backup written to ${out} \\(\\d+ bytes\\), but the copy fails its integrity check too \\(.+\\): .*console\\.db is damaged and the copy keeps what could be read\\n$`));
    expect(rows(out, 'SELECT name FROM platforms')).toEqual([{ name: '测试平台' }]);
  });
});
