import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { EventInput } from '../../src/shared/domain';
import { tempStore } from './temp-store';

const C = 'wxcomp1';

function push(over: Partial<EventInput> = {}): EventInput {
  return { componentAppid: C, kind: 'authorizer', receivedAt: 1_700_000_000_000, rawBody: '<xml/>', ...over };
}

describe('events.insert: idempotence and the relay cursor', () => {
  test('a repeated seq is stored once and returns the stored id', () => {
    const { store } = tempStore();
    const first = store.events.insert(push({ seq: 1, plaintext: 'a' }));
    expect(first.inserted).toBe(true);
    expect(store.events.insert(push({ seq: 1, plaintext: 'changed' }))).toEqual({ inserted: false, id: first.id });
    expect(store.events.get(first.id)?.plaintext).toBe('a');
    expect(store.events.count({ componentAppid: C })).toBe(1);
    // same seq on another platform is a different push
    expect(store.events.insert(push({ componentAppid: 'wxcomp2', seq: 1 })).inserted).toBe(true);
  });

  test('a WeChat retry (new seq, same dedupe key) is stored once but still advances the cursor', () => {
    const { store } = tempStore();
    const first = store.events.insert(push({ seq: 5, dedupeKey: 'msg:123' }));
    const retry = store.events.insert(push({ seq: 9, dedupeKey: 'msg:123' }));
    expect(retry).toEqual({ inserted: false, id: first.id });
    expect(store.relay.getCursor(C)).toBe(9);
    expect(store.events.get(first.id)?.seq).toBe(5);
    expect(store.events.insert(push({ seq: 10, dedupeKey: 'msg:124' })).inserted).toBe(true);
  });

  test('seq is checked before the dedupe key', () => {
    const { store } = tempStore();
    const a = store.events.insert(push({ seq: 1, dedupeKey: 'k1' }));
    const b = store.events.insert(push({ seq: 2, dedupeKey: 'k2' }));
    // seq 2 with dedupe key k1: the seq match (b) wins
    expect(store.events.insert(push({ seq: 2, dedupeKey: 'k1' }))).toEqual({ inserted: false, id: b.id });
    expect(a.id).not.toBe(b.id);
  });

  test('failed events without a dedupe key are all kept, as are desktop events without seq', () => {
    const { store } = tempStore();
    for (let i = 0; i < 3; i++) {
      expect(store.events.insert(push({ seq: 100 + i, status: 'failed', failReason: 'bad signature' })).inserted).toBe(true);
    }
    for (let i = 0; i < 2; i++) expect(store.events.insert(push({ kind: 'local', rawBody: 'same' })).inserted).toBe(true);
    expect(store.events.count({ componentAppid: C })).toBe(5);
    expect(store.events.count({ componentAppid: C, failedOnly: true })).toBe(3);
    expect(store.relay.getCursor(C)).toBe(102);
  });

  test('the cursor only moves forward, per platform', () => {
    const { store } = tempStore();
    store.events.insert(push({ seq: 7 }));
    store.events.insert(push({ seq: 3 }));
    expect(store.relay.getCursor(C)).toBe(7);
    expect(store.relay.getCursor('wxcomp2')).toBe(0);
    expect(store.relay.advance(C, 5)).toBe(7);
    expect(store.relay.advance(C, 8)).toBe(8);
    expect(() => store.relay.advance(C, -1)).toThrow(/seq must be an integer/);
  });

  test('the cursor advances in the same transaction as the row: a failed insert leaves both unchanged', () => {
    const { store, dbPath } = tempStore();
    store.events.insert(push({ seq: 1 }));
    // A second real connection installs a trigger that makes one insert fail after the cursor was advanced.
    const other = new Database(dbPath);
    other.exec(`CREATE TRIGGER test_boom BEFORE INSERT ON events WHEN new.raw_body = 'boom'
                BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    other.close();
    expect(() => store.events.insert(push({ seq: 2, rawBody: 'boom' }))).toThrow(/boom/);
    expect(store.relay.getCursor(C)).toBe(1);
    expect(store.events.count({ componentAppid: C })).toBe(1);
    // and an outer transaction that rolls back takes the cursor with it
    expect(() =>
      store.transaction(() => {
        store.events.insert(push({ seq: 3 }));
        throw new Error('handler failed');
      }),
    ).toThrow('handler failed');
    expect(store.relay.getCursor(C)).toBe(1);
  });

  test('round-trips every field; setReply and setHandledNote', () => {
    const { store } = tempStore();
    const input: EventInput = {
      componentAppid: C,
      seq: 42,
      kind: 'authorizer',
      appid: 'wxauth1',
      receivedAt: 1_700_000_000_123,
      query: { timestamp: '1', nonce: 'n', msg_signature: 's' },
      rawBody: '<xml><Encrypt>…</Encrypt></xml>',
      plaintext: '<xml><MsgType>text</MsgType></xml>',
      status: 'ok',
      failReason: null,
      failReasonZh: null,
      infoType: null,
      msgType: 'text',
      event: null,
      fromUser: 'ozy',
      toUser: 'gh_abc',
      createTime: 1_700_000_000,
      msgId: '1234567890',
      dedupeKey: 'msg:1234567890',
      replyBody: null,
      replyMs: null,
      verdicts: { signatureOk: true, appidOk: true },
      handledNote: null,
      handledNoteZh: null,
    };
    const { id } = store.events.insert(input);
    expect(store.events.get(id)).toEqual({ id, ...input });
    store.events.setReply(id, '<xml>reply</xml>', 12);
    store.events.setHandledNote(id, 'answered', '已回复');
    expect(store.events.get(id)).toMatchObject({ replyBody: '<xml>reply</xml>', replyMs: 12, handledNote: 'answered', handledNoteZh: '已回复' });
    expect(() => store.events.setReply(99999, 'x', 1)).toThrow(/no event with id 99999/);
    expect(store.events.get(99999)).toBeNull();
  });

  test('rejects events that would corrupt the inbox', () => {
    const { store } = tempStore();
    // @ts-expect-error: untyped caller
    expect(() => store.events.insert(push({ kind: 'other' }))).toThrow(/event kind must be one of component, authorizer/);
    expect(() => store.events.insert(push({ seq: 0 }))).toThrow(/seq must be an integer in \[1/);
    expect(() => store.events.insert(push({ rawBody: undefined }))).toThrow(/rawBody must be a string/);
    // @ts-expect-error: untyped caller
    expect(() => store.events.insert(push({ query: { a: 1 } }))).toThrow(/query parameter a must be a string/);
    // @ts-expect-error: untyped caller
    expect(() => store.events.insert(push({ status: 'maybe' }))).toThrow(/event status must be one of ok, failed/);
    expect(() => store.events.insert(push({ appid: 'has space' }))).toThrow(/event appid must be an appid/);
    expect(store.events.count({ componentAppid: C })).toBe(0);
  });
});

describe('events.list: filters, keyset pagination, search', () => {
  function seed(denseRangeRows?: number) {
    const t = tempStore({ tuning: { denseRangeRows } });
    const { store } = t;
    const base = 1_700_000_000_000;
    const ids: number[] = [];
    for (let i = 1; i <= 300; i++) {
      const kind = i % 3 === 0 ? 'component' : 'authorizer';
      ids.push(
        store.events.insert({
          componentAppid: C,
          seq: i,
          kind,
          appid: kind === 'authorizer' ? `wxauth${i % 4}` : null,
          receivedAt: base + i * 30_000,
          rawBody: `<xml><Encrypt>cipher${i}</Encrypt></xml>`,
          plaintext: i % 50 === 0 ? null : // failed: not decrypted
            kind === 'component'
              ? `<xml><InfoType>${i % 2 ? 'authorized' : 'component_verify_ticket'}</InfoType></xml>`
              : `<xml><MsgType>text</MsgType><Content>${i % 10 === 0 ? '收到授权事件测试' : 'hello world'} #${i}</Content></xml>`,
          status: i % 50 === 0 ? 'failed' : 'ok',
          infoType: kind === 'component' ? (i % 2 ? 'authorized' : 'component_verify_ticket') : null,
          msgType: kind === 'authorizer' ? (i % 7 === 0 ? 'event' : 'text') : null,
          event: kind === 'authorizer' && i % 7 === 0 ? 'subscribe' : null,
          fromUser: kind === 'authorizer' ? `user${i % 5}` : null,
        }).id,
      );
    }
    return { store, base, ids };
  }

  test('newest first; pages by beforeId cover every row exactly once', () => {
    const { store, ids } = seed();
    const seen: number[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = store.events.list({ componentAppid: C, limit: 70, beforeId });
      seen.push(...page.rows.map((r) => r.id));
      if (page.nextBeforeId === null) break;
      beforeId = page.nextBeforeId;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  test.each([
    ['narrow ranges read the received_at index', undefined],
    ['dense ranges walk the rowid order', 5],
  ])('each filter returns exactly the matching rows (%s)', (_name, denseRangeRows) => {
    const { store, base } = seed(denseRangeRows);
    const all = store.events.list({ componentAppid: C, limit: 500 }).rows;
    expect(all).toHaveLength(300);
    const check = (filter: Parameters<typeof store.events.list>[0], pred: (e: (typeof all)[number]) => boolean) => {
      const got = store.events.list({ ...filter, limit: 500 }).rows.map((r) => r.id);
      const want = all.filter(pred).map((r) => r.id);
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
      expect(store.events.count(filter)).toBe(want.length);
    };
    check({ componentAppid: C, kind: 'component' }, (e) => e.kind === 'component');
    check({ componentAppid: C, infoType: 'authorized' }, (e) => e.infoType === 'authorized');
    check({ componentAppid: C, msgType: 'event', event: 'subscribe' }, (e) => e.event === 'subscribe');
    check({ componentAppid: C, appid: 'wxauth2' }, (e) => e.appid === 'wxauth2');
    check({ componentAppid: C, failedOnly: true }, (e) => e.status === 'failed');
    check(
      { componentAppid: C, from: base + 600_000, to: base + 1_200_000 },
      (e) => e.receivedAt >= base + 600_000 && e.receivedAt < base + 1_200_000,
    );
    check({ componentAppid: C, kind: 'authorizer', appid: 'wxauth1', failedOnly: false }, (e) => e.appid === 'wxauth1');
    check({ componentAppid: C, from: base + 3_000_000 }, (e) => e.receivedAt >= base + 3_000_000);
    check({ componentAppid: C, to: base + 900_000, kind: 'component' }, (e) => e.receivedAt < base + 900_000 && e.kind === 'component');
    // keyset pages inside a time range
    const inRange = all.filter((e) => e.receivedAt >= base + 600_000 && e.receivedAt < base + 6_000_000).map((e) => e.id);
    const p1 = store.events.list({ componentAppid: C, from: base + 600_000, to: base + 6_000_000, limit: 100 });
    const p2 = store.events.list({ componentAppid: C, from: base + 600_000, to: base + 6_000_000, limit: 100, beforeId: p1.nextBeforeId! });
    expect([...p1.rows, ...p2.rows].map((e) => e.id)).toEqual(inRange.slice(0, 200));
    expect(store.events.list({ componentAppid: 'wxother' }).rows).toEqual([]);
  });

  test('full-text search finds Chinese (3+ characters via FTS, shorter via LIKE), ASCII, and pages', () => {
    const { store } = seed();
    const want = store.events
      .list({ componentAppid: C, limit: 500 })
      .rows.filter((e) => e.plaintext?.includes('收到授权事件'))
      .map((e) => e.id);
    expect(want.length).toBe(16); // 20 Chinese messages, 4 of them failed (no plaintext)
    expect(store.events.list({ componentAppid: C, search: '授权事件', limit: 500 }).rows.map((r) => r.id)).toEqual(want);
    expect(store.events.list({ componentAppid: C, search: '授权', limit: 500 }).rows.map((r) => r.id)).toEqual(want);
    expect(store.events.count({ componentAppid: C, search: '收到授权事件测试' })).toBe(16);
    // The raw body is searched when there is no plaintext (a failed push); a decrypted push's ciphertext is not.
    expect(store.events.list({ componentAppid: C, search: 'cipher150<' }).rows.map((r) => r.seq)).toEqual([150]);
    expect(store.events.count({ componentAppid: C, search: 'cipher123<' })).toBe(0);
    // short terms (LIKE) follow the same rule: '<E' is only in raw bodies (<Encrypt>)
    expect(store.events.list({ componentAppid: C, search: '<E', limit: 500 }).rows.map((r) => r.seq)).toEqual([
      300, 250, 200, 150, 100, 50,
    ]);
    // key fields, combined with other filters
    expect(store.events.count({ componentAppid: C, search: 'component_verify_ticket' })).toBe(50);
    expect(store.events.count({ componentAppid: C, search: 'user3', kind: 'authorizer' })).toBe(
      store.events.list({ componentAppid: C, limit: 500 }).rows.filter((e) => e.fromUser === 'user3').length,
    );
    // two words: both must match
    expect(store.events.count({ componentAppid: C, search: 'hello #12' })).toBe(
      store.events.list({ componentAppid: C, limit: 500 }).rows.filter((e) => e.plaintext?.includes('hello') && e.plaintext.includes('#12')).length,
    );
    // keyset pages through search results
    const p1 = store.events.list({ componentAppid: C, search: '授权事件', limit: 15 });
    expect(p1.rows.map((r) => r.id)).toEqual(want.slice(0, 15));
    const p2 = store.events.list({ componentAppid: C, search: '授权事件', limit: 15, beforeId: p1.nextBeforeId! });
    expect(p2.rows.map((r) => r.id)).toEqual(want.slice(15));
    expect(p2.nextBeforeId).toBeNull();
    // quotes and LIKE wildcards are literal
    expect(store.events.count({ componentAppid: C, search: '"%_' })).toBe(0);
    expect(store.events.count({ componentAppid: C, search: '%' })).toBe(0);
  });

  test('countPerMinute buckets by minute with failures', () => {
    const { store, base } = seed();
    const rows = store.events.countPerMinute(C, base, base + 3_600_000);
    const total = rows.reduce((n, r) => n + r.count, 0);
    expect(total).toBe(store.events.count({ componentAppid: C, from: base, to: base + 3_600_000 }));
    expect(rows.reduce((n, r) => n + r.failed, 0)).toBe(
      store.events.count({ componentAppid: C, from: base, to: base + 3_600_000, failedOnly: true }),
    );
    for (const r of rows) {
      expect(r.minute % 60_000).toBe(0);
      expect(r.count).toBeGreaterThanOrEqual(1);
      expect(r.count).toBeLessThanOrEqual(2); // one event per 30 s
    }
    expect(() => store.events.countPerMinute(C, 10, 5)).toThrow(/must not be before/);
    expect(() => store.events.countPerMinute(C, 0, 32 * 86_400_000)).toThrow(/at most 31 days/);
  });

  test('getMany returns in the caller order and skips unknown ids', () => {
    const { store, ids } = seed();
    const got = store.events.getMany([ids[5]!, 999_999, ids[0]!]);
    expect(got.map((e) => e.id)).toEqual([ids[5], ids[0]]);
    expect(() => store.events.getMany([1.5])).toThrow(/ids\[0\]/);
  });

  test('rejects bad filters', () => {
    const { store } = tempStore();
    expect(() => store.events.list({ componentAppid: C, limit: 0 })).toThrow(/limit must be an integer in \[1, 500\]/);
    expect(() => store.events.list({ componentAppid: C, beforeId: -3 })).toThrow(/beforeId/);
    // @ts-expect-error: untyped caller
    expect(() => store.events.list({ componentAppid: C, kind: 'x' })).toThrow(/kind filter/);
    // @ts-expect-error: untyped caller
    expect(() => store.events.list({})).toThrow(/componentAppid must be an appid/);
  });
});
