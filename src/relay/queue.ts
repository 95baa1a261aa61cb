/**
 * The relay's durable push queue (better-sqlite3, WAL, synchronous=FULL).
 *
 * Pushes are committed in groups by a writer thread: every insert that reached it while the previous commit was
 * syncing goes into one transaction, so one fsync covers many concurrent pushes, and the main thread keeps answering
 * HTTP meanwhile. Each caller's promise resolves only after the commit that holds its push. seq is an
 * AUTOINCREMENT key, so it never goes back, even after pruning. An exact repeat (same dedupe key) is not stored twice:
 * the caller gets the original seq.
 *
 * The queue has an id, made with its data folder (relay protocol addition 1): a desk's cursor means something only
 * for the queue it came from.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PushKind } from '../shared/relay-protocol';
import type { FromWriter, ToWriter, WriterData } from './queue-writer';

export interface StoredPush {
  seq: number;
  receivedAt: number;
  kind: PushKind;
  appid: string | null;
  query: Record<string, string>;
  body: string;
}

export interface NewPush {
  kind: PushKind;
  appid: string | null;
  query: Record<string, string>;
  body: string;
  /** What makes two requests "the same push": path, raw query and body. */
  dedupeSource: string;
  receivedAt: number;
}

export interface InsertResult {
  seq: number;
  duplicate: boolean;
  /** For a duplicate: the passive reply stored for the original, if any. */
  reply: string | null;
}

interface Pending {
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
}

/**
 * The writer thread's script (./queue-writer.ts), built beside the bundle that runs this module: dist/queue-writer.js
 * next to dist/cli.mjs and dist/bench.mjs (scripts/build-cli.mjs), out/main/queue-writer.js next to the desktop app's
 * main (electron.vite.config.ts). Run from source (vitest), this module is src/relay/queue.ts and takes the CLI
 * build's copy, which test/global-setup.ts makes fresh before the tests.
 */
const WRITER_FILE = 'queue-writer.js';
function writerScript(): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? `../../dist/${WRITER_FILE}` : `./${WRITER_FILE}`, import.meta.url);
  if (!existsSync(url)) {
    throw new Error(`the relay queue's writer thread ${fileURLToPath(url)} is missing: run \`npm run build:cli\` (or \`npm run build\`) in the project folder`);
  }
  return url;
}

interface Row {
  seq: number;
  received_at: number;
  kind: PushKind;
  appid: string | null;
  query: string;
  body: string;
}

export class PushQueue {
  readonly db: Database.Database;
  private readonly writer: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private writerFailure: Error | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  /**
   * Highest seq whose commit the main thread has been told about. Delivery stops here: a row the writer committed a
   * moment ago may be readable before its request handler has run (and registered its reply waiter).
   */
  private announcedSeq: number;
  private stmts;
  private ackedSeq: number;
  readonly queueId: string;

  constructor(dataDir: string) {
    const writerUrl = writerScript();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // In the Electron main (demo sandbox) the Electron-ABI build is named by WXOPEN_SQLITE_BINDING; elsewhere unset.
    const nativeBinding = process.env['WXOPEN_SQLITE_BINDING'];
    this.db = new Database(join(dataDir, 'relay-queue.sqlite'), nativeBinding ? { nativeBinding } : {});
    // Before the first table exists this takes effect; it lets prune() hand freed pages back to the file system.
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS pushes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        appid TEXT,
        query TEXT NOT NULL,
        body TEXT NOT NULL,
        dedupe_key BLOB NOT NULL UNIQUE,
        reply TEXT,
        acked_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS pushes_acked_at ON pushes(acked_at) WHERE acked_at IS NOT NULL;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);
      CREATE TABLE IF NOT EXISTS auth_links (id TEXT PRIMARY KEY, url TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS relay_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    // Added with "one redirect per link": older data folders get the column here.
    const linkColumns = this.db.prepare('PRAGMA table_info(auth_links)').all() as { name: string }[];
    if (!linkColumns.some((c) => c.name === 'used_at')) this.db.exec('ALTER TABLE auth_links ADD COLUMN used_at INTEGER');
    // Made once with the folder (or at the first start of this version on an older one), never changed.
    this.db.prepare("INSERT OR IGNORE INTO relay_info (key, value) VALUES ('queue_id', ?)").run(randomBytes(16).toString('base64url'));
    this.queueId = (this.db.prepare("SELECT value FROM relay_info WHERE key = 'queue_id'").get() as { value: string }).value;
    this.stmts = {
      after: this.db.prepare('SELECT seq, received_at, kind, appid, query, body FROM pushes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      maxSeq: this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'pushes'"),
      depth: this.db.prepare('SELECT count(*) AS n FROM pushes WHERE seq > ?'),
      firstAfter: this.db.prepare('SELECT received_at AS t FROM pushes WHERE seq > ? ORDER BY seq LIMIT 1'),
      getInfo: this.db.prepare('SELECT value FROM relay_info WHERE key = ?'),
      lastAt: this.db.prepare('SELECT max(received_at) AS t FROM pushes'),
      lastKindAt: this.db.prepare('SELECT max(received_at) AS t FROM pushes WHERE kind = ?'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      markAcked: this.db.prepare('UPDATE pushes SET acked_at = ? WHERE seq > ? AND seq <= ? AND acked_at IS NULL'),
      setReply: this.db.prepare('UPDATE pushes SET reply = ? WHERE seq = ?'),
      prune: this.db.prepare('DELETE FROM pushes WHERE acked_at IS NOT NULL AND acked_at < ?'),
      addLink: this.db.prepare('INSERT OR IGNORE INTO auth_links (id, url, expires_at) VALUES (?, ?, ?)'),
      getLink: this.db.prepare('SELECT url, expires_at, used_at FROM auth_links WHERE id = ?'),
      useLink: this.db.prepare('UPDATE auth_links SET used_at = ? WHERE id = ? AND used_at IS NULL'),
      pruneLinks: this.db.prepare('DELETE FROM auth_links WHERE expires_at < ?'),
    };
    this.ackedSeq = (this.stmts.getMeta.get('acked_seq') as { value: number } | undefined)?.value ?? 0;
    this.announcedSeq = this.maxSeq();
    // The writer loads the same better-sqlite3 this module resolved (the bundle's node_modules, not the cwd's).
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.writer = new Worker(writerUrl, { workerData: { sqlitePath, file: join(dataDir, 'relay-queue.sqlite'), ...(nativeBinding ? { nativeBinding } : {}) } satisfies WriterData });
    this.writer.on('message', (m: FromWriter) => this.onWriterMessage(m));
    this.writer.on('error', (err) => this.failWriter(err));
    this.writer.on('exit', (code) => {
      if (!this.closing) this.failWriter(new Error(`queue writer exited (${code})`));
    });
  }

  /** Store a push; resolves after the commit that holds it (or that held the original, for a repeat). */
  insert(push: NewPush): Promise<InsertResult> {
    if (this.closed || this.closing) return Promise.reject(new Error('queue is closed'));
    if (this.writerFailure) return Promise.reject(this.writerFailure);
    const id = this.nextId++;
    const key = createHash('sha256').update(push.dedupeSource).digest('hex');
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.toWriter({
        type: 'insert',
        push: { id, key, receivedAt: push.receivedAt, kind: push.kind, appid: push.appid, query: JSON.stringify(push.query), body: push.body },
      });
    });
  }

  private toWriter(m: ToWriter): void {
    this.writer.postMessage(m);
  }

  private onWriterMessage(m: FromWriter): void {
    if (m.type === 'done') {
      for (const r of m.results) {
        if (r.seq > this.announcedSeq) this.announcedSeq = r.seq;
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.resolve({ seq: r.seq, duplicate: r.duplicate, reply: r.reply });
      }
    } else if (m.type === 'failed') {
      for (const id of m.ids) {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(new Error(`commit failed: ${m.error}`));
      }
    }
  }

  private failWriter(err: Error): void {
    this.writerFailure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Up to `limit` stored pushes after `seq`, in seq order. */
  after(seq: number, limit: number): StoredPush[] {
    return (this.stmts.after.all(seq, this.announcedSeq, limit) as Row[]).map((r) => ({
      seq: r.seq,
      receivedAt: r.received_at,
      kind: r.kind,
      appid: r.appid,
      query: JSON.parse(r.query) as Record<string, string>,
      body: r.body,
    }));
  }

  maxSeq(): number {
    return (this.stmts.maxSeq.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  get acked(): number {
    return this.ackedSeq;
  }

  /** Cumulative ack: marks everything up to seq acknowledged (retention counts from now). Ignores stale acks. */
  ack(seq: number, now = Date.now()): void {
    const upTo = Math.min(seq, this.maxSeq());
    if (upTo <= this.ackedSeq) return;
    const from = this.ackedSeq;
    this.db.transaction(() => {
      this.stmts.markAcked.run(now, from, upTo);
      this.stmts.setMeta.run('acked_seq', upTo);
    })();
    this.ackedSeq = upTo;
  }

  queueDepth(): number {
    return (this.stmts.depth.get(this.ackedSeq) as { n: number }).n;
  }

  /** When the oldest push the desk has not acknowledged reached the relay; null when it is caught up. */
  oldestUnackedAt(): number | null {
    return (this.stmts.firstAfter.get(this.ackedSeq) as { t: number } | undefined)?.t ?? null;
  }

  getInfo(key: string): string | null {
    return (this.stmts.getInfo.get(key) as { value: string } | undefined)?.value ?? null;
  }

  /** Save a small value with the next group commit, in the writer thread (no fsync on the caller's thread). */
  saveInfo(key: string, value: string): void {
    if (this.closed || this.writerFailure) return;
    this.toWriter({ type: 'info', key, value });
  }

  lastPushAt(): number | null {
    return (this.stmts.lastAt.get() as { t: number | null }).t;
  }

  lastPushAtOfKind(kind: PushKind): number | null {
    return (this.stmts.lastKindAt.get(kind) as { t: number | null }).t;
  }

  setReply(seq: number, reply: string): void {
    this.stmts.setReply.run(reply, seq);
  }

  /** Register a link; false when the id is taken. */
  addAuthLink(id: string, url: string, expiresAt: number): boolean {
    return this.stmts.addLink.run(id, url, expiresAt).changes === 1;
  }

  getAuthLink(id: string, now = Date.now()): { url: string; expiresAt: number; usedAt: number | null } | 'expired' | null {
    const row = this.stmts.getLink.get(id) as { url: string; expires_at: number; used_at: number | null } | undefined;
    if (!row) return null;
    return row.expires_at < now ? 'expired' : { url: row.url, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  /** The link's redirect is recorded: later ones are not. */
  markAuthLinkUsed(id: string, at = Date.now()): void {
    this.stmts.useLink.run(at, id);
  }

  /** Delete pushes acknowledged before the retention cut-off and expired links, then checkpoint so the WAL shrinks. */
  prune(retentionMs: number, now = Date.now()): { deleted: number } {
    const deleted = this.stmts.prune.run(now - retentionMs).changes;
    this.stmts.pruneLinks.run(now - 24 * 3600_000);
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { deleted };
  }

  /** Commit whatever is pending, stop the writer, then close the database. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (!this.writerFailure) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          this.writer.on('message', (m: FromWriter) => {
            if (m.type === 'closed') {
              clearTimeout(timer);
              resolve();
            }
          });
          this.writer.once('exit', () => resolve());
          this.toWriter({ type: 'close' });
        });
      }
      this.failWriter(new Error('queue is closed'));
      await this.writer.terminate();
      this.closed = true;
      this.db.close();
    })();
    return this.closing;
  }
}
