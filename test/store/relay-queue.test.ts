/**
 * The relay cursor with its queue id (schema 4), seq uniqueness per queue, and the store's durability default, on real
 * SQLite files.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NodeSecretStore, SCHEMA_VERSION, openStore } from '../../src/main/store';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { tempDir, tempStore, track } from './temp-store';

const C = 'wx0123456789abcdef';
const OTHER = 'wxfedcba9876543210';
const push = (seq: number | null, dedupeKey: string) => ({ componentAppid: C, seq, kind: 'authorizer' as const, appid: null, receivedAt: 1, rawBody: 'b', dedupeKey });

describe('relay queue', () => {
  test('a schema-3 file keeps its events and cursor; its seqs stay duplicates in their queue, not in a new one', () => {
    const dir = tempDir();
    const path = join(dir, 'v3.db');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 3)) raw.exec(step);
    raw.pragma('user_version = 3');
    const insert = raw.prepare(`INSERT INTO events (component_appid, seq, kind, received_at, raw_body, status, dedupe_key) VALUES (?, ?, 'component', 1, 'old', 'ok', ?)`);
    for (let seq = 1; seq <= 3; seq++) insert.run(C, seq, `old:${seq}`);
    raw.prepare('INSERT INTO relay_cursor (component_appid, cursor) VALUES (?, 500)').run(C);
    raw.close();

    const store = track(openStore({ path, secrets: new NodeSecretStore(join(dir, 'k')) }));
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.relay.getQueue(C)).toEqual({ cursor: 500, queueId: null, epoch: 0 });
    // The relay confirms the cursor (no reset): same queue, so seq 2 is still a duplicate.
    store.relay.setQueueId(C, 'queue-a');
    expect(store.events.insert(push(2, 'new:2'))).toMatchObject({ inserted: false });
    // Another queue: the cursor forgets, and seq 1..3 of the new queue are new events.
    expect(store.relay.startNewQueue(C, 'queue-b')).toBe(1);
    expect(store.relay.getQueue(C)).toEqual({ cursor: 0, queueId: 'queue-b', epoch: 1 });
    for (let seq = 1; seq <= 3; seq++) expect(store.events.insert(push(seq, `new:${seq}`))).toMatchObject({ inserted: true });
    expect(store.relay.getCursor(C)).toBe(3);
    // Redelivery within the new queue is recognised by seq; a message the old queue delivered, by its own key.
    expect(store.events.insert(push(3, 'other'))).toMatchObject({ inserted: false });
    expect(store.events.insert(push(4, 'old:1'))).toMatchObject({ inserted: false });
    expect(store.relay.getCursor(C)).toBe(4);
    expect(store.events.count({ componentAppid: C })).toBe(6);
  });

  test('queue ids and epochs are per platform, and a queue id must be a string', () => {
    const { store } = tempStore();
    store.relay.startNewQueue(C, 'q1');
    store.relay.startNewQueue(C, 'q2');
    store.relay.setQueueId(OTHER, 'q-other');
    expect(store.relay.getQueue(C)).toEqual({ cursor: 0, queueId: 'q2', epoch: 2 });
    expect(store.relay.getQueue(OTHER)).toEqual({ cursor: 0, queueId: 'q-other', epoch: 0 });
    expect(() => store.relay.setQueueId(C, '')).toThrow(/queueId/);
    expect(() => store.relay.startNewQueue(C, 42 as never)).toThrow(/queueId/);
  });

  test('commits are durable by default (synchronous=FULL); NORMAL only when asked', () => {
    expect(tempStore().store.synchronous).toBe('FULL');
    expect(tempStore({ synchronous: 'NORMAL' }).store.synchronous).toBe('NORMAL');
    expect(() => tempStore({ synchronous: 'OFF' as never })).toThrow(/FULL/);
  });
});
