/**
 * The relay's durable push queue (better-sqlite3, WAL, synchronous=FULL).
 *
 * Pushes are committed in groups: every insert requested during one event-loop turn goes into one transaction, so one
 * fsync covers many concurrent pushes, and each caller's promise resolves only after that commit. seq is an
 * AUTOINCREMENT key, so it never goes back, even after pruning. An exact repeat (same dedupe key) is not stored twice:
 * the caller gets the original seq.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PushKind } from '../shared/relay-protocol';

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
  push: NewPush;
  key: Buffer;
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
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
  private pending: Pending[] = [];
  private flushScheduled = false;
  private closed = false;
  private stmts;
  private ackedSeq: number;

  constructor(dataDir: string) {
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
    `);
    this.stmts = {
      insert: this.db.prepare(
        'INSERT OR IGNORE INTO pushes (received_at, kind, appid, query, body, dedupe_key) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      byKey: this.db.prepare('SELECT seq, reply FROM pushes WHERE dedupe_key = ?'),
      after: this.db.prepare('SELECT seq, received_at, kind, appid, query, body FROM pushes WHERE seq > ? ORDER BY seq LIMIT ?'),
      maxSeq: this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'pushes'"),
      depth: this.db.prepare('SELECT count(*) AS n FROM pushes WHERE seq > ?'),
      lastAt: this.db.prepare('SELECT max(received_at) AS t FROM pushes'),
      lastKindAt: this.db.prepare('SELECT max(received_at) AS t FROM pushes WHERE kind = ?'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      markAcked: this.db.prepare('UPDATE pushes SET acked_at = ? WHERE seq > ? AND seq <= ? AND acked_at IS NULL'),
      setReply: this.db.prepare('UPDATE pushes SET reply = ? WHERE seq = ?'),
      prune: this.db.prepare('DELETE FROM pushes WHERE acked_at IS NOT NULL AND acked_at < ?'),
      addLink: this.db.prepare('INSERT INTO auth_links (id, url, expires_at) VALUES (?, ?, ?)'),
      getLink: this.db.prepare('SELECT url, expires_at FROM auth_links WHERE id = ?'),
      pruneLinks: this.db.prepare('DELETE FROM auth_links WHERE expires_at < ?'),
    };
    this.ackedSeq = (this.stmts.getMeta.get('acked_seq') as { value: number } | undefined)?.value ?? 0;
  }

  /** Store a push; resolves after the commit that holds it (or that held the original, for a repeat). */
  insert(push: NewPush): Promise<InsertResult> {
    if (this.closed) return Promise.reject(new Error('queue is closed'));
    const key = createHash('sha256').update(push.dedupeSource).digest();
    return new Promise((resolve, reject) => {
      this.pending.push({ push, key, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const results: InsertResult[] = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          const { push } = p;
          const info = this.stmts.insert.run(push.receivedAt, push.kind, push.appid, JSON.stringify(push.query), push.body, p.key);
          if (info.changes === 1) {
            results.push({ seq: Number(info.lastInsertRowid), duplicate: false, reply: null });
          } else {
            const row = this.stmts.byKey.get(p.key) as { seq: number; reply: string | null };
            results.push({ seq: row.seq, duplicate: true, reply: row.reply });
          }
        }
      })();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  /** Up to `limit` stored pushes after `seq`, in seq order. */
  after(seq: number, limit: number): StoredPush[] {
    return (this.stmts.after.all(seq, limit) as Row[]).map((r) => ({
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

  lastPushAt(): number | null {
    return (this.stmts.lastAt.get() as { t: number | null }).t;
  }

  lastPushAtOfKind(kind: PushKind): number | null {
    return (this.stmts.lastKindAt.get(kind) as { t: number | null }).t;
  }

  setReply(seq: number, reply: string): void {
    this.stmts.setReply.run(reply, seq);
  }

  addAuthLink(id: string, url: string, expiresAt: number): void {
    this.stmts.addLink.run(id, url, expiresAt);
  }

  getAuthLink(id: string, now = Date.now()): { url: string; expiresAt: number } | 'expired' | null {
    const row = this.stmts.getLink.get(id) as { url: string; expires_at: number } | undefined;
    if (!row) return null;
    return row.expires_at < now ? 'expired' : { url: row.url, expiresAt: row.expires_at };
  }

  /** Delete pushes acknowledged before the retention cut-off and expired links, then checkpoint so the WAL shrinks. */
  prune(retentionMs: number, now = Date.now()): { deleted: number } {
    const deleted = this.stmts.prune.run(now - retentionMs).changes;
    this.stmts.pruneLinks.run(now - 24 * 3600_000);
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { deleted };
  }

  /** Commit whatever is pending, then close the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
