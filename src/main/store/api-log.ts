import type Database from 'better-sqlite3';
import type { ApiCallFilter, ApiCallFull, ApiCallInput, ApiCallRecord, ErrcodeMinuteCount, KeysetPage } from '../../shared/domain';
import type { ApiLogRepo } from './api';
import { invalidArgument } from './errors';
import { MAX_BUCKET_SPAN_MS, MINUTE_MS, StatementCache } from './sql';
import {
  appidArg,
  boolArg,
  intArg,
  limitArg,
  nonEmptyStringArg,
  objectArg,
  optionalInt,
  optionalString,
  timeArg,
} from './validate';

interface ApiCallRow {
  id: number;
  component_appid: string;
  at: number;
  path: string;
  appid: string | null;
  errcode: number | null;
  errmsg: string | null;
  rid: string | null;
  latency_ms: number;
  attempt: number;
}

interface ApiCallFullRow extends ApiCallRow {
  method: string | null;
  token_param: string | null;
  request_body: string | null;
  response_body: string | null;
  response_binary: number;
}

/** The columns of a list row: everything but the bodies (a page of 500 would otherwise carry megabytes). */
const LIST_COLUMNS = 'id, component_appid, at, path, appid, errcode, errmsg, rid, latency_ms, attempt';
/** The most of a body the log keeps, whatever the caller passes (the client already cuts and redacts). */
const BODY_LIMIT = 16_384;

/** The automatic prune runs once per this many inserts per platform, so its cost is spread thin. */
const PRUNE_EVERY = 1000;

export class SqlApiLog implements ApiLogRepo {
  private readonly insertRow: Database.Statement;
  private readonly selectCutoff: Database.Statement<[string, number], { id: number }>;
  private readonly deleteUpTo: Database.Statement<[string, number]>;
  private readonly selectPerMinute: Database.Statement<
    [string, number, number],
    ErrcodeMinuteCount
  >;
  private readonly selectOne: Database.Statement<[number, string], ApiCallFullRow>;
  private readonly cache: StatementCache;
  private readonly insertsSincePrune = new Map<string, number>();

  constructor(
    db: Database.Database,
    private readonly keep: number,
  ) {
    this.cache = new StatementCache(db);
    this.insertRow = db.prepare(
      `INSERT INTO api_calls (component_appid, at, path, appid, errcode, errmsg, rid, latency_ms, attempt,
         method, token_param, request_body, response_body, response_binary)
       VALUES (@component_appid, @at, @path, @appid, @errcode, @errmsg, @rid, @latency_ms, @attempt,
         @method, @token_param, @request_body, @response_body, @response_binary)`,
    );
    this.selectOne = db.prepare('SELECT * FROM api_calls WHERE id = ? AND component_appid = ?');
    this.selectCutoff = db.prepare(
      'SELECT id FROM api_calls WHERE component_appid = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
    );
    this.deleteUpTo = db.prepare('DELETE FROM api_calls WHERE component_appid = ? AND id <= ?');
    this.selectPerMinute = db.prepare(
      `SELECT (at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute, errcode, count(*) AS count
       FROM api_calls WHERE component_appid = ? AND at >= ? AND at < ?
       GROUP BY minute, errcode ORDER BY minute, errcode`,
    );
  }

  insert(call: ApiCallInput): number {
    objectArg(call, 'API call');
    const path = nonEmptyStringArg(call.path, 'path', 500);
    // The client strips tokens from the query; what is left (get_qrcode?path=…, ?action=create) tells calls apart.
    // A token or secret parameter here would put it in the log: refuse it.
    const query = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : null;
    const secretParam = query ? [...query.keys()].find((k) => /token|secret/i.test(k)) : undefined;
    if (secretParam) throw invalidArgument(`API log path must not carry ${secretParam} in its query string (tokens and secrets never go in the log)`);
    const row = {
      component_appid: appidArg(call.componentAppid),
      at: timeArg(call.at, 'at'),
      path,
      appid: call.appid === undefined || call.appid === null ? null : appidArg(call.appid, 'appid'),
      errcode: optionalInt(call.errcode, 'errcode'),
      errmsg: optionalString(call.errmsg, 'errmsg', 2000),
      rid: optionalString(call.rid, 'rid', 200),
      latency_ms: intArg(call.latencyMs, 'latencyMs', 0),
      attempt: call.attempt === undefined ? 1 : intArg(call.attempt, 'attempt', 1, 100),
      method: call.method === 'GET' || call.method === 'POST' ? call.method : null,
      token_param: call.tokenParam === 'access_token' || call.tokenParam === 'component_access_token' ? call.tokenParam : null,
      request_body: bodyArg(call.requestBody),
      response_body: bodyArg(call.responseBody),
      response_binary: call.responseBinary === true ? 1 : 0,
    };
    const id = Number(this.insertRow.run(row).lastInsertRowid);
    const n = (this.insertsSincePrune.get(row.component_appid) ?? 0) + 1;
    if (n >= PRUNE_EVERY) {
      this.insertsSincePrune.set(row.component_appid, 0);
      this.prune(row.component_appid);
    } else {
      this.insertsSincePrune.set(row.component_appid, n);
    }
    return id;
  }

  list(filter: ApiCallFilter): KeysetPage<ApiCallRecord> {
    objectArg(filter, 'API log filter');
    const params: Record<string, string | number> = { c: appidArg(filter.componentAppid) };
    const where = ['component_appid = @c'];
    if (filter.path !== undefined) {
      params.path = nonEmptyStringArg(filter.path, 'path filter', 500);
      where.push('path = @path');
    }
    if (filter.errcode !== undefined) {
      params.errcode = intArg(filter.errcode, 'errcode filter');
      where.push('errcode = @errcode');
    }
    if (filter.appid !== undefined) {
      params.appid = appidArg(filter.appid, 'appid filter');
      where.push('appid = @appid');
    }
    if (filter.from !== undefined) {
      params.from = timeArg(filter.from, 'from');
      where.push('at >= @from');
    }
    if (filter.to !== undefined) {
      params.to = timeArg(filter.to, 'to');
      where.push('at < @to');
    }
    if (filter.errorsOnly !== undefined && boolArg(filter.errorsOnly, 'errorsOnly')) {
      where.push('(errcode IS NULL OR errcode <> 0)');
    }
    if (filter.beforeId !== undefined) {
      params.before = intArg(filter.beforeId, 'beforeId', 1);
      where.push('id < @before');
    }
    params.limit = limitArg(filter.limit, 50, 500);
    const rows = this.cache
      .get<ApiCallRow>(`SELECT ${LIST_COLUMNS} FROM api_calls WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`)
      .all(params);
    return {
      rows: rows.map(toRecord),
      nextBeforeId: rows.length === params.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  get(componentAppid: string, id: number): ApiCallFull | null {
    const row = this.selectOne.get(intArg(id, 'id', 1), appidArg(componentAppid));
    if (!row) return null;
    return {
      ...toRecord(row),
      method: row.method === 'GET' || row.method === 'POST' ? row.method : null,
      tokenParam: row.token_param,
      requestBody: row.request_body,
      responseBody: row.response_body,
      responseBinary: row.response_binary === 1,
    };
  }

  errcodesPerMinute(componentAppid: string, from: number, to: number): ErrcodeMinuteCount[] {
    const c = appidArg(componentAppid);
    timeArg(from, 'from');
    timeArg(to, 'to');
    if (to < from) throw invalidArgument('errcodesPerMinute: "to" must not be before "from"');
    if (to - from > MAX_BUCKET_SPAN_MS) {
      throw invalidArgument('errcodesPerMinute: the range may span at most 31 days (one row per minute)');
    }
    return this.selectPerMinute.all(c, from, to);
  }

  prune(componentAppid: string, keep?: number): number {
    const c = appidArg(componentAppid);
    const n = keep === undefined ? this.keep : intArg(keep, 'keep', 0);
    const cutoff = this.selectCutoff.get(c, n);
    return cutoff ? this.deleteUpTo.run(c, cutoff.id).changes : 0;
  }
}

/** A body to keep: text cut to BODY_LIMIT characters, or null. */
function bodyArg(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidArgument('API log bodies must be text');
  return v.length > BODY_LIMIT ? `${v.slice(0, BODY_LIMIT)}…` : v;
}

function toRecord(row: ApiCallRow): ApiCallRecord {
  return {
    id: row.id,
    componentAppid: row.component_appid,
    at: row.at,
    path: row.path,
    appid: row.appid,
    errcode: row.errcode,
    errmsg: row.errmsg,
    rid: row.rid,
    latencyMs: row.latency_ms,
    attempt: row.attempt,
  };
}
