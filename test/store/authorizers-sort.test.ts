/**
 * Sorting and paging of the authorizer table (issue 9) on a real SQLite file: every sort column in both directions,
 * with ties (equal names, equal times) and NULL names, under each kind of filter. Walking the pages must give every
 * row exactly once, in the order SQLite's rules define (strings by UTF-8 bytes, NULL first ascending, appid last).
 * Also: the per-(kind, status) counts kept by triggers (migration 5) match the rows after every kind of write, and a
 * database written at schema 4 gets them on opening.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  AUTHORIZER_SORT_COLUMNS,
  type Authorizer,
  type AuthorizerFilter,
  type AuthorizerInput,
  type AuthorizerSortColumn,
} from '../../src/shared/domain';
import { NodeSecretStore, openStore, type Store } from '../../src/main/store/index';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { tempDir, tempStore, track } from './temp-store';

const C = 'wxcomp1';
const T0 = 1_700_000_000_000;

/** 300 rows: 13 nick names (one of them NULL), 17 principals (NULL too), 40 distinct times, both kinds, 3 statuses. */
function rows(): AuthorizerInput[] {
  const statuses = ['active', 'revoked', 'needs_reauth'] as const;
  const out: AuthorizerInput[] = [];
  for (let i = 0; i < 300; i++) {
    const nick = i % 13 === 0 ? null : ['杭州咖啡', 'Apple', 'apple', '北京书店', 'Zebra', '上海花店', 'apple', 'Ω', '😀 emoji', ''][i % 10]!;
    out.push({
      componentAppid: C,
      appid: `wx${((i * 7919) % 1000).toString(16).padStart(6, '0')}${i.toString(16).padStart(4, '0')}`,
      kind: i % 3 === 0 ? 'MP' : 'OA',
      nickName: nick,
      principalName: i % 17 === 0 ? null : `公司${i % 5}`,
      status: statuses[i % 4 === 0 ? 1 : i % 9 === 0 ? 2 : 0],
      authorizedAt: T0 + (i % 40) * 1000,
    });
  }
  return out;
}

const FIELD: Record<AuthorizerSortColumn, (keyof Authorizer)[]> = {
  authorizedAt: ['authorizedAt', 'appid'],
  updatedAt: ['updatedAt', 'appid'],
  nickName: ['nickName', 'appid'],
  appid: ['appid'],
  principalName: ['principalName', 'appid'],
  status: ['status', 'authorizedAt', 'appid'],
  kind: ['kind', 'authorizedAt', 'appid'],
};

/** SQLite's order: NULL before everything, numbers before text, text by UTF-8 bytes (BINARY collation). */
function compareValues(x: unknown, y: unknown): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
}

function expectedOrder(all: Authorizer[], sort: AuthorizerSortColumn, dir: 'asc' | 'desc'): Authorizer[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...all].sort((a, b) => {
    for (const f of FIELD[sort]) {
      const c = compareValues(a[f], b[f]);
      if (c !== 0) return sign * c;
    }
    return 0;
  });
}

/** Every page of `limit` rows, concatenated; each page's total must agree. */
function walk(store: Store, filter: AuthorizerFilter, limit: number): { appids: string[]; total: number } {
  const appids: string[] = [];
  let total = -1;
  for (let offset = 0; ; offset += limit) {
    const page = store.authorizers.list({ ...filter, offset, limit });
    if (total === -1) total = page.total;
    expect(page.total).toBe(total);
    appids.push(...page.rows.map((r) => r.appid));
    if (page.rows.length < limit) break;
  }
  return { appids, total };
}

function seeded(): Store {
  const { store } = tempStore({ now: () => T0 });
  store.authorizers.upsertMany(rows());
  // Same appids under another platform must never show up.
  store.authorizers.upsertMany(rows().slice(0, 20).map((r) => ({ ...r, componentAppid: 'wxcomp2' })));
  return store;
}

describe('authorizer sort and paging (real SQLite file)', () => {
  const filters: { name: string; filter: Omit<AuthorizerFilter, 'componentAppid'>; keep: (a: Authorizer) => boolean }[] = [
    { name: 'no filter', filter: {}, keep: () => true },
    { name: 'kind', filter: { kind: 'MP' }, keep: (a) => a.kind === 'MP' },
    { name: 'status', filter: { status: 'revoked' }, keep: (a) => a.status === 'revoked' },
    { name: 'kind + status', filter: { kind: 'OA', status: 'active' }, keep: (a) => a.kind === 'OA' && a.status === 'active' },
    { name: 'search (2 chars)', filter: { search: 'pp' }, keep: (a) => !!a.nickName?.toLowerCase().includes('pp') },
    { name: 'search (trigram) + kind', filter: { search: '杭州咖', kind: 'OA' }, keep: (a) => a.kind === 'OA' && !!a.nickName?.includes('杭州咖') },
  ];

  test.each(AUTHORIZER_SORT_COLUMNS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => [sort, dir] as const)))(
    'sort %s %s: pages in order, each row once, under every filter',
    (sort, dir) => {
      const store = seeded();
      const all = [...store.authorizers.iterate(C)];
      expect(all).toHaveLength(300);
      for (const { name, filter, keep } of filters) {
        const want = expectedOrder(all.filter(keep), sort, dir).map((a) => a.appid);
        expect(want.length, name).toBeGreaterThan(0);
        // 7 does not divide the group sizes, so page edges fall inside runs of equal values.
        const got = walk(store, { componentAppid: C, sort, dir, ...filter }, 7);
        expect(got.total, `${name}: total`).toBe(want.length);
        expect(got.appids, `${name}: order`).toEqual(want);
      }
    },
  );

  test('NULL names: first ascending, last descending; equal names in appid order', () => {
    const store = seeded();
    const asc = store.authorizers.list({ componentAppid: C, sort: 'nickName', dir: 'asc', limit: 1000 }).rows;
    const nulls = asc.filter((a) => a.nickName === null).length;
    expect(nulls).toBe(24);
    expect(asc.slice(0, nulls).every((a) => a.nickName === null)).toBe(true);
    const apples = asc.filter((a) => a.nickName === 'apple').map((a) => a.appid);
    expect(apples).toEqual([...apples].sort());
    const desc = store.authorizers.list({ componentAppid: C, sort: 'nickName', dir: 'desc', limit: 1000 }).rows;
    expect(desc.map((a) => a.appid)).toEqual(asc.map((a) => a.appid).reverse());
  });
});

describe('authorizer counts kept by triggers (migration 5)', () => {
  function truth(store: Store) {
    const all = [...store.authorizers.iterate(C)];
    const n = (p: (a: Authorizer) => boolean) => all.filter(p).length;
    return {
      counts: { active: n((a) => a.status === 'active'), revoked: n((a) => a.status === 'revoked'), needs_reauth: n((a) => a.status === 'needs_reauth'), total: all.length },
      mpRevoked: n((a) => a.kind === 'MP' && a.status === 'revoked'),
      oa: n((a) => a.kind === 'OA'),
    };
  }
  function expectConsistent(store: Store) {
    const t = truth(store);
    expect(store.authorizers.countsByStatus(C)).toEqual(t.counts);
    expect(store.authorizers.list({ componentAppid: C, kind: 'MP', status: 'revoked' }).total).toBe(t.mpRevoked);
    expect(store.authorizers.list({ componentAppid: C, kind: 'OA' }).total).toBe(t.oa);
    expect(store.authorizers.list({ componentAppid: C }).total).toBe(t.counts.total);
  }

  test('match the rows after inserts, status changes, kind changes and re-upserts', () => {
    const store = seeded();
    expectConsistent(store);
    store.authorizers.setStatus(C, rows()[1]!.appid, 'revoked');
    store.authorizers.setStatus(C, rows()[4]!.appid, 'needs_reauth');
    expectConsistent(store);
    store.authorizers.upsert({ ...rows()[2]!, kind: 'MP', status: 'needs_reauth' });
    store.authorizers.upsertMany(rows().slice(0, 50)); // unchanged rows: no change in counts
    store.authorizers.upsert({ componentAppid: C, appid: 'wxnew0000001', kind: 'MP' });
    expectConsistent(store);
    expect(store.authorizers.countsByStatus('wxcomp2').total).toBe(20);
    expect(store.authorizers.countsByStatus('wxnone').total).toBe(0);
  });

  test('a database written at schema 4 gets them on opening', () => {
    const dir = tempDir();
    const path = join(dir, 'old.db');
    const db = new Database(path);
    for (let v = 0; v < 4; v++) db.exec(MIGRATIONS[v]!);
    db.pragma('user_version = 4');
    const insert = db.prepare(
      `INSERT INTO authorizers (component_appid, appid, kind, status, authorized_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < 30; i++) insert.run(C, `wxold${String(i).padStart(4, '0')}`, i % 2 ? 'OA' : 'MP', i % 3 ? 'active' : 'revoked', T0 + i, T0);
    db.close();
    const store = track(openStore({ path, secrets: new NodeSecretStore(join(dir, 'k')) }));
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.authorizers.countsByStatus(C)).toEqual({ active: 20, revoked: 10, needs_reauth: 0, total: 30 });
    expect(store.authorizers.list({ componentAppid: C, kind: 'MP', status: 'revoked' }).total).toBe(5);
    store.authorizers.setStatus(C, 'wxold0001', 'revoked');
    expect(store.authorizers.countsByStatus(C)).toMatchObject({ active: 19, revoked: 11 });
  });
});
