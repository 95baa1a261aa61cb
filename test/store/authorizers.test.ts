import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import type { Authorizer, AuthorizerFilter } from '../../src/shared/domain';
import type { Store } from '../../src/main/store/index';
import { BASE_TIME, N, openAuthorizers100k, type Authorizers100k } from '../fixtures/authorizers-100k';
import { tempStore } from './temp-store';

const C = 'wxcomp1';

describe('authorizers: single rows', () => {
  test('upsert creates with defaults, merges on update, and keeps the refresh token encrypted', () => {
    const { store } = tempStore({ now: () => 1000 });
    const a = store.authorizers.upsert({
      componentAppid: C,
      appid: 'wxoa1',
      kind: 'OA',
      nickName: '测试公众号',
      userName: 'gh_123',
      funcInfo: [1, 18, 1],
      info: { service_type_info: { id: 2 } },
      refreshToken: 'refreshtoken@@@abc',
    });
    expect(a).toMatchObject({
      appid: 'wxoa1',
      componentAppid: C,
      kind: 'OA',
      nickName: '测试公众号',
      funcInfo: [1, 18],
      status: 'active',
      hasRefreshToken: true,
      authorizedAt: 1000,
      revokedAt: null,
      refreshTokenMismatch: false,
    });
    expect(JSON.stringify(a)).not.toContain('refreshtoken@@@abc');
    expect(store.authorizers.getRefreshToken(C, 'wxoa1')).toBe('refreshtoken@@@abc');
    const b = store.authorizers.upsert({ componentAppid: C, appid: 'wxoa1', kind: 'OA', principalName: '某公司' });
    expect(b).toMatchObject({ nickName: '测试公众号', principalName: '某公司', funcInfo: [1, 18], hasRefreshToken: true });
    expect(store.authorizers.get(C, 'wxoa1')?.info).toEqual({ service_type_info: { id: 2 } });
    expect(store.authorizers.get('wxcomp2', 'wxoa1')).toBeNull();
  });

  test('setRefreshToken, markRefreshTokenChecked and setStatus', () => {
    let now = 1000;
    const { store } = tempStore({ now: () => now });
    store.authorizers.upsert({ componentAppid: C, appid: 'wxmp1', kind: 'MP', refreshToken: 'r1' });
    store.authorizers.markRefreshTokenChecked(C, 'wxmp1', true, 1500);
    expect(store.authorizers.get(C, 'wxmp1')).toMatchObject({ refreshTokenMismatch: true, refreshTokenCheckedAt: 1500 });
    store.authorizers.setRefreshToken(C, 'wxmp1', 'r2');
    expect(store.authorizers.getRefreshToken(C, 'wxmp1')).toBe('r2');
    expect(store.authorizers.get(C, 'wxmp1')?.refreshTokenMismatch).toBe(false);
    now = 2000;
    store.authorizers.setStatus(C, 'wxmp1', 'revoked');
    expect(store.authorizers.get(C, 'wxmp1')).toMatchObject({ status: 'revoked', revokedAt: 2000, updatedAt: 2000 });
    store.authorizers.setStatus(C, 'wxmp1', 'active', 3000);
    expect(store.authorizers.get(C, 'wxmp1')).toMatchObject({ status: 'active', revokedAt: null });
    store.authorizers.setRefreshToken(C, 'wxmp1', null);
    expect(store.authorizers.getRefreshToken(C, 'wxmp1')).toBeNull();
    expect(() => store.authorizers.setStatus(C, 'wxnone', 'revoked')).toThrow(/no authorizer wxnone under platform wxcomp1/);
    expect(() => store.authorizers.setRefreshToken(C, 'wxnone', 'x')).toThrow(/no authorizer/);
  });

  test('rejects data that would corrupt the table', () => {
    const { store } = tempStore();
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'APP' })).toThrow(
      /authorizer kind must be one of OA, MP, got "APP"/,
    );
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'OA', status: 'gone' })).toThrow(
      /authorizer status must be one of active, revoked, needs_reauth/,
    );
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'OA', funcInfo: ['1'] })).toThrow(/funcInfo\[0\]/);
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'OA', info: [1] })).toThrow(/info must be an object/);
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'OA', refreshToken: '' })).toThrow(/refreshToken/);
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: '', kind: 'OA' })).toThrow(/authorizer appid/);
    // A time past the year 9999 would be stored, and break every export of the platform (JS dates end in 275760).
    expect(() => store.authorizers.upsert({ componentAppid: C, appid: 'wxa', kind: 'OA', authorizedAt: 8.7e15 })).toThrow(/authorizedAt must be an integer in \[0, 253402300799999\]/);
    expect(store.authorizers.countsByStatus(C).total).toBe(0);
  });
});

describe('authorizers: filters and sorting at 100,000 rows', () => {
  let fixture: Authorizers100k;
  let store: Store;
  let all: Authorizer[];

  beforeAll(() => {
    // Built once into .test-data/ (see test/fixtures/authorizers-100k.ts); here a fresh copy is opened.
    fixture = openAuthorizers100k();
    store = fixture.store;
    all = [...store.authorizers.iterate(C)];
  });

  afterAll(() => fixture.close());

  function expectPage(filter: AuthorizerFilter, pred: (a: Authorizer) => boolean, cmp: (a: Authorizer, b: Authorizer) => number) {
    const want = all.filter(pred).sort(cmp);
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? 50;
    const got = store.authorizers.list(filter);
    expect(got.total).toBe(want.length);
    expect(got.rows.map((r) => r.appid)).toEqual(want.slice(offset, offset + limit).map((r) => r.appid));
  }
  const byAppid = (a: Authorizer, b: Authorizer) => (a.appid < b.appid ? -1 : a.appid > b.appid ? 1 : 0);
  const by =
    <K extends keyof Authorizer>(key: K, dir: 1 | -1) =>
    (a: Authorizer, b: Authorizer) => {
      const x = a[key] as string | number | null;
      const y = b[key] as string | number | null;
      if (x === y) return dir * byAppid(a, b);
      if (x === null) return -dir; // SQLite sorts NULL first ascending
      if (y === null) return dir;
      return x < y ? -dir : dir;
    };

  test('iterate and listAllIds see every row of the platform only', () => {
    expect(all).toHaveLength(N);
    expect(store.authorizers.listAllIds(C)).toEqual(all.map((a) => a.appid));
    expect(store.authorizers.listAllIds('wxcomp2')).toHaveLength(50);
  });

  test('countsByStatus', () => {
    const counts = store.authorizers.countsByStatus(C);
    expect(counts.total).toBe(N);
    expect(counts.revoked).toBe(all.filter((a) => a.status === 'revoked').length);
    expect(counts.needs_reauth).toBe(all.filter((a) => a.status === 'needs_reauth').length);
    expect(counts.active + counts.revoked + counts.needs_reauth).toBe(N);
  });

  test('default order: newest authorization first', () => {
    expectPage({ componentAppid: C }, () => true, by('authorizedAt', -1));
    expectPage({ componentAppid: C, offset: 99_990, limit: 50 }, () => true, by('authorizedAt', -1));
  });

  test('kind, status, permission set, date range and combinations', () => {
    expectPage({ componentAppid: C, kind: 'MP', limit: 100 }, (a) => a.kind === 'MP', by('authorizedAt', -1));
    expectPage({ componentAppid: C, status: 'needs_reauth', offset: 200 }, (a) => a.status === 'needs_reauth', by('authorizedAt', -1));
    expectPage({ componentAppid: C, funcId: 18, sort: 'appid', dir: 'asc' }, (a) => a.funcInfo.includes(18), byAppid);
    const from = BASE_TIME + 20_000_000;
    const to = BASE_TIME + 30_000_000;
    expectPage(
      { componentAppid: C, authorizedFrom: from, authorizedTo: to, kind: 'OA', status: 'active', funcId: 1, sort: 'authorizedAt', dir: 'asc', limit: 1000 },
      (a) => a.authorizedAt >= from && a.authorizedAt < to && a.kind === 'OA' && a.status === 'active',
      by('authorizedAt', 1),
    );
    expect(store.authorizers.list({ componentAppid: C, funcId: 99 }).total).toBe(0);
  });

  test('text search over appid, names, userName and principal (Chinese too)', () => {
    expectPage({ componentAppid: C, search: '特别号' }, (a) => !!a.nickName?.includes('特别号'), by('authorizedAt', -1));
    expectPage({ componentAppid: C, search: '腾讯', limit: 20, offset: 40 }, (a) => !!a.principalName?.includes('腾讯'), by('authorizedAt', -1));
    expectPage({ componentAppid: C, search: 'gh_4242' }, (a) => !!a.userName?.includes('gh_4242'), by('authorizedAt', -1));
    expectPage({ componentAppid: C, search: '00000000001f4' }, (a) => a.appid.includes('00000000001f4'), by('authorizedAt', -1));
    expectPage({ componentAppid: C, search: 'account 499' }, (a) => !!a.nickName?.toLowerCase().includes('account 499'), by('authorizedAt', -1));
    expect(store.authorizers.list({ componentAppid: C, search: '100%' }).total).toBe(0); // % is literal
  });

  test('sorting by each column in both directions', () => {
    expectPage({ componentAppid: C, sort: 'nickName', dir: 'asc' }, () => true, by('nickName', 1));
    expectPage({ componentAppid: C, sort: 'nickName', dir: 'desc', offset: 5000 }, () => true, by('nickName', -1));
    expectPage({ componentAppid: C, sort: 'principalName', dir: 'asc', kind: 'MP' }, (a) => a.kind === 'MP', by('principalName', 1));
    // status and kind: newest authorization first within a group (then appid)
    const thenAuthorized = (key: 'status' | 'kind', dir: 1 | -1) => (a: Authorizer, b: Authorizer) =>
      a[key] !== b[key] ? (a[key] < b[key] ? -dir : dir) : by('authorizedAt', dir)(a, b);
    expectPage({ componentAppid: C, sort: 'status', dir: 'desc' }, () => true, thenAuthorized('status', -1));
    expectPage({ componentAppid: C, sort: 'kind', dir: 'asc', offset: 30_000 }, () => true, thenAuthorized('kind', 1));
    expectPage({ componentAppid: C, sort: 'nickName', dir: 'asc', status: 'revoked', offset: 2000 }, (a) => a.status === 'revoked', by('nickName', 1));
    expectPage({ componentAppid: C, sort: 'appid', dir: 'desc' }, () => true, (a, b) => -byAppid(a, b));
  });

  test('rejects bad filters', () => {
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.list({ componentAppid: C, sort: 'nick_name; DROP TABLE x' })).toThrow(/sort column must be one of/);
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.list({ componentAppid: C, dir: 'up' })).toThrow(/sort direction/);
    expect(() => store.authorizers.list({ componentAppid: C, limit: 5000 })).toThrow(/limit/);
    expect(() => store.authorizers.list({ componentAppid: C, offset: -1 })).toThrow(/offset/);
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.list({ componentAppid: C, kind: 'oa' })).toThrow(/kind filter/);
  });
});

describe('authorizers.upsertMany', () => {
  test('validates every row before writing any', () => {
    const { store } = tempStore();
    expect(() =>
      store.authorizers.upsertMany([
        { componentAppid: C, appid: 'wxok', kind: 'OA' },
        // @ts-expect-error: untyped caller
        { componentAppid: C, appid: 'wxbad', kind: 'XX' },
      ]),
    ).toThrow(/authorizer #1: authorizer kind must be one of OA, MP/);
    expect(store.authorizers.get(C, 'wxok')).toBeNull();
    // @ts-expect-error: untyped caller
    expect(() => store.authorizers.upsertMany('x')).toThrow(/needs an array/);
  });
});

describe('authorizers.iterate', () => {
  test('streams in chunks, so the caller may write to the store while iterating', () => {
    const { store } = tempStore();
    store.authorizers.upsertMany(Array.from({ length: 2500 }, (_, i) => ({ componentAppid: C, appid: `wx${String(i).padStart(5, '0')}`, kind: 'MP' as const })));
    let seen = 0;
    for (const a of store.authorizers.iterate(C)) {
      store.authorizers.setStatus(C, a.appid, 'needs_reauth');
      seen++;
    }
    expect(seen).toBe(2500);
    expect(store.authorizers.countsByStatus(C)).toEqual({ active: 0, revoked: 0, needs_reauth: 2500, total: 2500 });
  });
});

describe('authorizers.iterate with a filter, and the mismatch count', () => {
  test('streams exactly the rows list() matches, in appid order, across chunks', () => {
    const { store } = tempStore();
    store.authorizers.upsertMany(
      Array.from({ length: 2600 }, (_, i) => ({
        componentAppid: C,
        appid: `wx${String(i).padStart(5, '0')}`,
        kind: i % 3 === 0 ? ('MP' as const) : ('OA' as const),
        nickName: i % 5 === 0 ? `门店 ${i}` : `Shop ${i}`,
        funcInfo: i % 2 === 0 ? [1, 18] : [1],
      })),
    );
    const filter = { kind: 'MP' as const, funcId: 18, search: '门店' };
    const streamed = [...store.authorizers.iterate(C, filter)].map((a) => a.appid);
    const listed = store.authorizers.list({ ...filter, componentAppid: C, sort: 'appid', dir: 'asc', limit: 1000 });
    expect(streamed).toEqual(listed.rows.map((a) => a.appid));
    expect(streamed.length).toBe(listed.total);
    expect(streamed.length).toBe(87); // i ≡ 0 mod 30 among 0..2599
    expect(() => [...store.authorizers.iterate(C, { kind: 'XX' as 'OA' })]).toThrow(/kind/);
  });

  test('a search matches the same rows in list() and iterate() (what the screen shows is what an export holds)', () => {
    const { store } = tempStore();
    const names = ['École Café', 'ÉCOLE 分店', 'ecole cafe', 'Straße 咖啡', 'STRASSE', '咖啡小站', 'Kaffee ÄÖÜ'];
    store.authorizers.upsertMany(names.map((nickName, i) => ({ componentAppid: C, appid: `wxs${String(i).padStart(14, '0')}`, kind: 'OA' as const, nickName })));
    for (const search of ['école', 'École', 'ÉCOLE', 'cafe', 'Café', 'straße', 'STRA', '咖啡', '咖', 'äöü', 'ÄÖÜ', 'ee ä', 'e']) {
      const listed = store.authorizers.list({ componentAppid: C, search, sort: 'appid', dir: 'asc', limit: 1000 });
      const streamed = [...store.authorizers.iterate(C, { search })].map((a) => a.appid);
      expect(streamed, search).toEqual(listed.rows.map((a) => a.appid));
      expect(streamed.length, search).toBe(listed.total);
    }
  });

  test('counts flagged refresh tokens per platform', () => {
    const { store } = tempStore();
    for (const appid of ['wxa', 'wxb', 'wxc']) store.authorizers.upsert({ componentAppid: C, appid, kind: 'OA', refreshToken: 'rt' });
    store.authorizers.upsert({ componentAppid: 'wxother', appid: 'wxa', kind: 'OA', refreshToken: 'rt' });
    store.authorizers.markRefreshTokenChecked(C, 'wxa', true);
    store.authorizers.markRefreshTokenChecked(C, 'wxb', true);
    store.authorizers.markRefreshTokenChecked('wxother', 'wxa', true);
    expect(store.authorizers.countRefreshTokenMismatches(C)).toBe(2);
    store.authorizers.setRefreshToken(C, 'wxa', 'rt2'); // a new token clears the flag
    expect(store.authorizers.countRefreshTokenMismatches(C)).toBe(1);
  });
});

describe('authorizer search (in memory for the table, trigram index and instr for exports)', () => {
  test('a row matching twice counts once; a term never spans two rows or fields; NUL matches nothing; list and export agree', () => {
    const { store } = tempStore();
    store.authorizers.upsert({ componentAppid: C, appid: 'wxaaaa0001', kind: 'OA', nickName: '咖啡咖啡', principalName: '咖啡公司' });
    store.authorizers.upsert({ componentAppid: C, appid: 'wxbbbb0002', kind: 'OA', nickName: 'end', principalName: 'start' });
    store.authorizers.upsert({ componentAppid: C, appid: 'wxcccc0003', kind: 'MP', nickName: 'startx' });
    const page = (search: string) => store.authorizers.list({ componentAppid: C, search, sort: 'appid', dir: 'asc' });
    expect(page('咖啡')).toMatchObject({ total: 1, rows: [{ appid: 'wxaaaa0001' }] });
    expect(page('咖').total).toBe(1);
    expect(page('endst').total).toBe(0); // nick_name "end" then principal "start" are separate fields
    expect(page('0001wx').total).toBe(0); // the end of one row and the start of the next
    expect(page('a\u0000w').total).toBe(0);
    expect(page('start').rows.map((a) => a.appid)).toEqual(['wxbbbb0002', 'wxcccc0003']);
    expect(page('start').total).toBe(2);
    // With a kind filter the hits are filtered and counted again.
    expect(store.authorizers.list({ componentAppid: C, search: 'start', kind: 'MP' })).toMatchObject({ total: 1, rows: [{ appid: 'wxcccc0003' }] });
    for (const term of ['咖啡', 'start', 'x', 'wx', '公司']) {
      expect([...store.authorizers.iterate(C, { search: term })].map((a) => a.appid).sort(), term).toEqual(page(term).rows.map((a) => a.appid));
    }
    // A new row is found at once (the mirror is rebuilt after writes).
    store.authorizers.upsert({ componentAppid: C, appid: 'wxdddd0004', kind: 'OA', nickName: '新咖啡' });
    expect(page('咖啡').total).toBe(2);
    store.authorizers.warmSearch(C);
    expect(page('新').rows.map((a) => a.appid)).toEqual(['wxdddd0004']);
  });

  test('an empty platform searches to nothing', () => {
    const { store } = tempStore();
    store.authorizers.warmSearch(C);
    expect(store.authorizers.list({ componentAppid: C, search: 'a' })).toEqual({ rows: [], total: 0 });
  });
});

describe('authorizer search: trigram index for 3+ characters, LIKE below', () => {
  test('finds substrings case-insensitively in every searchable column, including quotes and Chinese', () => {
    const { store } = tempStore();
    store.authorizers.upsert({ componentAppid: C, appid: 'wxaaaa0001', kind: 'OA', nickName: '星巴克 "咖啡" 门店', principalName: 'Acme Ltd' });
    store.authorizers.upsert({ componentAppid: C, appid: 'wxbbbb0002', kind: 'MP', nickName: 'Tea house', userName: 'gh_tea', alias: 'teaAlias' });
    store.authorizers.upsert({ componentAppid: 'wxother', appid: 'wxcccc0003', kind: 'OA', nickName: '星巴克 other platform' });
    const hits = (search: string) => store.authorizers.list({ componentAppid: C, search }).rows.map((a) => a.appid);
    expect(hits('星巴克')).toEqual(['wxaaaa0001']);
    expect(hits('"咖啡"')).toEqual(['wxaaaa0001']);
    expect(hits('ACME')).toEqual(['wxaaaa0001']);
    expect(hits('TEAALIAS')).toEqual(['wxbbbb0002']);
    expect(hits('gh_t')).toEqual(['wxbbbb0002']);
    expect(hits('0002')).toEqual(['wxbbbb0002']);
    expect(hits('门店')).toEqual(['wxaaaa0001']); // 2 characters: LIKE
    expect(hits('ea')).toEqual(['wxbbbb0002']);
    expect(hits('   ')).toHaveLength(2); // blank: no filter
    // Renaming keeps the index in step (update trigger), and deletes through platform removal too.
    store.authorizers.upsert({ componentAppid: C, appid: 'wxbbbb0002', kind: 'MP', nickName: '奶茶铺' });
    expect(hits('Tea house')).toEqual([]);
    expect(hits('奶茶铺')).toEqual(['wxbbbb0002']);
    store.platforms.upsert({ componentAppid: C, name: 'x' });
    store.platforms.remove(C);
    expect(hits('奶茶铺')).toEqual([]);
  });
});
