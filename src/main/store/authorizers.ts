import type Database from 'better-sqlite3';
import {
  AUTHORIZER_KINDS,
  AUTHORIZER_SORT_COLUMNS,
  AUTHORIZER_STATUSES,
  type Authorizer,
  type AuthorizerFilter,
  type AuthorizerInput,
  type AuthorizerStatus,
  type AuthorizerStatusCounts,
  type Page,
} from '../../shared/domain';
import type { AuthorizersRepo } from './api';
import { StoreError, invalidArgument } from './errors';
import type { SecretStore } from './secret-store';
import { SearchMirror } from './search-mirror';
import { StatementCache } from './sql';
import {
  appidArg,
  boolArg,
  enumArg,
  intArg,
  jsonArg,
  limitArg,
  nonEmptyStringArg,
  objectArg,
  optionalInt,
  optionalString,
  timeArg,
} from './validate';

interface AuthorizerRow {
  component_appid: string;
  appid: string;
  kind: string;
  nick_name: string | null;
  user_name: string | null;
  principal_name: string | null;
  head_img: string | null;
  alias: string | null;
  service_type: number | null;
  verify_type: number | null;
  account_status: number | null;
  info: string | null;
  func_info: string;
  refresh_token_enc: Buffer | null;
  status: string;
  authorized_at: number;
  updated_at: number;
  revoked_at: number | null;
  refresh_token_checked_at: number | null;
  refresh_token_mismatch: number;
}

/**
 * ORDER BY per sort column. Each ends in appid (unique per platform), so the order is total and offset pages never
 * overlap or skip rows; status and kind, with many equal values, order by authorized_at within a group. Every order
 * matches an index (migration 5) that also carries kind and status, so a page is found in the index alone.
 * NULL names sort first ascending and last descending (SQLite's rule), the same in the index as in the order.
 */
const SORT_SQL: Record<(typeof AUTHORIZER_SORT_COLUMNS)[number], string[]> = {
  authorizedAt: ['authorized_at', 'appid'],
  updatedAt: ['updated_at', 'appid'],
  nickName: ['nick_name', 'appid'],
  appid: ['appid'],
  principalName: ['principal_name', 'appid'],
  status: ['status', 'authorized_at', 'appid'],
  kind: ['kind', 'authorized_at', 'appid'],
};

const ITERATE_CHUNK = 1000;

export class SqlAuthorizers implements AuthorizersRepo {
  private readonly selectOne: Database.Statement<[string, string], AuthorizerRow>;
  private readonly insertRow: Database.Statement;
  private readonly updateRow: Database.Statement;
  private readonly deleteFuncs: Database.Statement<[string, string]>;
  private readonly insertFunc: Database.Statement<[string, number, string]>;
  private readonly updateRefreshToken: Database.Statement;
  private readonly updateChecked: Database.Statement;
  private readonly updateStatus: Database.Statement;
  private readonly selectCounts: Database.Statement<[string], { kind: string; status: string; n: number }>;
  private readonly selectIds: Database.Statement<[string], { appid: string }>;
  private readonly selectNickNames: Database.Statement<[{ c: string; ids: string }], { appid: string; nick_name: string | null }>;
  private readonly selectMismatches: Database.Statement<[string], { n: number }>;
  private readonly clearHits: Database.Statement<[]>;
  private readonly insertHits: Database.Statement<[string]>;
  private readonly selectSearchIds: Database.Statement<[string], number>;
  private readonly selectSearchJoined: Database.Statement<[string], string | null>;
  /** Per platform: the search text in memory (see search-mirror.ts); dropped when an authorizer is written. */
  private readonly mirrors = new Map<string, SearchMirror>();
  private readonly cache: StatementCache;

  constructor(
    private readonly db: Database.Database,
    private readonly secrets: SecretStore,
    private readonly now: () => number,
  ) {
    this.cache = new StatementCache(db);
    this.selectOne = db.prepare('SELECT * FROM authorizers WHERE component_appid = ? AND appid = ?');
    const columns =
      'component_appid, appid, kind, nick_name, user_name, principal_name, head_img, alias, service_type, ' +
      'verify_type, account_status, info, func_info, refresh_token_enc, status, authorized_at, updated_at, ' +
      'revoked_at, refresh_token_checked_at, refresh_token_mismatch';
    this.insertRow = db.prepare(
      `INSERT INTO authorizers (${columns}) VALUES (${columns
        .split(', ')
        .map((c) => '@' + c)
        .join(', ')})`,
    );
    this.updateRow = db.prepare(
      `UPDATE authorizers SET ${columns
        .split(', ')
        .filter((c) => c !== 'component_appid' && c !== 'appid')
        .map((c) => `${c} = @${c}`)
        .join(', ')} WHERE component_appid = @component_appid AND appid = @appid`,
    );
    this.deleteFuncs = db.prepare('DELETE FROM authorizer_funcs WHERE component_appid = ? AND appid = ?');
    this.insertFunc = db.prepare(
      'INSERT OR IGNORE INTO authorizer_funcs (component_appid, func_id, appid) VALUES (?, ?, ?)',
    );
    this.updateRefreshToken = db.prepare(
      `UPDATE authorizers SET refresh_token_enc = ?, refresh_token_mismatch = 0, updated_at = ?
       WHERE component_appid = ? AND appid = ?`,
    );
    this.updateChecked = db.prepare(
      `UPDATE authorizers SET refresh_token_checked_at = ?, refresh_token_mismatch = ?
       WHERE component_appid = ? AND appid = ?`,
    );
    this.updateStatus = db.prepare(
      `UPDATE authorizers SET status = ?, revoked_at = ?, updated_at = ? WHERE component_appid = ? AND appid = ?`,
    );
    // Kept by triggers (migration 5): at most 6 rows per platform, instead of counting 100,000 index entries.
    this.selectCounts = db.prepare('SELECT kind, status, n FROM authorizer_counts WHERE component_appid = ? AND n > 0');
    this.selectIds = db.prepare('SELECT appid FROM authorizers WHERE component_appid = ? ORDER BY appid');
    this.selectNickNames = db.prepare(
      // Driven by the appid list (json_each) into the primary key: one lookup per appid. A condition on nick_name
      // here would tempt the planner into scanning the platform's whole nickname index instead.
      `SELECT a.appid, a.nick_name FROM json_each(@ids) AS j CROSS JOIN authorizers AS a
       WHERE a.component_appid = @c AND a.appid = j.value`,
    );
    db.exec('CREATE TEMP TABLE IF NOT EXISTS authorizer_hits (id INTEGER PRIMARY KEY)');
    this.clearHits = db.prepare('DELETE FROM temp.authorizer_hits');
    this.insertHits = db.prepare('INSERT INTO temp.authorizer_hits SELECT value FROM json_each(?)');
    // Both read the same covering index in the same order, so the n-th rowid belongs to the n-th text.
    this.selectSearchIds = db.prepare('SELECT rowid FROM authorizers INDEXED BY authorizers_by_search WHERE component_appid = ?').pluck() as Database.Statement<[string], number>;
    this.selectSearchJoined = db
      .prepare('SELECT group_concat(search_text, char(0)) FROM authorizers INDEXED BY authorizers_by_search WHERE component_appid = ?')
      .pluck() as Database.Statement<[string], string | null>;
    this.selectMismatches = db.prepare(
      'SELECT count(*) AS n FROM authorizers WHERE component_appid = ? AND refresh_token_mismatch = 1',
    );
  }

  upsert(input: AuthorizerInput): Authorizer {
    const checked = validateInput(input);
    return this.toAuthorizer(this.db.transaction(() => this.write(checked))());
  }

  upsertMany(inputs: AuthorizerInput[]): number {
    if (!Array.isArray(inputs)) throw invalidArgument('upsertMany needs an array of authorizers');
    // Validate everything first so a bad row in the middle writes nothing.
    const checked = inputs.map((input, i) => {
      try {
        return validateInput(input);
      } catch (err) {
        if (err instanceof StoreError) throw invalidArgument(`authorizer #${i}: ${err.message}`);
        throw err;
      }
    });
    this.db.transaction(() => {
      for (const c of checked) this.write(c);
    })();
    return checked.length;
  }

  private write({ input, componentAppid, appid, kind, patch }: CheckedInput): AuthorizerRow {
    const existing = this.selectOne.get(componentAppid, appid);
    const t = this.now();
    const row: AuthorizerRow = existing
      ? { ...existing }
      : {
          component_appid: componentAppid,
          appid,
          kind,
          nick_name: null,
          user_name: null,
          principal_name: null,
          head_img: null,
          alias: null,
          service_type: null,
          verify_type: null,
          account_status: null,
          info: null,
          func_info: '[]',
          refresh_token_enc: null,
          status: 'active',
          authorized_at: t,
          updated_at: t,
          revoked_at: null,
          refresh_token_checked_at: null,
          refresh_token_mismatch: 0,
        };
    row.kind = kind;
    Object.assign(row, patch.columns);
    if (input.refreshToken !== undefined) {
      row.refresh_token_enc = input.refreshToken === null ? null : this.secrets.encrypt(input.refreshToken);
    }
    if (patch.columns.status !== undefined && input.revokedAt === undefined) {
      row.revoked_at = patch.columns.status === 'revoked' ? (existing?.revoked_at ?? t) : null;
    }
    row.updated_at = t;
    this.mirrors.delete(componentAppid);
    if (existing) this.updateRow.run(row);
    else this.insertRow.run(row);
    if (patch.funcIds !== undefined) this.replaceFuncs(componentAppid, appid, patch.funcIds, !existing);
    return row;
  }

  get(componentAppid: string, appid: string): Authorizer | null {
    const row = this.selectOne.get(appidArg(componentAppid), appidArg(appid, 'authorizer appid'));
    return row ? this.toAuthorizer(row) : null;
  }

  getRefreshToken(componentAppid: string, appid: string): string | null {
    const row = this.selectOne.get(appidArg(componentAppid), appidArg(appid, 'authorizer appid'));
    return row?.refresh_token_enc ? this.secrets.decrypt(row.refresh_token_enc) : null;
  }

  setRefreshToken(componentAppid: string, appid: string, refreshToken: string | null): void {
    appidArg(componentAppid);
    appidArg(appid, 'authorizer appid');
    const blob = refreshToken === null ? null : this.secrets.encrypt(nonEmptyStringArg(refreshToken, 'refreshToken', 2000));
    const changed = this.updateRefreshToken.run(blob, this.now(), componentAppid, appid).changes;
    if (changed === 0) throw notFound(componentAppid, appid);
  }

  markRefreshTokenChecked(componentAppid: string, appid: string, mismatch: boolean, at?: number): void {
    appidArg(componentAppid);
    appidArg(appid, 'authorizer appid');
    boolArg(mismatch, 'mismatch');
    const when = at === undefined ? this.now() : timeArg(at, 'at');
    const changed = this.updateChecked.run(when, mismatch ? 1 : 0, componentAppid, appid).changes;
    if (changed === 0) throw notFound(componentAppid, appid);
  }

  setStatus(componentAppid: string, appid: string, status: AuthorizerStatus, at?: number): void {
    appidArg(componentAppid);
    appidArg(appid, 'authorizer appid');
    enumArg(status, AUTHORIZER_STATUSES, 'authorizer status');
    const t = at === undefined ? this.now() : timeArg(at, 'at');
    const changed = this.updateStatus.run(status, status === 'revoked' ? t : null, t, componentAppid, appid).changes;
    if (changed === 0) throw notFound(componentAppid, appid);
  }

  /** The WHERE clause and parameters of a filter (validated); sort, offset and limit are not looked at. */
  private whereFor(filter: Omit<AuthorizerFilter, 'sort' | 'dir' | 'offset' | 'limit'>): {
    where: string[];
    params: Record<string, string | number>;
    /** The search as a predicate on authorizers rows, or null. */
    search: string | null;
    /** The search term folded like search_text (ASCII lower-cased), or '' for none. */
    term: string;
  } {
    objectArg(filter, 'authorizer filter');
    const params: Record<string, string | number> = { c: appidArg(filter.componentAppid) };
    const where = ['component_appid = @c'];
    if (filter.kind !== undefined) {
      params.kind = enumArg(filter.kind, AUTHORIZER_KINDS, 'kind filter');
      where.push('kind = @kind');
    }
    if (filter.status !== undefined) {
      params.status = enumArg(filter.status, AUTHORIZER_STATUSES, 'status filter');
      where.push('status = @status');
    }
    if (filter.funcId !== undefined) {
      params.funcId = intArg(filter.funcId, 'permission-set id filter', 0);
      where.push('appid IN (SELECT appid FROM authorizer_funcs WHERE component_appid = @c AND func_id = @funcId)');
    }
    if (filter.authorizedFrom !== undefined) {
      params.from = timeArg(filter.authorizedFrom, 'authorizedFrom');
      where.push('authorized_at >= @from');
    }
    if (filter.authorizedTo !== undefined) {
      params.to = timeArg(filter.authorizedTo, 'authorizedTo');
      where.push('authorized_at < @to');
    }
    const raw = filter.search;
    const term = raw === undefined || (typeof raw === 'string' && raw.trim() === '') ? '' : nonEmptyStringArg(raw, 'search', 200).trim();
    let search: string | null = null;
    if (term !== '') {
      // The same test as the list's in-memory search (SearchMirror holds these search_text values), so an export
      // has exactly the rows the list shows: a substring of the lower-cased searchable fields, read from the
      // (component_appid, search_text) index without touching the rows. SQLite's lower() folds ASCII only.
      params.q = foldAscii(term);
      search = 'instr(search_text, @q) > 0';
    }
    return { where, params, search, term: foldAscii(term) };
  }

  /** The filter as one WHERE clause, the search as a rowid subquery. */
  private whereSqlFor(filter: Omit<AuthorizerFilter, 'sort' | 'dir' | 'offset' | 'limit'>): { whereSql: string; params: Record<string, string | number> } {
    const { where, params, search } = this.whereFor(filter);
    if (search) where.push(`rowid IN (SELECT rowid FROM authorizers WHERE component_appid = @c AND ${search})`);
    return { whereSql: where.join(' AND '), params };
  }

  list(filter: AuthorizerFilter): Page<Authorizer> {
    const { where, params, term } = this.whereFor(filter);
    let hits: number | null = null;
    let from = 'authorizers';
    if (term !== '') {
      // The matches are found once in memory, into a temporary table that both the page and the count read.
      // Safe: the store is one synchronous connection.
      const mirror = this.mirrorFor(params.c as string);
      const found = mirror.find(term);
      if (found.length === 0) return { rows: [], total: 0 };
      this.clearHits.run();
      hits = this.insertHits.run(JSON.stringify(found)).changes;
      // Few hits: read just those rows and sort them. Many: walk the sort order and keep the hits, which finds a
      // page after about limit / share rows. They cost the same near hits² = 40 × rows (measured at 100,000 rows).
      if (found.length * found.length <= 40 * mirror.size) from = 'temp.authorizer_hits AS hit CROSS JOIN authorizers ON authorizers.rowid = hit.id';
      else where.push('rowid IN (SELECT id FROM temp.authorizer_hits)');
    }
    const whereSql = where.join(' AND ');
    const sortColumns = SORT_SQL[enumArg(filter.sort ?? 'authorizedAt', AUTHORIZER_SORT_COLUMNS, 'sort column')];
    const dir = enumArg(filter.dir ?? 'desc', ['asc', 'desc'] as const, 'sort direction').toUpperCase();
    params.limit = limitArg(filter.limit, 50, 1000);
    params.offset = filter.offset === undefined ? 0 : intArg(filter.offset, 'offset', 0);

    const orderSql = sortColumns.map((c) => `${c} ${dir}`).join(', ');
    // Find the page's rows in the index first, then read only those: OFFSET skips index entries, not whole rows.
    const rows = this.cache
      .get<AuthorizerRow>(
        `SELECT * FROM authorizers WHERE rowid IN (
           SELECT authorizers.rowid FROM ${from} WHERE ${whereSql} ORDER BY ${orderSql} LIMIT @limit OFFSET @offset)
         ORDER BY ${orderSql}`,
      )
      .all(params);
    return { rows: rows.map((r) => this.toAuthorizer(r)), total: this.totalFor(filter, from, where, params, hits) };
  }

  /** How many rows match: from the kept counts or the search's hits when they answer it, else counted. */
  private totalFor(filter: AuthorizerFilter, from: string, where: string[], params: Record<string, string | number>, hits: number | null): number {
    const others = filter.funcId !== undefined || filter.authorizedFrom !== undefined || filter.authorizedTo !== undefined;
    const kindOrStatus = filter.kind !== undefined || filter.status !== undefined;
    if (hits !== null && !others && !kindOrStatus) return hits;
    if (hits === null && !others) {
      let n = 0;
      for (const row of this.selectCounts.all(params.c as string)) {
        if ((filter.kind === undefined || row.kind === filter.kind) && (filter.status === undefined || row.status === filter.status)) n += row.n;
      }
      return n;
    }
    const countParams = { ...params };
    delete countParams.limit;
    delete countParams.offset;
    return this.cache.get<{ n: number }>(`SELECT count(*) AS n FROM ${from} WHERE ${where.join(' AND ')}`).get(countParams)!.n;
  }

  warmSearch(componentAppid: string): void {
    this.mirrorFor(appidArg(componentAppid));
  }

  /** The platform's search mirror, rebuilt when missing or when the row count says rows came or went. */
  private mirrorFor(componentAppid: string): SearchMirror {
    const kept = this.mirrors.get(componentAppid);
    let rows = 0;
    for (const r of this.selectCounts.all(componentAppid)) rows += r.n;
    if (kept && kept.size === rows) return kept;
    const built = this.db.transaction(() =>
      SearchMirror.fromJoined(this.selectSearchIds.all(componentAppid), this.selectSearchJoined.get(componentAppid) ?? ''),
    )();
    this.mirrors.set(componentAppid, built);
    return built;
  }

  countsByStatus(componentAppid: string): AuthorizerStatusCounts {
    const counts: AuthorizerStatusCounts = { active: 0, revoked: 0, needs_reauth: 0, total: 0 };
    for (const { status, n } of this.selectCounts.all(appidArg(componentAppid))) {
      counts[status as AuthorizerStatus] += n;
      counts.total += n;
    }
    return counts;
  }

  listAllIds(componentAppid: string): string[] {
    return this.selectIds.all(appidArg(componentAppid)).map((r) => r.appid);
  }

  nickNames(componentAppid: string, appids: readonly string[]): Map<string, string> {
    const c = appidArg(componentAppid);
    if (!Array.isArray(appids)) throw invalidArgument('nickNames: appids must be an array');
    if (appids.length > 1000) throw invalidArgument('nickNames: at most 1000 appids at a time');
    const unique = [...new Set(appids.filter((a): a is string => typeof a === 'string' && a !== ''))];
    if (unique.length === 0) return new Map();
    const names = new Map<string, string>();
    for (const r of this.selectNickNames.all({ c, ids: JSON.stringify(unique) })) if (r.nick_name !== null) names.set(r.appid, r.nick_name);
    return names;
  }

  *iterate(componentAppid: string, filter: Omit<AuthorizerFilter, 'componentAppid' | 'sort' | 'dir' | 'offset' | 'limit'> = {}): IterableIterator<Authorizer> {
    const { whereSql, params } = this.whereSqlFor({ ...filter, componentAppid });
    const chunk = this.cache.get<AuthorizerRow>(`SELECT * FROM authorizers WHERE ${whereSql} AND appid > @after ORDER BY appid LIMIT ${ITERATE_CHUNK}`);
    // Chunks by keyset instead of a live statement iterator, so callers may write to the store while iterating.
    let after = '';
    for (;;) {
      const rows = chunk.all({ ...params, after });
      for (const row of rows) yield this.toAuthorizer(row);
      if (rows.length < ITERATE_CHUNK) return;
      after = rows[rows.length - 1]!.appid;
    }
  }

  countRefreshTokenMismatches(componentAppid: string): number {
    return this.selectMismatches.get(appidArg(componentAppid))!.n;
  }

  private replaceFuncs(componentAppid: string, appid: string, funcIds: number[], isNew: boolean): void {
    if (!isNew) this.deleteFuncs.run(componentAppid, appid);
    for (const id of funcIds) this.insertFunc.run(componentAppid, id, appid);
  }

  private toAuthorizer(row: AuthorizerRow): Authorizer {
    return {
      appid: row.appid,
      componentAppid: row.component_appid,
      kind: row.kind as Authorizer['kind'],
      nickName: row.nick_name,
      userName: row.user_name,
      principalName: row.principal_name,
      headImg: row.head_img,
      alias: row.alias,
      serviceType: row.service_type,
      verifyType: row.verify_type,
      accountStatus: row.account_status,
      info: row.info === null ? null : (JSON.parse(row.info) as Record<string, unknown>),
      funcInfo: JSON.parse(row.func_info) as number[],
      status: row.status as AuthorizerStatus,
      hasRefreshToken: row.refresh_token_enc !== null,
      authorizedAt: row.authorized_at,
      updatedAt: row.updated_at,
      revokedAt: row.revoked_at,
      refreshTokenCheckedAt: row.refresh_token_checked_at,
      refreshTokenMismatch: row.refresh_token_mismatch === 1,
    };
  }
}

/** What SQLite's lower() does, which made search_text: ASCII letters only. */
function foldAscii(term: string): string {
  return term.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function notFound(componentAppid: string, appid: string): StoreError {
  return new StoreError('not_found', `no authorizer ${appid} under platform ${componentAppid}`);
}

interface CheckedInput {
  input: AuthorizerInput;
  componentAppid: string;
  appid: string;
  kind: Authorizer['kind'];
  patch: ReturnType<typeof validatePatch>;
}

function validateInput(input: AuthorizerInput): CheckedInput {
  objectArg(input, 'authorizer');
  return {
    input,
    componentAppid: appidArg(input.componentAppid),
    appid: appidArg(input.appid, 'authorizer appid'),
    kind: enumArg(input.kind, AUTHORIZER_KINDS, 'authorizer kind'),
    patch: validatePatch(input),
  };
}

/** Validates the optional fields of an upsert and maps them to columns (only those given). */
function validatePatch(input: AuthorizerInput): { columns: Partial<AuthorizerRow>; funcIds?: number[] } {
  const columns: Partial<AuthorizerRow> = {};
  const text = (key: keyof AuthorizerInput, column: keyof AuthorizerRow, max = 1000) => {
    if (input[key] !== undefined) (columns as Record<string, unknown>)[column] = optionalString(input[key], key, max);
  };
  const int = (key: keyof AuthorizerInput, column: keyof AuthorizerRow) => {
    if (input[key] !== undefined) (columns as Record<string, unknown>)[column] = optionalInt(input[key], key);
  };
  text('nickName', 'nick_name');
  text('userName', 'user_name', 200);
  text('principalName', 'principal_name');
  text('headImg', 'head_img', 4000);
  text('alias', 'alias', 200);
  int('serviceType', 'service_type');
  int('verifyType', 'verify_type');
  int('accountStatus', 'account_status');
  if (input.info !== undefined) {
    columns.info = input.info === null ? null : jsonArg(objectArg(input.info, 'authorizer info'), 'authorizer info');
  }
  let funcIds: number[] | undefined;
  if (input.funcInfo !== undefined) {
    if (!Array.isArray(input.funcInfo)) throw invalidArgument('funcInfo must be an array of permission-set ids');
    funcIds = [...new Set(input.funcInfo.map((id, i) => intArg(id, `funcInfo[${i}]`, 0)))];
    columns.func_info = JSON.stringify(funcIds);
  }
  if (input.status !== undefined) columns.status = enumArg(input.status, AUTHORIZER_STATUSES, 'authorizer status');
  if (input.refreshToken !== undefined && input.refreshToken !== null) {
    nonEmptyStringArg(input.refreshToken, 'refreshToken', 2000);
  }
  if (input.authorizedAt !== undefined) columns.authorized_at = timeArg(input.authorizedAt, 'authorizedAt');
  if (input.revokedAt !== undefined) {
    columns.revoked_at = input.revokedAt === null ? null : timeArg(input.revokedAt, 'revokedAt');
  }
  if (input.refreshTokenCheckedAt !== undefined) {
    columns.refresh_token_checked_at =
      input.refreshTokenCheckedAt === null ? null : timeArg(input.refreshTokenCheckedAt, 'refreshTokenCheckedAt');
  }
  if (input.refreshTokenMismatch !== undefined) {
    columns.refresh_token_mismatch = boolArg(input.refreshTokenMismatch, 'refreshTokenMismatch') ? 1 : 0;
  }
  return { columns, funcIds };
}
