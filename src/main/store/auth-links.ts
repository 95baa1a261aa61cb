import type Database from 'better-sqlite3';
import { AUTH_LINK_STATUSES, type AuthLink, type AuthLinkInput, type AuthLinkStatus } from '../../shared/domain';
import type { AuthLinksRepo } from './api';
import {
  appidArg,
  enumArg,
  intArg,
  limitArg,
  nonEmptyStringArg,
  objectArg,
  optionalString,
  timeArg,
} from './validate';
import { invalidArgument } from './errors';

interface AuthLinkRow {
  id: string;
  component_appid: string;
  pre_auth_code: string;
  pc_url: string;
  mobile_url: string;
  auth_type: number;
  biz_appid: string | null;
  category_ids: string | null;
  relay_start_url: string | null;
  created_at: number;
  expires_at: number;
  status: string;
  authorizer_appid: string | null;
  completed_at: number | null;
}

export class SqlAuthLinks implements AuthLinksRepo {
  private readonly insertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[string], AuthLinkRow>;
  private readonly selectByCode: Database.Statement<[string, string], AuthLinkRow>;
  private readonly selectList: Database.Statement<[string, number], AuthLinkRow>;
  private readonly selectListByStatus: Database.Statement<[string, string, number], AuthLinkRow>;
  private readonly completeRow: Database.Statement<[string, number, string]>;
  private readonly expireRows: Database.Statement<[number]>;
  private readonly expirePlatformRows: Database.Statement<[string, number], AuthLinkRow>;
  private readonly selectNextExpiry: Database.Statement<[string], { at: number | null }>;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO auth_links (id, component_appid, pre_auth_code, pc_url, mobile_url, auth_type, biz_appid,
         category_ids, relay_start_url, created_at, expires_at, status)
       VALUES (@id, @component_appid, @pre_auth_code, @pc_url, @mobile_url, @auth_type, @biz_appid, @category_ids,
         @relay_start_url, @created_at, @expires_at, 'pending')`,
    );
    this.selectOne = db.prepare('SELECT * FROM auth_links WHERE id = ?');
    this.selectByCode = db.prepare(
      'SELECT * FROM auth_links WHERE component_appid = ? AND pre_auth_code = ? ORDER BY created_at DESC LIMIT 1',
    );
    this.selectList = db.prepare(
      'SELECT * FROM auth_links WHERE component_appid = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    this.selectListByStatus = db.prepare(
      'SELECT * FROM auth_links WHERE component_appid = ? AND status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    );
    // An expired link still completes: the admin may have approved just before expiry while the push or the redirect
    // waited in the relay's queue (the desk was offline, or the expiry timer ran first).
    this.completeRow = db.prepare(
      `UPDATE auth_links SET status = 'completed', authorizer_appid = ?, completed_at = ?
       WHERE id = ? AND status IN ('pending', 'expired')`,
    );
    this.expireRows = db.prepare(`UPDATE auth_links SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?`);
    this.expirePlatformRows = db.prepare(
      `UPDATE auth_links SET status = 'expired' WHERE status = 'pending' AND component_appid = ? AND expires_at <= ?
       RETURNING *`,
    );
    this.selectNextExpiry = db.prepare(
      `SELECT min(expires_at) AS at FROM auth_links WHERE status = 'pending' AND component_appid = ?`,
    );
  }

  create(input: AuthLinkInput): AuthLink {
    objectArg(input, 'authorization link');
    const row = {
      id: nonEmptyStringArg(input.id, 'link id', 100),
      component_appid: appidArg(input.componentAppid),
      pre_auth_code: nonEmptyStringArg(input.preAuthCode, 'preAuthCode', 1000),
      pc_url: nonEmptyStringArg(input.pcUrl, 'pcUrl', 4000),
      mobile_url: nonEmptyStringArg(input.mobileUrl, 'mobileUrl', 4000),
      auth_type: intArg(input.authType, 'authType', 1, 100),
      biz_appid: input.bizAppid === null || input.bizAppid === undefined ? null : appidArg(input.bizAppid, 'bizAppid'),
      category_ids: optionalString(input.categoryIds, 'categoryIds', 1000),
      relay_start_url: optionalString(input.relayStartUrl, 'relayStartUrl', 4000),
      created_at: input.createdAt === undefined ? this.now() : timeArg(input.createdAt, 'createdAt'),
      expires_at: timeArg(input.expiresAt, 'expiresAt'),
    };
    if (!/^[A-Za-z0-9_-]+$/.test(row.id)) throw invalidArgument('link id may hold only letters, digits, _ and -');
    if (row.expires_at <= row.created_at) throw invalidArgument('expiresAt must be after createdAt');
    try {
      this.insertRow.run(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw invalidArgument(`an authorization link with id ${row.id} already exists`);
      }
      throw err;
    }
    return toLink(this.selectOne.get(row.id)!);
  }

  get(id: string): AuthLink | null {
    const row = this.selectOne.get(nonEmptyStringArg(id, 'link id', 100));
    return row ? toLink(row) : null;
  }

  findByPreAuthCode(componentAppid: string, preAuthCode: string): AuthLink | null {
    const row = this.selectByCode.get(appidArg(componentAppid), nonEmptyStringArg(preAuthCode, 'preAuthCode', 1000));
    return row ? toLink(row) : null;
  }

  list(componentAppid: string, opts: { status?: AuthLinkStatus; limit?: number } = {}): AuthLink[] {
    const c = appidArg(componentAppid);
    objectArg(opts, 'options');
    const limit = limitArg(opts.limit, 50, 1000);
    const rows =
      opts.status === undefined
        ? this.selectList.all(c, limit)
        : this.selectListByStatus.all(c, enumArg(opts.status, AUTH_LINK_STATUSES, 'status filter'), limit);
    return rows.map(toLink);
  }

  complete(id: string, authorizerAppid: string, at?: number): boolean {
    const when = at === undefined ? this.now() : timeArg(at, 'at');
    return (
      this.completeRow.run(appidArg(authorizerAppid, 'authorizerAppid'), when, nonEmptyStringArg(id, 'link id', 100))
        .changes > 0
    );
  }

  expireDue(now?: number): number {
    return this.expireRows.run(now === undefined ? this.now() : timeArg(now, 'now')).changes;
  }

  expirePlatform(componentAppid: string, now?: number): AuthLink[] {
    const at = now === undefined ? this.now() : timeArg(now, 'now');
    return this.expirePlatformRows.all(appidArg(componentAppid), at).map(toLink);
  }

  nextExpiry(componentAppid: string): number | null {
    return this.selectNextExpiry.get(appidArg(componentAppid))?.at ?? null;
  }
}

function toLink(row: AuthLinkRow): AuthLink {
  return {
    id: row.id,
    componentAppid: row.component_appid,
    preAuthCode: row.pre_auth_code,
    pcUrl: row.pc_url,
    mobileUrl: row.mobile_url,
    authType: row.auth_type,
    bizAppid: row.biz_appid,
    categoryIds: row.category_ids,
    relayStartUrl: row.relay_start_url,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status as AuthLinkStatus,
    authorizerAppid: row.authorizer_appid,
    completedAt: row.completed_at,
  };
}
