/**
 * Customer-service recipients: the users of one official account from its pushes. Ours reads oa_users (kept by
 * triggers on events, schema step 10) through its (account, last seen) index; the baseline groups the account's
 * events by FromUserName (what the list would cost without the table, with the events_by_appid index). Also what the
 * triggers add to storing a push, against the same inserts with them dropped.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSecretStore, openStore } from '../src/main/store';
import type { EventInput } from '../src/shared/domain';
import { compareOpsPerSecond } from './measure';
import type { BenchSection } from './types';

const C = 'wxbe0c0000000000aa';
const OA = 'wxbe0c0000000000bb';
const OTHER = 'wxbe0c0000000000cc';
const EVENTS = 300_000;
const USERS = 20_000;

function push(i: number, appid: string): EventInput {
  const event = i % 5 === 0 ? 'CLICK' : i % 7 === 0 ? 'VIEW' : null;
  const createTime = 1_760_000_000 + i;
  return {
    componentAppid: C,
    kind: 'authorizer',
    appid,
    receivedAt: createTime * 1000,
    rawBody: '<xml/>',
    plaintext: `<xml><ToUserName>gh_x</ToUserName><FromUserName>o${i % USERS}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${event ? 'event' : 'text'}</MsgType></xml>`,
    status: 'ok',
    fromUser: `o${i % USERS}`,
    toUser: 'gh_x',
    msgType: event ? 'event' : 'text',
    event,
    createTime,
    dedupeKey: `${appid}:${i}`,
  };
}

export async function run(): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-messages-'));
  try {
    const path = join(dir, 'desk.db');
    const store = openStore({ path, secrets: new NodeSecretStore(join(dir, 'keys', 'k')), synchronous: 'NORMAL' });
    // The account's own pushes, and as many of another account's around them.
    for (let start = 0; start < EVENTS; start += 10_000) {
      store.transaction(() => {
        for (let i = start; i < start + 10_000; i++) {
          store.events.insert(push(i, OA));
          store.events.insert(push(i, OTHER));
        }
      });
    }
    const raw = new Database(path, { readonly: true });
    const grouped = raw.prepare(
      `SELECT from_user, max(coalesce(create_time * 1000, received_at)) AS seen FROM events
       WHERE component_appid = ? AND appid = ? AND kind = 'authorizer' AND status = 'ok' AND from_user IS NOT NULL
       GROUP BY from_user ORDER BY seen DESC LIMIT 100`,
    );
    const ours = () => store.oaUsers.list(C, OA, { limit: 100 });
    const baseline = () => grouped.all(C, OA);
    if (ours().rows[0]!.openid !== (baseline()[0] as { from_user: string }).from_user) throw new Error('the two lists disagree');
    const page = compareOpsPerSecond({ ours, baseline }, { windowMs: 400, rounds: 5 });
    raw.close();
    store.close();

    // Storing a push: the same 20,000 inserts with and without the oa_users triggers.
    const timeInserts = (dropTriggers: boolean, round: number): number => {
      const p = join(dir, `insert-${dropTriggers}-${round}.db`);
      const s = openStore({ path: p, secrets: new NodeSecretStore(join(dir, 'keys', 'k')), synchronous: 'NORMAL' });
      if (dropTriggers) {
        const w = new Database(p);
        w.exec('DROP TRIGGER oa_users_insert; DROP TRIGGER oa_users_update;');
        w.close();
      }
      const started = performance.now();
      s.transaction(() => {
        for (let i = 0; i < 20_000; i++) s.events.insert(push(i, OA));
      });
      const us = ((performance.now() - started) * 1000) / 20_000;
      s.close();
      return us;
    };
    // Alternated, the median of five each (the machine is shared: single runs vary by ±30%).
    const runs = { with: [] as number[], without: [] as number[] };
    for (let r = 0; r < 5; r++) {
      runs.with.push(timeInserts(false, r));
      runs.without.push(timeInserts(true, r));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const withTriggers = median(runs.with);
    const without = median(runs.without);
    return [
      {
        title: `customer-service recipients: one account's page of 100 (${EVENTS.toLocaleString('en')} of its pushes from ${USERS.toLocaleString('en')} users, as many of another account's)`,
        columns: ['what', 'pages/s', 'ms per page'],
        rows: [
          ['oa_users by (account, last seen)', Math.round(page.ours), (1000 / page.ours).toFixed(2)],
          ['baseline: GROUP BY FromUserName over the events', Math.round(page.baseline), (1000 / page.baseline).toFixed(2)],
        ],
        notes: [`ours is ${(page.ours / page.baseline).toFixed(0)}× the baseline; it reads one index range of the account's users, not its events`],
      },
      {
        title: 'storing a push: one event insert (inside one transaction), with and without the oa_users triggers',
        columns: ['what', 'µs per insert'],
        rows: [
          ['with the oa_users triggers', withTriggers.toFixed(1)],
          ['baseline: triggers dropped', without.toFixed(1)],
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
