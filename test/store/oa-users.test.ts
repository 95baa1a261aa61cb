/**
 * oa_users (schema step 12): the users each official account's pushes came from, kept by triggers on events, for the
 * customer-service recipient list. Which pushes open the reply window, times moving only forward, a failed push fixed
 * later, the backfill of events stored before the step, and a page that reads the account's index, not every event.
 */
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { EventInput } from '../../src/shared/domain';
import { NodeSecretStore, openStore, SCHEMA_VERSION } from '../../src/main/store';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { rollBackTo } from '../helpers/schema';
import { tempStore, track } from './temp-store';

/** The oa_users step's number (user_version after it). */
const OA_USERS_STEP = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE oa_users')) + 1;

const C = 'wxc0ffee0000000001';
const OA = 'wx0a0a0a0a0a0a0a0a';
const OTHER = 'wx0b0b0b0b0b0b0b0b';
const T0 = 1_760_000_000; // seconds

let seq = 0;
function push(openid: string, msgType: string, event: string | null, createTime: number, over: Partial<EventInput> = {}): EventInput {
  return {
    componentAppid: C,
    kind: 'authorizer',
    appid: OA,
    receivedAt: createTime * 1000 + 500,
    rawBody: '<xml/>',
    status: 'ok',
    fromUser: openid,
    toUser: 'gh_account',
    msgType,
    event,
    createTime,
    dedupeKey: `k${++seq}`,
    ...over,
  };
}

describe('oa_users: kept by triggers on events', () => {
  test('messages and window-opening events are told apart; VIEW and LOCATION only count as seen; unfollow noted', () => {
    const { store } = tempStore();
    store.events.insert(push('oText', 'text', null, T0));
    store.events.insert(push('oImage', 'image', null, T0 + 1));
    for (const [i, ev] of ['subscribe', 'SCAN', 'CLICK', 'scancode_push', 'scancode_waitmsg'].entries()) store.events.insert(push(`oEv${i}`, 'event', ev, T0 + 10 + i));
    store.events.insert(push('oView', 'event', 'VIEW', T0 + 20));
    store.events.insert(push('oView', 'event', 'LOCATION', T0 + 21));
    store.events.insert(push('oText', 'event', 'unsubscribe', T0 + 30));
    const get = (o: string) => store.oaUsers.get(C, OA, o);
    expect(get('oText')).toEqual({ openid: 'oText', lastSeenAt: (T0 + 30) * 1000, lastSeenType: 'event/unsubscribe', lastMessageAt: T0 * 1000, lastEventAt: null, lastEvent: null, unsubscribedAt: (T0 + 30) * 1000 });
    expect(get('oImage')).toMatchObject({ lastMessageAt: (T0 + 1) * 1000, lastSeenType: 'image' });
    for (const [i, ev] of ['subscribe', 'SCAN', 'CLICK', 'scancode_push', 'scancode_waitmsg'].entries()) {
      expect(get(`oEv${i}`)).toMatchObject({ lastMessageAt: null, lastEventAt: (T0 + 10 + i) * 1000, lastEvent: ev });
    }
    expect(get('oView')).toMatchObject({ lastSeenAt: (T0 + 21) * 1000, lastSeenType: 'event/LOCATION', lastMessageAt: null, lastEventAt: null });
    const page = store.oaUsers.list(C, OA);
    expect(page.total).toBe(8);
    expect(page.rows[0]!.openid).toBe('oText'); // latest seen first
    expect(store.oaUsers.list(C, OA, { search: 'oEv' }).total).toBe(5);
    expect(store.oaUsers.list(C, OTHER).total).toBe(0);
  });

  test('times only move forward (a late, older push changes nothing newer); duplicates, failed and component pushes are not users', () => {
    const { store } = tempStore();
    store.events.insert(push('oA', 'text', null, T0 + 100));
    store.events.insert(push('oA', 'event', 'CLICK', T0 + 50)); // delivered late
    store.events.insert(push('oA', 'text', null, T0 + 10));
    expect(store.oaUsers.get(C, OA, 'oA')).toMatchObject({ lastSeenAt: (T0 + 100) * 1000, lastSeenType: 'text', lastMessageAt: (T0 + 100) * 1000, lastEventAt: (T0 + 50) * 1000 });
    store.events.insert(push('oFail', 'text', null, T0, { status: 'failed' }));
    store.events.insert(push('oComp', 'text', null, T0, { kind: 'component' }));
    store.events.insert(push('oNoTime', 'text', null, T0, { createTime: null, receivedAt: 1234 }));
    expect(store.oaUsers.get(C, OA, 'oFail')).toBeNull();
    expect(store.oaUsers.get(C, OA, 'oComp')).toBeNull();
    expect(store.oaUsers.get(C, OA, 'oNoTime')?.lastMessageAt).toBe(1234); // when the desk received it
  });

  test('a page reads the account in the oa_users index: no scan of events, no sort', () => {
    const { store, dbPath } = tempStore();
    store.events.insert(push('oA', 'text', null, T0));
    const raw = new Database(dbPath, { readonly: true });
    const plan = raw
      .prepare(`EXPLAIN QUERY PLAN SELECT openid, last_seen_at FROM oa_users WHERE component_appid = ? AND appid = ? AND instr(openid, ?) > 0 ORDER BY last_seen_at DESC LIMIT 50`)
      .all(C, OA, '')
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    raw.close();
    expect(plan).toMatch(/oa_users_by_seen/);
    expect(plan).not.toMatch(/TEMP B-TREE|events/);
  });

  test('the step fills oa_users from the events stored before it', () => {
    const { store, dbPath, keyPath } = tempStore();
    store.events.insert(push('oOld', 'text', null, T0));
    store.events.insert(push('oOld', 'event', 'subscribe', T0 + 5));
    store.events.insert(push('oOld2', 'event', 'VIEW', T0 + 6));
    store.close();
    // back to the schema before this step: no oa_users (nor the later steps' tables)
    const raw = new Database(dbPath);
    rollBackTo(raw, OA_USERS_STEP - 1);
    raw.close();
    const reopened = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    expect(reopened.schemaVersion).toBe(SCHEMA_VERSION);
    expect(reopened.oaUsers.get(C, OA, 'oOld')).toMatchObject({ lastSeenAt: (T0 + 5) * 1000, lastSeenType: 'event/subscribe', lastMessageAt: T0 * 1000, lastEventAt: (T0 + 5) * 1000 });
    expect(reopened.oaUsers.list(C, OA).total).toBe(2);
  });
});
