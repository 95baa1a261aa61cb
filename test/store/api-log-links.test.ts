import { describe, expect, test } from 'vitest';
import type { ApiCallInput } from '../../src/shared/domain';
import { tempStore } from './temp-store';

const C = 'wxcomp1';
const base = 1_700_000_000_000;

function call(i: number, over: Partial<ApiCallInput> = {}): ApiCallInput {
  return {
    componentAppid: C,
    at: base + i * 20_000,
    path: i % 3 === 0 ? '/cgi-bin/component/api_component_token' : '/cgi-bin/message/custom/send',
    appid: i % 3 === 0 ? null : `wxauth${i % 2}`,
    errcode: i % 10 === 0 ? 40001 : i % 17 === 0 ? null : 0,
    errmsg: i % 10 === 0 ? 'invalid credential' : 'ok',
    rid: `rid-${i}`,
    latencyMs: 10 + (i % 50),
    attempt: i % 10 === 0 ? 2 : 1,
    ...over,
  };
}

describe('apiLog', () => {
  test('insert, list newest first with filters and keyset pages', () => {
    const { store } = tempStore();
    const ids: number[] = [];
    for (let i = 1; i <= 200; i++) ids.push(store.apiLog.insert(call(i)));
    const all = store.apiLog.list({ componentAppid: C, limit: 500 }).rows;
    expect(all.map((r) => r.id)).toEqual([...ids].reverse());
    expect(all[all.length - 1]).toEqual({ id: ids[0], ...call(1) });

    const check = (filter: Parameters<typeof store.apiLog.list>[0], pred: (r: (typeof all)[number]) => boolean) => {
      const want = all.filter(pred).map((r) => r.id);
      expect(want.length).toBeGreaterThan(0);
      const got: number[] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = store.apiLog.list({ ...filter, limit: 7, beforeId });
        got.push(...page.rows.map((r) => r.id));
        if (page.nextBeforeId === null) break;
        beforeId = page.nextBeforeId;
      }
      expect(got).toEqual(want);
    };
    check({ componentAppid: C, errorsOnly: true }, (r) => r.errcode !== 0);
    check({ componentAppid: C, errcode: 40001 }, (r) => r.errcode === 40001);
    check({ componentAppid: C, path: '/cgi-bin/component/api_component_token' }, (r) => r.path.endsWith('api_component_token'));
    check({ componentAppid: C, appid: 'wxauth1' }, (r) => r.appid === 'wxauth1');
    check({ componentAppid: C, from: base + 1_000_000, to: base + 2_000_000 }, (r) => r.at >= base + 1_000_000 && r.at < base + 2_000_000);
    expect(store.apiLog.list({ componentAppid: 'wxcomp2' }).rows).toEqual([]);
  });

  test('errcodesPerMinute groups by minute and errcode (null = transport failure)', () => {
    const { store } = tempStore();
    for (let i = 1; i <= 200; i++) store.apiLog.insert(call(i));
    const rows = store.apiLog.errcodesPerMinute(C, base, base + 10_000_000);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(200);
    expect(rows.filter((r) => r.errcode === 40001).reduce((n, r) => n + r.count, 0)).toBe(20);
    expect(rows.filter((r) => r.errcode === null).reduce((n, r) => n + r.count, 0)).toBe(
      Array.from({ length: 200 }, (_, k) => k + 1).filter((i) => i % 10 !== 0 && i % 17 === 0).length,
    );
    for (const r of rows) expect(r.minute % 60_000).toBe(0);
  });

  test('prune keeps the newest rows per platform; the automatic prune bounds the table', () => {
    const { store } = tempStore({ apiLogKeep: 300 });
    for (let i = 1; i <= 120; i++) store.apiLog.insert(call(i));
    for (let i = 1; i <= 10; i++) store.apiLog.insert(call(i, { componentAppid: 'wxcomp2' }));
    expect(store.apiLog.prune(C, 100)).toBe(20);
    const left = store.apiLog.list({ componentAppid: C, limit: 500 }).rows;
    expect(left).toHaveLength(100);
    expect(left[left.length - 1]!.rid).toBe('rid-21');
    expect(store.apiLog.list({ componentAppid: 'wxcomp2', limit: 500 }).rows).toHaveLength(10);
    expect(store.apiLog.prune(C, 100)).toBe(0);
    // 2,000 more inserts: the prune every 1,000 inserts keeps at most apiLogKeep (300) + 999 rows
    for (let i = 0; i < 2000; i++) store.apiLog.insert(call(i));
    let total = 0;
    let beforeId: number | undefined;
    for (;;) {
      const page = store.apiLog.list({ componentAppid: C, limit: 500, beforeId });
      total += page.rows.length;
      if (page.nextBeforeId === null) break;
      beforeId = page.nextBeforeId;
    }
    expect(total).toBeLessThanOrEqual(300 + 999);
    expect(total).toBeGreaterThanOrEqual(300);
  });

  test('rejects bad calls, including a path whose query string carries a token', () => {
    const { store } = tempStore();
    expect(() => store.apiLog.insert(call(1, { path: '/cgi-bin/x?access_token=SECRET' }))).toThrow(/must not carry access_token/);
    expect(() => store.apiLog.insert(call(1, { latencyMs: -1 }))).toThrow(/latencyMs/);
    expect(() => store.apiLog.insert(call(1, { attempt: 0 }))).toThrow(/attempt/);
    expect(() => store.apiLog.list({ componentAppid: C, errcode: 1.5 })).toThrow(/errcode filter/);
    expect(() => store.apiLog.errcodesPerMinute(C, 5, 1)).toThrow(/must not be before/);
    expect(() => store.apiLog.errcodesPerMinute(C, 0, 32 * 86_400_000)).toThrow(/at most 31 days/);
  });
});

describe('authLinks', () => {
  const link = (id: string, createdAt: number) => ({
    id,
    componentAppid: C,
    preAuthCode: `preauthcode@@@${id}`,
    pcUrl: `https://mp.weixin.qq.com/cgi-bin/componentloginpage?pre_auth_code=${id}`,
    mobileUrl: `https://open.weixin.qq.com/wxaopen/safe/bindcomponent?pre_auth_code=${id}`,
    authType: 3,
    bizAppid: null,
    categoryIds: '1|2',
    relayStartUrl: `https://relay.example.com/authorize/${id}`,
    createdAt,
    expiresAt: createdAt + 600_000,
  });

  test('create, find, complete once, expire due links, list newest first', () => {
    const { store } = tempStore();
    const a = store.authLinks.create(link('linkA', base));
    expect(a).toMatchObject({ status: 'pending', authorizerAppid: null, completedAt: null, categoryIds: '1|2' });
    store.authLinks.create(link('linkB', base + 1000));
    store.authLinks.create(link('linkC', base + 2000));
    expect(store.authLinks.findByPreAuthCode(C, 'preauthcode@@@linkB')?.id).toBe('linkB');
    expect(store.authLinks.complete('linkB', 'wxauth9', base + 5000)).toBe(true);
    expect(store.authLinks.complete('linkB', 'wxauth8', base + 6000)).toBe(false);
    expect(store.authLinks.get('linkB')).toMatchObject({ status: 'completed', authorizerAppid: 'wxauth9', completedAt: base + 5000 });
    expect(store.authLinks.expireDue(base + 600_500)).toBe(1); // only linkA is due; linkB is completed
    expect(store.authLinks.get('linkA')?.status).toBe('expired');
    expect(store.authLinks.list(C).map((l) => l.id)).toEqual(['linkC', 'linkB', 'linkA']);
    expect(store.authLinks.list(C, { status: 'pending' }).map((l) => l.id)).toEqual(['linkC']);
    expect(store.authLinks.get('nope')).toBeNull();
    // An authorization approved before expiry may land after it (queued in the relay): the expired link completes.
    expect(store.authLinks.complete('linkA', 'wxauth1', base + 700_000)).toBe(true);
    expect(store.authLinks.get('linkA')).toMatchObject({ status: 'completed', authorizerAppid: 'wxauth1' });
  });

  test("expires one platform's due links, returning them, and says when the next one is due", () => {
    const { store } = tempStore();
    const other = 'wx9999999999999999';
    store.authLinks.create(link('linkA', base));
    store.authLinks.create(link('linkB', base + 1000));
    store.authLinks.create({ ...link('linkX', base), componentAppid: other });
    expect(store.authLinks.nextExpiry(C)).toBe(base + 600_000);
    expect(store.authLinks.expirePlatform(C, base + 600_500).map((l) => [l.id, l.status])).toEqual([['linkA', 'expired']]);
    expect(store.authLinks.get('linkX')?.status).toBe('pending'); // another platform's link is left alone
    expect(store.authLinks.nextExpiry(C)).toBe(base + 601_000);
    store.authLinks.complete('linkB', 'wxauth2');
    expect(store.authLinks.nextExpiry(C)).toBeNull();
    expect(store.authLinks.expirePlatform(C, base + 700_000)).toEqual([]);
  });

  test('rejects duplicates and malformed links', () => {
    const { store } = tempStore();
    store.authLinks.create(link('linkA', base));
    expect(() => store.authLinks.create(link('linkA', base))).toThrow(/already exists/);
    expect(() => store.authLinks.create({ ...link('x', base), expiresAt: base })).toThrow(/expiresAt must be after createdAt/);
    expect(() => store.authLinks.create({ ...link('bad/id', base) })).toThrow(/link id may hold only/);
    expect(() => store.authLinks.create({ ...link('y', base), authType: 0 })).toThrow(/authType/);
    // @ts-expect-error: untyped caller
    expect(() => store.authLinks.list(C, { status: 'done' })).toThrow(/status filter/);
  });
});
