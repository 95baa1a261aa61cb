/** The users each official account's pushes came from (table oa_users, kept by triggers on events: migration 10). */
import type Database from 'better-sqlite3';
import type { OaUser, OaUsersRepo } from './api';
import { appidArg, intArg, stringArg } from './validate';

interface Row {
  openid: string;
  last_seen_at: number;
  last_seen_type: string;
  last_message_at: number | null;
  last_event_at: number | null;
  last_event: string | null;
  unsubscribed_at: number | null;
}

const COLUMNS = 'openid, last_seen_at, last_seen_type, last_message_at, last_event_at, last_event, unsubscribed_at';

export class SqlOaUsers implements OaUsersRepo {
  // Both walk oa_users_by_seen backwards within the account: no sort, no other account's rows.
  private readonly page: Database.Statement<[string, string, string, number, number], Row>;
  private readonly count: Database.Statement<[string, string, string], { n: number }>;
  private readonly countAll: Database.Statement<[string, string], { n: number }>;
  private readonly one: Database.Statement<[string, string, string], Row>;

  constructor(db: Database.Database) {
    this.page = db.prepare(
      `SELECT ${COLUMNS} FROM oa_users WHERE component_appid = ? AND appid = ? AND instr(openid, ?) > 0
       ORDER BY last_seen_at DESC LIMIT ? OFFSET ?`,
    );
    this.count = db.prepare('SELECT count(*) AS n FROM oa_users WHERE component_appid = ? AND appid = ? AND instr(openid, ?) > 0');
    this.countAll = db.prepare('SELECT count(*) AS n FROM oa_users WHERE component_appid = ? AND appid = ?');
    this.one = db.prepare(`SELECT ${COLUMNS} FROM oa_users WHERE component_appid = ? AND appid = ? AND openid = ?`);
  }

  list(componentAppid: string, appid: string, opts: { limit?: number; offset?: number; search?: string } = {}): { rows: OaUser[]; total: number } {
    const c = appidArg(componentAppid);
    const a = appidArg(appid, 'appid');
    const search = stringArg(opts.search ?? '', 'search', 200);
    const rows = this.page.all(c, a, search, intArg(opts.limit ?? 100, 'limit', 1, 1000), intArg(opts.offset ?? 0, 'offset', 0));
    const total = search ? this.count.get(c, a, search)!.n : this.countAll.get(c, a)!.n;
    return { rows: rows.map(toUser), total };
  }

  get(componentAppid: string, appid: string, openid: string): OaUser | null {
    const row = this.one.get(appidArg(componentAppid), appidArg(appid, 'appid'), stringArg(openid, 'openid', 200));
    return row ? toUser(row) : null;
  }
}

function toUser(r: Row): OaUser {
  return {
    openid: r.openid,
    lastSeenAt: r.last_seen_at,
    lastSeenType: r.last_seen_type,
    lastMessageAt: r.last_message_at,
    lastEventAt: r.last_event_at,
    lastEvent: r.last_event,
    unsubscribedAt: r.unsubscribed_at,
  };
}
