/**
 * The relay queue's writer thread, started by PushQueue (./queue.ts): every insert that reaches it while the
 * previous commit is syncing goes into the next transaction, so one fsync covers many concurrent pushes, and each
 * request learns its seq (or, for an exact repeat, the original's seq and stored reply).
 *
 * Built to its own file beside the bundle that runs queue.ts: dist/queue-writer.js (scripts/build-cli.mjs) and
 * out/main/queue-writer.js (electron-vite). Only types may be imported from here: a value import would run this
 * file's top level in the importing thread.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { PushKind } from '../shared/relay-protocol';

export interface WriterData {
  /** The better-sqlite3 the main thread resolved (the bundle's node_modules, not the cwd's). */
  sqlitePath: string;
  file: string;
  /** The better_sqlite3.node the main thread loads, when not the default (the Electron-ABI build in the app). */
  nativeBinding?: string;
}

export interface WriterPush {
  /** The request's id in the main thread. */
  id: number;
  /** sha256 of the dedupe source, hex. */
  key: string;
  receivedAt: number;
  kind: PushKind;
  appid: string | null;
  /** JSON. */
  query: string;
  body: string;
}

export type ToWriter = { type: 'insert'; push: WriterPush } | { type: 'info'; key: string; value: string } | { type: 'close' };

export interface WriterResult {
  id: number;
  seq: number;
  duplicate: boolean;
  reply: string | null;
}

export type FromWriter = { type: 'done'; results: WriterResult[] } | { type: 'failed'; ids: number[]; error: string } | { type: 'closed' };

const port = parentPort;
if (!port) throw new Error('queue-writer runs only as the relay queue\'s worker thread');
const { sqlitePath, file, nativeBinding } = workerData as WriterData;
const Database = createRequire(import.meta.url)(sqlitePath) as typeof BetterSqlite3;
const db = new Database(file, nativeBinding ? { nativeBinding } : {});
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare<[number, PushKind, string | null, string, string, Buffer]>(
  'INSERT OR IGNORE INTO pushes (received_at, kind, appid, query, body, dedupe_key) VALUES (?, ?, ?, ?, ?, ?)',
);
const byKey = db.prepare<[Buffer], { seq: number; reply: string | null }>('SELECT seq, reply FROM pushes WHERE dedupe_key = ?');
const setInfo = db.prepare<[string, string]>('INSERT INTO relay_info (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
const commit = db.transaction((batch: WriterPush[], info: Map<string, string>): WriterResult[] => {
  for (const [k, v] of info) setInfo.run(k, v);
  return batch.map((p) => {
    const key = Buffer.from(p.key, 'hex');
    const res = insert.run(p.receivedAt, p.kind, p.appid, p.query, p.body, key);
    if (res.changes === 1) return { id: p.id, seq: Number(res.lastInsertRowid), duplicate: false, reply: null };
    const row = byKey.get(key)!;
    return { id: p.id, seq: row.seq, duplicate: true, reply: row.reply };
  });
});

let pending: WriterPush[] = [];
let pendingInfo = new Map<string, string>();
let scheduled = false;

function post(m: FromWriter): void {
  port!.postMessage(m);
}

function flush(): void {
  scheduled = false;
  const batch = pending;
  const info = pendingInfo;
  pending = [];
  pendingInfo = new Map();
  if (batch.length === 0 && info.size === 0) return;
  try {
    post({ type: 'done', results: commit(batch, info) });
  } catch (err) {
    post({ type: 'failed', ids: batch.map((p) => p.id), error: String((err as Error | undefined)?.message || err) });
  }
}

port.on('message', (m: ToWriter) => {
  if (m.type === 'insert' || m.type === 'info') {
    if (m.type === 'insert') pending.push(m.push);
    else pendingInfo.set(m.key, m.value);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  } else if (m.type === 'close') {
    flush();
    db.close();
    post({ type: 'closed' });
  }
});
