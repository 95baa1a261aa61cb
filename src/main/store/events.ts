import type Database from 'better-sqlite3';
import {
  EVENT_KINDS,
  type EventFilter,
  type EventInput,
  type EventInsertResult,
  type EventKind,
  type EventRecord,
  type EventStatus,
  type EventVerdicts,
  type KeysetPage,
  type MinuteCount,
} from '../../shared/domain';
import type { EventOutcome, EventsRepo } from './api';
import { StoreError, invalidArgument } from './errors';
import type { SqlRelayCursor } from './relay-cursor';
import { FAILED_WORD, appidWord, foldText, kindWord, pairWords, termWord } from './event-grams';
import { MAX_BUCKET_SPAN_MS, MINUTE_MS, StatementCache } from './sql';
import {
  appidArg,
  boolArg,
  enumArg,
  intArg,
  jsonArg,
  limitArg,
  objectArg,
  optionalInt,
  optionalString,
  stringArg,
  timeArg,
} from './validate';

interface EventRow {
  id: number;
  component_appid: string;
  seq: number | null;
  kind: string;
  appid: string | null;
  received_at: number;
  query: string | null;
  raw_body: string;
  plaintext: string | null;
  status: string;
  fail_reason: string | null;
  fail_reason_zh: string | null;
  info_type: string | null;
  msg_type: string | null;
  event: string | null;
  from_user: string | null;
  to_user: string | null;
  create_time: number | null;
  msg_id: string | null;
  dedupe_key: string | null;
  reply_body: string | null;
  reply_ms: number | null;
  verdicts: string | null;
  handled_note: string | null;
  handled_note_zh: string | null;
  /** The relay queue epoch the seq belongs to (see relay-cursor.ts); not part of EventRecord. */
  queue_epoch: number;
}

const BODY_MAX = 4 * 1024 * 1024;
const FIELD_MAX = 1000;
/** Trigram FTS needs at least 3 characters; shorter terms go to the grams index (event-grams.ts). */
const TRIGRAM = 3;
/**
 * Pairs of each 3+ character term added to the grams query when it drives: they drop most rows without the term before
 * the row is read; each costs a seek per candidate, so a few.
 */
const PAIRS_PER_TERM = 3;
/**
 * With both 3+ character terms and grams words (short terms, filters), each index counts its matches up to this many
 * and the smaller drives; above it on both sides the trigram index drives (both are common, pages fill early).
 */
const SEARCH_COUNT_CAP = 10_000;
/** event_contains's columns after the term (event-grams.ts); raw_body counts only without plaintext, as in the FTS. */
const CONTAINS_COLUMNS = ['plaintext', 'raw_body', 'appid', 'info_type', 'msg_type', 'event', 'from_user', 'to_user', 'fail_reason']
  .map((c) => 'e.' + c)
  .join(', ');
/**
 * Above this many events in a time range, pages walk the rowid order and test the time per row (matches are dense,
 * LIMIT stops early); below it they read the range from the received_at index and sort it (a narrow window deep in
 * the past would otherwise be reached only after walking every newer row).
 */
const DENSE_RANGE = 20_000;

export class SqlEvents implements EventsRepo {
  private readonly selectBySeq: Database.Statement<[string, number, number], { id: number }>;
  private readonly selectByDedupe: Database.Statement<[string, string], { id: number }>;
  private readonly insertRow: Database.Statement;
  private readonly updateReply: Database.Statement<[string | null, number | null, number]>;
  private readonly updateNote: Database.Statement<[string | null, string | null, number]>;
  private readonly updateOutcome: Database.Statement<[string, string | null, string | null, string | null, string | null, number]>;
  private readonly selectOne: Database.Statement<[number], EventRow>;
  private readonly deleteOldest: Database.Statement<[string, number, number]>;
  private readonly selectMany: Database.Statement<[string], EventRow>;
  private readonly selectPerMinute: Database.Statement<
    [string, number, number],
    { minute: number; count: number; failed: number }
  >;
  private readonly selectRangeSize: Database.Statement<[string, number, number, number], { n: number }>;
  private readonly countGrams: Database.Statement<[string, number], { n: number }>;
  private readonly countTrigram: Database.Statement<[string, number], { n: number }>;
  private readonly cache: StatementCache;

  constructor(
    private readonly db: Database.Database,
    private readonly cursor: SqlRelayCursor,
    private readonly denseRange = DENSE_RANGE,
    private readonly searchCountCap = SEARCH_COUNT_CAP,
    private readonly searchDriver?: 'grams' | 'trigram',
  ) {
    intArg(denseRange, 'denseRangeRows', 1);
    intArg(searchCountCap, 'searchCountCap', 0);
    this.cache = new StatementCache(db);
    this.selectRangeSize = db.prepare(
      `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE component_appid = ? AND received_at >= ? AND received_at < ?
       LIMIT ?)`,
    );
    this.countGrams = db.prepare(
      'SELECT count(*) AS n FROM (SELECT 1 FROM events_grams WHERE events_grams MATCH ? LIMIT ?)',
    );
    this.countTrigram = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ? LIMIT ?)');
    this.selectBySeq = db.prepare('SELECT id FROM events WHERE component_appid = ? AND queue_epoch = ? AND seq = ?');
    this.selectByDedupe = db.prepare('SELECT id FROM events WHERE component_appid = ? AND dedupe_key = ?');
    const columns = [
      'component_appid', 'seq', 'kind', 'appid', 'received_at', 'query', 'raw_body', 'plaintext', 'status',
      'fail_reason', 'info_type', 'msg_type', 'event', 'from_user', 'to_user', 'create_time', 'msg_id', 'dedupe_key',
      'reply_body', 'reply_ms', 'verdicts', 'handled_note', 'queue_epoch', 'fail_reason_zh', 'handled_note_zh',
    ];
    this.insertRow = db.prepare(
      `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`,
    );
    this.updateReply = db.prepare('UPDATE events SET reply_body = ?, reply_ms = ? WHERE id = ?');
    this.updateNote = db.prepare('UPDATE events SET handled_note = ?, handled_note_zh = ? WHERE id = ?');
    this.updateOutcome = db.prepare(
      'UPDATE events SET status = ?, fail_reason = ?, handled_note = ?, fail_reason_zh = ?, handled_note_zh = ? WHERE id = ?',
    );
    this.selectOne = db.prepare('SELECT * FROM events WHERE id = ?');
    this.deleteOldest = db.prepare(
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events WHERE component_appid = ? AND received_at < ? ORDER BY received_at LIMIT ?)`,
    );
    this.selectMany = db.prepare('SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?))');
    this.selectPerMinute = db.prepare(
      `SELECT (received_at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute, count(*) AS count, sum(status = 'failed') AS failed
       FROM events WHERE component_appid = ? AND received_at >= ? AND received_at < ?
       GROUP BY minute ORDER BY minute`,
    );
  }

  insert(event: EventInput): EventInsertResult {
    const row = validateEvent(event);
    return this.db.transaction((): EventInsertResult => {
      // The cursor moves even for duplicates: the push is durably here either way, so the relay may drop it.
      // Seqs are unique within the relay queue the cursor belongs to (its epoch); a new queue numbers from 1 again.
      if (row.seq !== null) {
        row.queue_epoch = this.cursor.advanceUnchecked(row.component_appid, row.seq).epoch;
        const same = this.selectBySeq.get(row.component_appid, row.queue_epoch, row.seq);
        if (same) return { inserted: false, id: same.id };
      }
      if (row.dedupe_key !== null) {
        const same = this.selectByDedupe.get(row.component_appid, row.dedupe_key);
        if (same) return { inserted: false, id: same.id };
      }
      return { inserted: true, id: Number(this.insertRow.run(row).lastInsertRowid) };
    })();
  }

  pruneBefore(componentAppid: string, before: number, limit = 5000): number {
    const c = appidArg(componentAppid);
    intArg(before, 'before', 0);
    intArg(limit, 'limit', 1);
    return this.deleteOldest.run(c, before, limit).changes;
  }

  setReply(id: number, replyBody: string | null, replyMs: number | null): void {
    intArg(id, 'event id', 1);
    const body = optionalString(replyBody, 'replyBody', BODY_MAX);
    const ms = optionalInt(replyMs, 'replyMs', 0);
    if (this.updateReply.run(body, ms, id).changes === 0) throw notFound(id);
  }

  setHandledNote(id: number, note: string | null, noteZh: string | null = null): void {
    intArg(id, 'event id', 1);
    const en = optionalString(note, 'handledNote', FIELD_MAX * 10);
    const zh = optionalString(noteZh, 'handledNoteZh', FIELD_MAX * 10);
    if (this.updateNote.run(en, zh, id).changes === 0) throw notFound(id);
  }

  setOutcome(id: number, outcome: EventOutcome): void {
    intArg(id, 'event id', 1);
    objectArg(outcome, 'event outcome');
    const status = enumArg(outcome.status, ['ok', 'failed'] as const, 'event status');
    const reason = optionalString(outcome.failReason, 'failReason', FIELD_MAX * 10);
    const note = optionalString(outcome.handledNote, 'handledNote', FIELD_MAX * 10);
    const reasonZh = optionalString(outcome.failReasonZh, 'failReasonZh', FIELD_MAX * 10);
    const noteZh = optionalString(outcome.handledNoteZh, 'handledNoteZh', FIELD_MAX * 10);
    if (this.updateOutcome.run(status, reason, note, reasonZh, noteZh, id).changes === 0) throw notFound(id);
  }

  get(id: number): EventRecord | null {
    const row = this.selectOne.get(intArg(id, 'event id', 1));
    return row ? toRecord(row) : null;
  }

  getMany(ids: number[]): EventRecord[] {
    if (!Array.isArray(ids)) throw invalidArgument('getMany needs an array of event ids');
    if (ids.length > 1000) throw invalidArgument(`getMany takes at most 1000 ids, got ${ids.length}`);
    ids.forEach((id, i) => intArg(id, `ids[${i}]`, 1));
    const byId = new Map(this.selectMany.all(JSON.stringify(ids)).map((r) => [r.id, r]));
    // in the caller's order; unknown ids are skipped
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toRecord(row)] : [];
    });
  }

  list(filter: EventFilter): KeysetPage<EventRecord> {
    const q = buildQuery(
      filter,
      true,
      (c, from, to) => this.selectRangeSize.get(c, from, to, this.denseRange + 1)!.n > this.denseRange,
      this.gramsDrive,
    );
    const limit = limitArg(filter.limit, 50, 500);
    const rows = this.cache.get<EventRow>(`${q.select} ORDER BY ${q.order} DESC LIMIT @limit`).all({ ...q.params, limit });
    return {
      rows: rows.map(toRecord),
      nextBeforeId: rows.length === limit ? rows[rows.length - 1]!.id : null,
    };
  }

  count(filter: Omit<EventFilter, 'beforeId' | 'limit'>): number {
    const q = buildQuery(filter, false, () => false, this.gramsDrive);
    return this.cache.get<{ n: number }>(q.count).get(q.params)!.n;
  }

  /** Whether the grams index drives a search that both indexes could drive (see SEARCH_COUNT_CAP). */
  private readonly gramsDrive = (gramsQuery: string, trigramQuery: string): boolean => {
    if (this.searchDriver) return this.searchDriver === 'grams';
    const cap = this.searchCountCap;
    const grams = this.countGrams.get(gramsQuery, cap + 1)!.n;
    return grams <= cap && grams <= this.countTrigram.get(trigramQuery, cap + 1)!.n;
  };

  countPerMinute(componentAppid: string, from: number, to: number): MinuteCount[] {
    const c = appidArg(componentAppid);
    timeArg(from, 'from');
    timeArg(to, 'to');
    if (to < from) throw invalidArgument('countPerMinute: "to" must not be before "from"');
    if (to - from > MAX_BUCKET_SPAN_MS) {
      throw invalidArgument('countPerMinute: the range may span at most 31 days (one row per minute)');
    }
    return this.selectPerMinute.all(c, from, to);
  }
}

function notFound(id: number): StoreError {
  return new StoreError('not_found', `no event with id ${id}`);
}

interface BuiltQuery {
  select: string;
  count: string;
  order: string;
  params: Record<string, string | number>;
}

function buildQuery(
  filter: Omit<EventFilter, 'beforeId' | 'limit'> & { beforeId?: number },
  withBefore: boolean,
  isDenseRange: (componentAppid: string, from: number, to: number) => boolean,
  gramsDrive: (gramsQuery: string, trigramQuery: string) => boolean,
): BuiltQuery {
  objectArg(filter, 'event filter');
  const params: Record<string, string | number> = { c: appidArg(filter.componentAppid) };
  const where = ['e.component_appid = @c'];
  const eq = (value: unknown, column: string, name: string, check: (v: unknown) => string | number) => {
    if (value === undefined) return;
    params[name] = check(value);
    where.push(`e.${column} = @${name}`);
  };
  eq(filter.kind, 'kind', 'kind', (v) => enumArg(v, EVENT_KINDS, 'kind filter'));
  eq(filter.infoType, 'info_type', 'infoType', (v) => stringArg(v, 'infoType filter', FIELD_MAX));
  eq(filter.msgType, 'msg_type', 'msgType', (v) => stringArg(v, 'msgType filter', FIELD_MAX));
  eq(filter.event, 'event', 'event', (v) => stringArg(v, 'event filter', FIELD_MAX));
  eq(filter.appid, 'appid', 'appid', (v) => appidArg(v, 'appid filter'));
  let sparseRange = false;
  if (filter.from !== undefined || filter.to !== undefined) {
    const from = filter.from === undefined ? 0 : timeArg(filter.from, 'from');
    const to = filter.to === undefined ? Number.MAX_SAFE_INTEGER : timeArg(filter.to, 'to');
    params.from = from;
    params.to = to;
    // unary + keeps SQLite off the received_at index, so the rowid order drives the page
    sparseRange = !isDenseRange(params.c as string, from, to);
    const column = sparseRange ? 'e.received_at' : '+e.received_at';
    where.push(`${column} >= @from AND ${column} < @to`);
  }
  const failedOnly = filter.failedOnly !== undefined && boolArg(filter.failedOnly, 'failedOnly');
  if (failedOnly) where.push(`e.status = 'failed'`);

  let from = 'events e';
  let idColumn = 'e.id';
  const terms =
    filter.search === undefined ? [] : stringArg(filter.search, 'search', 200).split(/\s+/).filter(Boolean);
  if (terms.length > 8) throw invalidArgument('search takes at most 8 words');
  if (terms.length > 0) {
    const phrases: string[] = []; // 3+ characters: trigram index
    const longTerms: string[] = [];
    const shortTerms: string[] = [];
    const shortWords: string[] = []; // 1–2 characters: grams index, exact
    const pairs: string[] = []; // pairs of the 3+ character terms: grams index, a superset of their matches
    for (const term of terms) {
      if ([...term].length >= TRIGRAM) {
        phrases.push(quote(term));
        longTerms.push(term);
        pairs.push(...pairWords(term, PAIRS_PER_TERM).map(quote));
      } else {
        shortTerms.push(term);
        shortWords.push(quote(termWord(term)));
      }
    }
    const filterWords: string[] = [];
    if (params.appid !== undefined) filterWords.push(quote(appidWord(params.appid as string)));
    if (params.kind !== undefined) filterWords.push(quote(kindWord(params.kind as string)));
    if (failedOnly) filterWords.push(quote(FAILED_WORD));
    const grams = [...shortWords, ...filterWords];
    // One FTS table drives the query, yielding rowids newest-first and honouring rowid < @before, so a page stops after
    // LIMIT matches. Without 3+ character terms the grams index answers everything, filters included. With them and
    // grams words too, the index with fewer matches drives (a rare appid or failures: grams, plus pairs of the long
    // terms; a rare long term: trigram), and each row it yields is checked for the other index's words.
    // The checks read the row (event_contains, event-grams.ts): asking an FTS table about one rowid costs far more.
    // CROSS JOIN keeps the planner from driving by the appid or status index instead, except in a narrow time range,
    // where reading the range from its index may be cheaper.
    const join = sparseRange ? 'JOIN' : 'CROSS JOIN';
    const byGrams =
      phrases.length === 0 || (grams.length > 0 && gramsDrive(grams.join(' AND '), phrases.join(' AND ')));
    const check = (checked: string[]) =>
      checked.forEach((term, i) => {
        const name = `t${i}`;
        params[name] = foldText(term);
        where.push(`event_contains(@${name}, ${CONTAINS_COLUMNS})`);
      });
    if (byGrams) {
      params.grams = [...grams, ...pairs].join(' AND ');
      from = `events_grams g ${join} events e ON e.id = g.rowid`;
      idColumn = 'g.rowid';
      where.unshift('events_grams MATCH @grams');
      check(longTerms);
    } else {
      params.fts = phrases.join(' AND ');
      from = `events_fts f ${join} events e ON e.id = f.rowid`;
      idColumn = 'f.rowid';
      where.unshift('events_fts MATCH @fts');
      check(shortTerms);
    }
  }
  if (withBefore && filter.beforeId !== undefined) {
    params.before = intArg(filter.beforeId, 'beforeId', 1);
    where.push(`${idColumn} < @before`);
  }
  const whereSql = where.join(' AND ');
  return {
    select: `SELECT e.* FROM ${from} WHERE ${whereSql}`,
    count: `SELECT count(*) AS n FROM ${from} WHERE ${whereSql}`,
    order: idColumn,
    params,
  };
}

/** An FTS5 string literal. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function validateEvent(e: EventInput): EventRow {
  objectArg(e, 'event');
  const kind = enumArg(e.kind, EVENT_KINDS, 'event kind') as EventKind;
  let query: string | null = null;
  if (e.query !== undefined && e.query !== null) {
    const q = objectArg(e.query, 'event query');
    for (const [k, v] of Object.entries(q)) {
      if (typeof v !== 'string') throw invalidArgument(`event query parameter ${k} must be a string`);
    }
    query = jsonArg(q, 'event query');
  }
  let verdicts: string | null = null;
  if (e.verdicts !== undefined && e.verdicts !== null) verdicts = jsonArg(objectArg(e.verdicts, 'verdicts'), 'verdicts');
  return {
    id: 0,
    component_appid: appidArg(e.componentAppid),
    seq: optionalInt(e.seq, 'seq', 1),
    kind,
    appid: e.appid === undefined || e.appid === null ? null : appidArg(e.appid, 'event appid'),
    received_at: timeArg(e.receivedAt, 'receivedAt'),
    query,
    raw_body: stringArg(e.rawBody, 'rawBody', BODY_MAX),
    plaintext: optionalString(e.plaintext, 'plaintext', BODY_MAX),
    status: e.status === undefined ? 'ok' : enumArg(e.status, ['ok', 'failed'] as const, 'event status'),
    fail_reason: optionalString(e.failReason, 'failReason', FIELD_MAX * 10),
    fail_reason_zh: optionalString(e.failReasonZh, 'failReasonZh', FIELD_MAX * 10),
    info_type: optionalString(e.infoType, 'infoType', FIELD_MAX),
    msg_type: optionalString(e.msgType, 'msgType', FIELD_MAX),
    event: optionalString(e.event, 'event', FIELD_MAX),
    from_user: optionalString(e.fromUser, 'fromUser', FIELD_MAX),
    to_user: optionalString(e.toUser, 'toUser', FIELD_MAX),
    create_time: optionalInt(e.createTime, 'createTime', 0),
    msg_id: optionalString(e.msgId, 'msgId', FIELD_MAX),
    dedupe_key: optionalString(e.dedupeKey, 'dedupeKey', FIELD_MAX),
    reply_body: optionalString(e.replyBody, 'replyBody', BODY_MAX),
    reply_ms: optionalInt(e.replyMs, 'replyMs', 0),
    verdicts,
    handled_note: optionalString(e.handledNote, 'handledNote', FIELD_MAX * 10),
    handled_note_zh: optionalString(e.handledNoteZh, 'handledNoteZh', FIELD_MAX * 10),
    queue_epoch: 0,
  };
}

function toRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    componentAppid: row.component_appid,
    seq: row.seq,
    kind: row.kind as EventKind,
    appid: row.appid,
    receivedAt: row.received_at,
    query: row.query === null ? null : (JSON.parse(row.query) as Record<string, string>),
    rawBody: row.raw_body,
    plaintext: row.plaintext,
    status: row.status as EventStatus,
    failReason: row.fail_reason,
    failReasonZh: row.fail_reason_zh ?? null,
    infoType: row.info_type,
    msgType: row.msg_type,
    event: row.event,
    fromUser: row.from_user,
    toUser: row.to_user,
    createTime: row.create_time,
    msgId: row.msg_id,
    dedupeKey: row.dedupe_key,
    replyBody: row.reply_body,
    replyMs: row.reply_ms,
    verdicts: row.verdicts === null ? null : (JSON.parse(row.verdicts) as EventVerdicts),
    handledNote: row.handled_note,
    handledNoteZh: row.handled_note_zh ?? null,
  };
}
