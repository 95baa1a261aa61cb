import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { EventFilter, EventInput } from '../../src/shared/domain';
import { tempStore, track } from './temp-store';
import { NodeSecretStore, openStore, SCHEMA_VERSION, type Store } from '../../src/main/store/index';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { rollBackTo } from '../helpers/schema';

/** The grams step's number (user_version after it). */
const GRAMS_STEP = MIGRATIONS.findIndex((m) => m.includes('CREATE VIRTUAL TABLE events_grams')) + 1;

/**
 * Event search must mean what it always meant — every word is an ASCII-case-insensitive substring of one of the
 * searched columns (raw_body only without plaintext) — whichever index answers it. The oracle is a brute-force LIKE
 * scan over the same real file.
 */
const C = 'wxcomp1';
const OTHER = 'wxcomp2';
const BASE = 1_700_000_000_000;
const APPIDS = ['wxbusy0000000001', 'wxbusy0000000002', 'wxrare0000000003'];
const TEXTS = [
  '你好，请问今天的订单发货了吗',
  '优惠券怎么使用？',
  'Order Status please',
  'hello WORLD',
  'tracking number SF1408823517',
  'coupon code SAVE20 not working',
  'iPhone 15 case 有货吗',
  'refund 进度 100%',
  '[微笑] 谢谢客服',
  'a_b "quoted" it\'s <tag> & 50% off',
  '订单号 E20261234',
  'ÅNGSTRÖM 🙂 emoji',
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seed(store: Store, n: number): void {
  const r = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  store.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const component = i % 9 === 0;
      const failed = i % 11 === 0;
      const appid = component ? null : APPIDS[i % 17 === 0 ? 2 : i % 2]!;
      const text = [pick(TEXTS), ...(r() < 0.4 ? [pick(TEXTS)] : [])].join('，');
      const plaintext = component
        ? `<xml><InfoType><![CDATA[${i % 2 ? 'authorized' : 'component_verify_ticket'}]]></InfoType></xml>`
        : `<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${i}</MsgId></xml>`;
      const e: EventInput = {
        componentAppid: i % 13 === 0 ? OTHER : C,
        kind: component ? 'component' : 'authorizer',
        appid,
        receivedAt: BASE + i * 60_000,
        rawBody: `<xml><Encrypt><![CDATA[Cipher${i}+/=]]></Encrypt></xml>`,
        plaintext: failed ? null : plaintext,
        status: failed ? 'failed' : 'ok',
        failReason: failed ? 'decrypt failed: bad padding (EncodingAESKey 不匹配)' : null,
        infoType: component ? (i % 2 ? 'authorized' : 'component_verify_ticket') : null,
        msgType: component ? null : 'text',
        fromUser: component ? null : `oUser${i % 7}_Qt`,
        toUser: component ? null : 'gh_Shop',
      };
      store.events.insert(e);
    }
  });
}

const COLUMNS = ['plaintext', 'appid', 'info_type', 'msg_type', 'event', 'from_user', 'to_user', 'fail_reason'];

/** Lower case per code point (LIKE folds ASCII only; the trigram index has always folded Å to å as well). */
function foldCase(text: string | null): string | null {
  if (text === null) return null;
  return [...text].map((ch) => (ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch)).join('');
}

/**
 * Brute force: every row of the platform, each filter and each word as a LIKE over the case-folded columns (folded
 * once into a temp table, so the scan is plain SQLite LIKE).
 */
function oracle(db: Database.Database): (f: EventFilter) => number[] {
  db.function('fold_case', { deterministic: true }, (text) => foldCase(text as string | null));
  db.exec(`CREATE TEMP TABLE folded AS SELECT id, component_appid, kind, appid, status, received_at,
           ${['raw_body', ...COLUMNS].map((c) => `fold_case(${c}) AS f_${c}`).join(', ')} FROM events`);
  return (f) => {
    const where = ['component_appid = @c'];
    const params: Record<string, string | number> = { c: f.componentAppid };
    if (f.kind) (where.push('kind = @kind'), (params.kind = f.kind));
    if (f.appid) (where.push('appid = @appid'), (params.appid = f.appid));
    if (f.failedOnly) where.push(`status = 'failed'`);
    if (f.from !== undefined) (where.push('received_at >= @from'), (params.from = f.from));
    if (f.to !== undefined) (where.push('received_at < @to'), (params.to = f.to));
    (f.search ?? '').split(/\s+/).filter(Boolean).forEach((term, i) => {
      params[`t${i}`] = '%' + foldCase(term)!.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%';
      const like = (col: string) => `f_${col} LIKE @t${i} ESCAPE '\\'`;
      where.push(`(${COLUMNS.map(like).join(' OR ')} OR (f_plaintext IS NULL AND ${like('raw_body')}))`);
    });
    return db.prepare(`SELECT id FROM folded WHERE ${where.join(' AND ')} ORDER BY id DESC`).pluck().all(params) as number[];
  };
}

/** Every page of a search, by beforeId. */
function allPages(store: Store, f: EventFilter, limit: number): number[] {
  const ids: number[] = [];
  let beforeId: number | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = store.events.list({ ...f, limit, beforeId });
    ids.push(...page.rows.map((r) => r.id));
    if (page.nextBeforeId === null) return ids;
    beforeId = page.nextBeforeId;
  }
  throw new Error('paging did not end');
}

const SEARCHES = [
  // 1 character: Chinese, ASCII both cases, digits, punctuation, LIKE wildcards, emoji
  '订', '券', 'o', 'O', 'z', '7', '<', '%', '_', '"', "'", '&', '，', '？', '🙂', 'å',
  // 2 characters
  '订单', '谢谢', 'or', 'OR', 'Or', 'qz', '<E', '[微', '0%', 'a_', '_Q', '"q', '货吗', 'E2', '🙂 ', ' 不匹',
  // 3+ characters
  '优惠券', 'order', 'ORDER status', 'hello', 'cipher1', 'Cipher11+', '订单号', 'DATA[', '50% off', 'zzqxw', 'gh_shop',
  'EncodingAESKey', 'ångström', 'ÅNGSTRÖM',
  // several words, mixed lengths
  '订单 吗', 'o 订单号', 'order 优', 'he ll o', '订 单 发 货', 'wx oUser3', 'please SF 1408', 'bad 不匹配',
];
const FILTERS: Omit<EventFilter, 'componentAppid'>[] = [
  {},
  { appid: APPIDS[2] },
  { appid: APPIDS[0] },
  { failedOnly: true },
  { kind: 'component' },
  { kind: 'authorizer', appid: APPIDS[1], failedOnly: true },
  { from: BASE + 100 * 60_000, to: BASE + 400 * 60_000 },
  { from: BASE + 350 * 60_000, appid: APPIDS[2] },
];

describe('event search equals a brute-force LIKE scan', () => {
  // A search with both 3+ character words and grams words (short words, filters) can be driven by either index: the
  // smaller count decides, and tests force each side. All plans must give the same rows.
  test.each([
    ['the smaller count decides', undefined],
    ['grams index drives', 'grams'],
    ['trigram index drives', 'trigram'],
  ] as const)('every word length, filter and page size (%s)', (_name, searchDriver) => {
    const { store, dbPath } = tempStore({ tuning: { searchDriver } });
    seed(store, 600);
    const raw = new Database(dbPath, { readonly: true });
    const scan = oracle(raw);
    try {
      let nonEmpty = 0;
      for (const search of SEARCHES) {
        for (const extra of FILTERS) {
          const f: EventFilter = { componentAppid: C, search, ...extra };
          const want = scan(f);
          if (want.length) nonEmpty++;
          const label = JSON.stringify(f);
          expect(store.events.list({ ...f, limit: 500 }).rows.map((r) => r.id), label).toEqual(want.slice(0, 500));
          expect(store.events.count(f), label).toBe(want.length);
          if (want.length > 7) expect(allPages(store, f, 7), label).toEqual(want);
        }
      }
      expect(nonEmpty).toBeGreaterThan(SEARCHES.length * 2); // the searches do find things
    } finally {
      raw.close();
    }
  });

  test('the index follows every write: outcome changes, pruning, and another platform', () => {
    const { store } = tempStore();
    seed(store, 120);
    const { id } = store.events.insert({
      componentAppid: C, kind: 'authorizer', appid: APPIDS[2], receivedAt: BASE, rawBody: '<xml/>', plaintext: '甲乙', status: 'ok',
    });
    expect(store.events.list({ componentAppid: C, search: '乙', failedOnly: true }).rows).toEqual([]);
    store.events.setOutcome(id, { status: 'failed', failReason: '丙丁 timeout', handledNote: null });
    expect(store.events.list({ componentAppid: C, search: '乙', failedOnly: true }).rows.map((r) => r.id)).toEqual([id]);
    expect(store.events.list({ componentAppid: C, search: '丙丁', appid: APPIDS[2] }).rows.map((r) => r.id)).toEqual([id]);
    store.events.setOutcome(id, { status: 'ok', failReason: null, handledNote: null });
    expect(store.events.count({ componentAppid: C, search: '丙' })).toBe(0);
    expect(store.events.count({ componentAppid: C, failedOnly: true, search: '甲' })).toBe(0);
    // pruning removes the rows from the index too (the id could otherwise come back as a stale hit)
    expect(store.events.pruneBefore(C, BASE + 1, 10)).toBe(1);
    expect(store.events.count({ componentAppid: C, search: '甲' })).toBe(0);
  });
});

describe('the grams migration builds the index for events stored before it', () => {
  test('a file from just before the grams step answers 1- and 2-character searches after opening, and keeps indexing', () => {
    const { store, dbPath, keyPath } = tempStore();
    seed(store, 200);
    store.close();
    // back to the schema before the grams step (step 10), as an older app left it: no grams table, no triggers, and
    // none of the later steps' tables
    const raw = new Database(dbPath);
    rollBackTo(raw, GRAMS_STEP - 1);
    const searches = ['订', '订单', 'o', '<E', '券 order', '吗 wx'];
    const scan = oracle(raw);
    const want = searches.map((search) => scan({ componentAppid: C, search }));
    raw.close();
    const reopened = track(openStore({ path: dbPath, secrets: new NodeSecretStore(keyPath) }));
    expect(reopened.schemaVersion).toBe(SCHEMA_VERSION);
    expect(searches.map((search) => reopened.events.list({ componentAppid: C, search, limit: 500 }).rows.map((r) => r.id))).toEqual(want);
    expect(want.every((ids) => ids.length > 0)).toBe(true);
    const { id } = reopened.events.insert({ componentAppid: C, kind: 'local', receivedAt: BASE, rawBody: '戊己' });
    expect(reopened.events.list({ componentAppid: C, search: '戊' }).rows.map((r) => r.id)).toEqual([id]);
  });
});
