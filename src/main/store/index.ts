import Database from 'better-sqlite3';
import { existsSync, linkSync, mkdirSync, openSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
  ApiLogRepo,
  BatchRepo,
  MenuHistoryRepo,
  OaUsersRepo,
  AuthLinksRepo,
  AuthorizersRepo,
  EventsRepo,
  PlatformsRepo,
  RelayCursorRepo,
  SettingsRepo,
  TicketsRepo,
  TokensRepo,
} from './api';
import { StoreError, invalidArgument } from './errors';
import { createPrivateFile, ensurePrivateFolder, narrowToPrivate } from './file-modes';
import { registerEventGrams } from './event-grams';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import type { SecretStore } from './secret-store';
import { SqlPlatforms } from './platforms';
import { SqlTickets } from './tickets';
import { SqlTokens } from './tokens';
import { SqlAuthorizers } from './authorizers';
import { SqlAuthLinks } from './auth-links';
import { SqlEvents } from './events';
import { SqlApiLog } from './api-log';
import { SqlRelayCursor } from './relay-cursor';
import { SqlSettings } from './settings';
import { SqlBatch } from './batch';
import { SqlMenuHistory } from './menu-history';
import { SqlMpAudits, type MpAuditsRepo } from './mp-audits';
import { SqlMpCode, type MpCodeRepo } from './mp-code';
import { SqlTemplates, type TemplatesRepo } from './templates';
import { SqlMpRegister } from './mp-register';
import { SqlOaUsers } from './oa-users';

export type * from './api';
export type { TemplateOrigin, TemplatesRepo } from './templates';
export type { MpAuditsRepo } from './mp-audits';
export type { MpCodeRepo } from './mp-code';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { NodeSecretStore } from './secret-store';
export type { SecretStore } from './secret-store';
export { SCHEMA_VERSION } from './migrations';
export { acquireDataFolderLock, type DataFolderLock } from './data-lock';

/** What PRAGMA quick_check found: `ok` with no problems, or SQLite's own lines (at most maxProblems). */
export interface IntegrityReport {
  ok: boolean;
  problems: string[];
  checkedAt: number;
  /** How long the check took. */
  ms: number;
}

export interface BackupResult {
  path: string;
  bytes: number;
  ms: number;
  /** quick_check of the copy: a copy of damaged pages is damaged too. */
  integrity: IntegrityReport;
}

export interface StoreOptions {
  /** The database file; its folder is created if missing. ':memory:' is allowed for throwaway stores. */
  path: string;
  secrets: SecretStore;
  /** Clock for default timestamps (tests pass a fixed one). */
  now?: () => number;
  /** API log rows kept per platform by the automatic prune (default 200,000). */
  apiLogKeep?: number;
  /**
   * better-sqlite3's `nativeBinding`: the better_sqlite3.node to load. The Electron main sets WXOPEN_SQLITE_BINDING to
   * the Electron-ABI build in .electron-native/ (default); plain Node leaves both unset and uses the normal build.
   */
  nativeBinding?: string;
  /** Query-planning thresholds; tests lower them to reach both plans on small data. */
  tuning?: { denseRangeRows?: number; searchCountCap?: number; searchDriver?: 'grams' | 'trigram' };
  /**
   * SQLite `synchronous` (default FULL): with FULL every commit is on disk before it returns, which the relay link
   * relies on (a push is acknowledged after its commit, and the relay drops acknowledged pushes once retention
   * passes, so a commit lost to a power cut would be a push lost). NORMAL only for measuring the difference.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Everything the desktop persists, in one SQLite file. Synchronous; one instance per file per process. */
export class Store {
  readonly platforms: PlatformsRepo;
  readonly tickets: TicketsRepo;
  readonly tokens: TokensRepo;
  readonly authorizers: AuthorizersRepo;
  readonly authLinks: AuthLinksRepo;
  readonly events: EventsRepo;
  readonly apiLog: ApiLogRepo;
  readonly relay: RelayCursorRepo;
  readonly settings: SettingsRepo;
  readonly batch: BatchRepo;
  readonly menuHistory: MenuHistoryRepo;
  readonly templates: TemplatesRepo;
  readonly oaUsers: OaUsersRepo;
  readonly mpAudits: MpAuditsRepo;
  /** Registration tasks of mini programs. */
  readonly mpRegister: SqlMpRegister;
  readonly mpCode: MpCodeRepo;
  readonly path: string;
  readonly secretStoreKind: string;
  private readonly db: Database.Database;
  private readonly nativeBinding: string | undefined;

  constructor(options: StoreOptions) {
    if (typeof options !== 'object' || options === null) throw invalidArgument('openStore needs { path, secrets }');
    if (typeof options.path !== 'string' || options.path === '') {
      throw invalidArgument('openStore needs the path of the database file');
    }
    const secrets = options.secrets;
    if (!secrets || typeof secrets.encrypt !== 'function' || typeof secrets.decrypt !== 'function') {
      throw invalidArgument('openStore needs a SecretStore (NodeSecretStore or electronSecretStore)');
    }
    const now = options.now ?? Date.now;
    const apiLogKeep = options.apiLogKeep ?? 200_000;
    if (!Number.isSafeInteger(apiLogKeep) || apiLogKeep < 1) throw invalidArgument('apiLogKeep must be a positive integer');

    this.path = options.path;
    this.secretStoreKind = secrets.kind;
    this.nativeBinding = options.nativeBinding ?? process.env['WXOPEN_SQLITE_BINDING'];
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw invalidArgument('synchronous must be "FULL" or "NORMAL"');
    this.db = openDatabase(options.path, this.nativeBinding, synchronous);
    const db = this.db;
    this.relay = new SqlRelayCursor(db);
    this.platforms = new SqlPlatforms(db, secrets, now);
    this.tickets = new SqlTickets(db, now);
    this.tokens = new SqlTokens(db, secrets);
    this.authorizers = new SqlAuthorizers(db, secrets, now);
    this.authLinks = new SqlAuthLinks(db, now);
    this.events = new SqlEvents(
      db,
      this.relay as SqlRelayCursor,
      options.tuning?.denseRangeRows,
      options.tuning?.searchCountCap,
      options.tuning?.searchDriver,
    );
    this.apiLog = new SqlApiLog(db, apiLogKeep);
    this.settings = new SqlSettings(db);
    this.batch = new SqlBatch(db, now);
    this.menuHistory = new SqlMenuHistory(db, now);
    this.templates = new SqlTemplates(db, now);
    this.oaUsers = new SqlOaUsers(db);
    this.mpAudits = new SqlMpAudits(db);
    this.mpRegister = new SqlMpRegister(db, now);
    this.mpCode = new SqlMpCode(db);
  }

  /** Runs fn in one transaction (nested calls become savepoints); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The schema version of the open file. */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** SQLite's synchronous setting of this connection: 'FULL' (the default) or 'NORMAL'. */
  get synchronous(): 'FULL' | 'NORMAL' | 'OTHER' {
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    return level === 2 ? 'FULL' : level === 1 ? 'NORMAL' : 'OTHER';
  }

  /** Folds the WAL back into the main file (e.g. before a backup copy). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * PRAGMA quick_check: reads every page and checks the b-trees (not index contents against tables), so a damaged
   * page is found now rather than when a query happens to hit it. Cost grows with the file: ~0.3-0.4 s for 100,000
   * authorizers (86 MB) on 2 busy cores.
   */
  quickCheck(maxProblems = 20): IntegrityReport {
    return quickCheck(this.db, maxProblems);
  }

  /**
   * The same check on its own read-only connection in a worker thread: it reads the whole file (26 s for a
   * 2.5 GB database of 1,000,000 events), so at start it must not hold up the window, the console URL or any query.
   */
  quickCheckInBackground(maxProblems = 20): Promise<IntegrityReport> {
    if (this.path === ':memory:') return Promise.resolve(this.quickCheck(maxProblems));
    return quickCheckInWorker(this.path, this.nativeBinding, maxProblems);
  }

  /**
   * SQLite's online backup into a new 0600 file (never overwrites): consistent even while this store writes, and
   * includes what is still in the WAL. Pages are copied as they are, so a damaged page stays damaged in the copy.
   */
  backup(destination: string): Promise<BackupResult> {
    return backupDatabase(this.db, destination, this.nativeBinding);
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function openStore(options: StoreOptions): Store {
  return new Store(options);
}

/** The files SQLite keeps beside the database (WAL mode; -journal only if the mode was ever changed back). */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

function openDatabase(path: string, nativeBinding: string | undefined, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const onDisk = path !== ':memory:';
  const existed = onDisk && existsSync(path);
  if (onDisk) {
    try {
      ensurePrivateFolder(dirname(path));
      createPrivateFile(path);
      for (const side of SIDE_FILES) narrowToPrivate(path + side);
    } catch (err) {
      throw new StoreError('unreadable', `cannot prepare the data folder for ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
  } catch (err) {
    throw new StoreError('unreadable', `cannot open the database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // The first real read is where SQLite notices a file that is not a database.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer_schema',
        `this database was written by a newer wxopen-console (schema ${version}, this app knows ${SCHEMA_VERSION}): ` +
          `update the app or choose another data folder (${path})`,
      );
    }
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk when it returns (see StoreOptions.synchronous). The inbox commits whole batches of
    // pushes per transaction, so the fsync is paid per batch, not per push.
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY'); // search hits and sorts: small, and never worth a file
    registerEventGrams(db); // before migrating: step 5 and the events triggers call it
    migrate(db, version);
    // SQLite gives -wal/-shm the main file's 0600; this catches a file system or build that does not.
    if (onDisk) for (const side of SIDE_FILES) narrowToPrivate(path + side);
    if (existed) db.prepare('SELECT count(*) FROM sqlite_schema').get(); // touch the schema: corrupt pages fail here
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreError(
        'unreadable',
        `the file ${path} is not a readable wxopen-console database (${(err as Error).message}): ` +
          `restore it from a backup, or move it away and choose another data folder`,
        { cause: err },
      );
    }
    throw new StoreError('unreadable', `cannot open the database ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** quick_check's rows as problems: a row may hold several, one per line, after a "*** in database main ***" heading. */
function integrityProblems(rows: string[], limit: number): string[] {
  return rows
    .flatMap((r) => r.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'ok' && !/^\*\*\* in database \w+ \*\*\*$/.test(line))
    .slice(0, limit);
}

function quickCheck(db: Database.Database, maxProblems: number): IntegrityReport {
  const started = performance.now();
  let problems: string[];
  try {
    const limit = Math.max(1, Math.floor(maxProblems));
    const rows = db.pragma(`quick_check(${limit})`) as { quick_check: string }[];
    problems = integrityProblems(
      rows.map((r) => r.quick_check),
      limit,
    );
  } catch (err) {
    problems = [(err as Error).message]; // e.g. SQLITE_CORRUPT before the check could list anything
  }
  return { ok: problems.length === 0, problems, checkedAt: Date.now(), ms: Math.round(performance.now() - started) };
}

/** A worker thread's only job: open the file read-only, run quick_check, post the problems (none: ok). */
const QUICK_CHECK_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { sqlitePath, file, nativeBinding, limit } = workerData;
let problems;
try {
  const Database = require(sqlitePath);
  const db = new Database(file, nativeBinding ? { readonly: true, nativeBinding } : { readonly: true });
  try {
    problems = db.pragma('quick_check(' + limit + ')').map((r) => r.quick_check);
  } finally {
    db.close();
  }
} catch (err) {
  problems = [String(err && err.message || err)];
}
parentPort.postMessage(problems);
`;

function quickCheckInWorker(file: string, nativeBinding: string | undefined, maxProblems: number): Promise<IntegrityReport> {
  const started = performance.now();
  const limit = Math.max(1, Math.floor(maxProblems));
  const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolvePromise) => {
    const worker = new Worker(QUICK_CHECK_WORKER, { eval: true, workerData: { sqlitePath, file, nativeBinding, limit } });
    const done = (raw: string[]) => {
      const problems = integrityProblems(raw, limit);
      resolvePromise({ ok: problems.length === 0, problems, checkedAt: Date.now(), ms: Math.round(performance.now() - started) });
    };
    worker.once('message', (raw: string[]) => done(raw));
    worker.once('error', (err) => done([err.message]));
    worker.once('exit', (code) => code !== 0 && done([`the integrity check stopped with exit code ${code}`]));
  });
}

/** Where a backup to `path` is written until it is whole: beside it, so it moves into place without a copy. */
export const partialBackupPath = (path: string): string => `${path}.partial`;

/**
 * The copy is written to FILE.partial (0600) and checked, then linked to FILE, which never replaces a file; so FILE
 * is never a half-written database, also when the process is stopped halfway (FILE.partial is left, and replaced by
 * the next attempt).
 */
async function backupDatabase(db: Database.Database, destination: string, nativeBinding: string | undefined): Promise<BackupResult> {
  if (typeof destination !== 'string' || destination === '') throw invalidArgument('backup needs the path of the new file');
  const path = resolve(destination);
  const partial = partialBackupPath(path);
  const exists = () => new StoreError('backup_failed', `${path} already exists: choose a new file name (a backup never overwrites a file)`);
  const started = performance.now();
  const removePartial = () => {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
  };
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (existsSync(path)) throw exists();
    removePartial(); // an earlier attempt that was stopped halfway
    // Created here, empty and 0600, so the copy is never readable by others.
    closeSync(openSync(partial, 'wx', 0o600));
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError('backup_failed', `cannot create the backup file ${partial}: ${(err as Error).message}`, { cause: err });
  }
  let integrity: IntegrityReport;
  try {
    await db.backup(partial);
    narrowToPrivate(partial);
    const copy = new Database(partial, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      integrity = quickCheck(copy, 20);
    } finally {
      copy.close();
    }
    try {
      linkSync(partial, path);
    } catch (err) {
      // A file system without hard links (FAT, exFAT): a rename, which replaces nothing that was checked a moment ago.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' || existsSync(path)) throw exists();
      renameSync(partial, path);
    }
  } catch (err) {
    removePartial();
    if (err instanceof StoreError) throw err;
    throw new StoreError('backup_failed', `the backup to ${path} failed: ${(err as Error).message}`, { cause: err });
  }
  removePartial();
  return { path, bytes: statSync(path).size, ms: Math.round(performance.now() - started), integrity };
}

/** Backs up a database file without opening it as a store (read-only; no key, no migrations): `wxopen backup`. */
export async function backupDatabaseFile(source: string, destination: string, nativeBinding?: string): Promise<BackupResult> {
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (err) {
    throw new StoreError('unreadable', `cannot open the database ${source}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await backupDatabase(db, destination, nativeBinding);
  } finally {
    db.close();
  }
}

function migrate(db: Database.Database, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
