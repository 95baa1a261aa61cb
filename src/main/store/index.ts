import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  ApiLogRepo,
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

export type * from './api';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { NodeSecretStore } from './secret-store';
export type { SecretStore } from './secret-store';
export { SCHEMA_VERSION } from './migrations';

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
  tuning?: { denseRangeRows?: number };
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
  readonly path: string;
  readonly secretStoreKind: string;
  private readonly db: Database.Database;

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
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw invalidArgument('synchronous must be "FULL" or "NORMAL"');
    this.db = openDatabase(options.path, options.nativeBinding ?? process.env['WXOPEN_SQLITE_BINDING'], synchronous);
    const db = this.db;
    this.relay = new SqlRelayCursor(db);
    this.platforms = new SqlPlatforms(db, secrets, now);
    this.tickets = new SqlTickets(db, now);
    this.tokens = new SqlTokens(db, secrets);
    this.authorizers = new SqlAuthorizers(db, secrets, now);
    this.authLinks = new SqlAuthLinks(db, now);
    this.events = new SqlEvents(db, this.relay as SqlRelayCursor, options.tuning?.denseRangeRows);
    this.apiLog = new SqlApiLog(db, apiLogKeep);
    this.settings = new SqlSettings(db);
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

function openDatabase(path: string, nativeBinding: string | undefined, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError('unreadable', `cannot create the data folder for ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const existed = path !== ':memory:' && existsSync(path);
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
    migrate(db, version);
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

function migrate(db: Database.Database, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
