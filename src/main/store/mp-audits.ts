/**
 * Mini-program code audits on the desk (tables mp_audits and mp_audit_undos: migration 13). WeChat's pushes
 * (weapp_audit_success / _fail / _delay) carry no auditid, so a push decides the account's latest undecided audit;
 * a poll (get_auditstatus) names its audit. A decided audit is never reopened by a late or replayed push.
 */
import type Database from 'better-sqlite3';
import {
  MP_AUDIT_STATES,
  UNDECIDED_AUDIT_STATES,
  type MpAuditRecord,
  type MpAuditSource,
  type MpAuditState,
  type UndoCounts,
} from '../../shared/mp/audits';
import { appidArg, enumArg, intArg, optionalInt, optionalString, stringArg, timeArg } from './validate';

export interface MpAuditsRepo {
  /** The console submitted an audit (submit_audit answered auditid). Recording it again changes nothing. */
  recordSubmit(input: { componentAppid: string; appid: string; auditid: number; at: number; userVersion?: string | null; templateId?: number | null; runId?: number | null }): MpAuditRecord;
  /**
   * A status WeChat reported. With `auditid` (a poll) that audit, made if the console did not submit it; without (a
   * push) the account's latest undecided audit, or null when there is none. A decided audit keeps its decision.
   */
  applyStatus(input: {
    componentAppid: string;
    appid: string;
    auditid?: number | null;
    state: MpAuditState;
    reason?: string | null;
    screenshots?: string[];
    at: number;
    source: Exclude<MpAuditSource, 'submit'>;
    eventId?: number | null;
    /**
     * When WeChat decided (a push's SuccTime / FailTime / DelayTime, else its CreateTime), ms. A result with no auditid
     * from before the latest undecided audit was submitted (allowing a minute of clock difference) is an earlier
     * audit's, delivered late: it decides nothing.
     */
    decidedAt?: number | null;
  }): MpAuditRecord | null;
  get(componentAppid: string, appid: string, auditid: number): MpAuditRecord | null;
  latest(componentAppid: string, appid: string): MpAuditRecord | null;
  /** Newest first. */
  history(componentAppid: string, appid: string, limit?: number): MpAuditRecord[];
  /** Audits still waiting for a decision (auditing or delayed), oldest update first: what polling looks at. */
  undecided(componentAppid: string, limit?: number): MpAuditRecord[];
  recordUndo(componentAppid: string, appid: string, at: number): void;
  /** The console's withdrawals for the account in China's calendar day and month of `now`. */
  undoCounts(componentAppid: string, appid: string, now: number): UndoCounts;
}

interface Row {
  appid: string;
  auditid: number;
  state: MpAuditState;
  reason: string | null;
  screenshots: string;
  user_version: string | null;
  template_id: number | null;
  run_id: number | null;
  submitted_at: number;
  decided_at: number | null;
  updated_at: number;
  source: MpAuditSource;
  event_id: number | null;
}

/** How far WeChat's clock (a push's times) and this computer's (an audit's submit time) may disagree. */
const CLOCK_DIFFERENCE_MS = 60_000;

const COLUMNS = 'appid, auditid, state, reason, screenshots, user_version, template_id, run_id, submitted_at, decided_at, updated_at, source, event_id';
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Start (epoch ms) of China's calendar day and month holding `t` (UTC+8 without summer time since 1992). */
export function chinaDayAndMonthStart(t: number): { day: number; month: number } {
  const local = t + CHINA_OFFSET_MS;
  const day = Math.floor(local / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  const d = new Date(local);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - CHINA_OFFSET_MS;
  return { day, month };
}

/** Start of China's next calendar month after the one holding `t`. */
function chinaNextMonthStart(t: number): number {
  const d = new Date(t + CHINA_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - CHINA_OFFSET_MS;
}

export class SqlMpAudits implements MpAuditsRepo {
  private readonly s: {
    insert: Database.Statement;
    get: Database.Statement<[string, string, number], Row>;
    latest: Database.Statement<[string, string], Row>;
    latestUndecided: Database.Statement<[string, string], Row>;
    history: Database.Statement<[string, string, number], Row>;
    undecided: Database.Statement<[string, number], Row>;
    update: Database.Statement;
    undo: Database.Statement;
    undoBetween: Database.Statement<[string, string, number, number], { n: number }>;
  };

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO mp_audits (component_appid, appid, auditid, state, reason, screenshots, user_version, template_id, run_id, submitted_at, decided_at, updated_at, source, event_id)
         VALUES (@c, @appid, @auditid, @state, @reason, @screenshots, @userVersion, @templateId, @runId, @submittedAt, @decidedAt, @at, @source, @eventId)
         ON CONFLICT DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM mp_audits WHERE component_appid = ? AND appid = ? AND auditid = ?`),
      latest: db.prepare(`SELECT ${COLUMNS} FROM mp_audits WHERE component_appid = ? AND appid = ? ORDER BY submitted_at DESC, auditid DESC LIMIT 1`),
      latestUndecided: db.prepare(
        `SELECT ${COLUMNS} FROM mp_audits WHERE component_appid = ? AND appid = ? AND state IN ('auditing', 'delayed')
         ORDER BY submitted_at DESC, auditid DESC LIMIT 1`,
      ),
      history: db.prepare(`SELECT ${COLUMNS} FROM mp_audits WHERE component_appid = ? AND appid = ? ORDER BY submitted_at DESC, auditid DESC LIMIT ?`),
      undecided: db.prepare(`SELECT ${COLUMNS} FROM mp_audits WHERE component_appid = ? AND state IN ('auditing', 'delayed') ORDER BY updated_at LIMIT ?`),
      update: db.prepare(
        `UPDATE mp_audits SET state = @state, reason = @reason, screenshots = @screenshots, decided_at = @decidedAt,
           updated_at = @at, source = @source, event_id = coalesce(@eventId, event_id)
         WHERE component_appid = @c AND appid = @appid AND auditid = @auditid`,
      ),
      undo: db.prepare('INSERT INTO mp_audit_undos (component_appid, appid, at) VALUES (?, ?, ?)'),
      undoBetween: db.prepare('SELECT count(*) AS n FROM mp_audit_undos WHERE component_appid = ? AND appid = ? AND at >= ? AND at < ?'),
    };
  }

  recordSubmit(input: Parameters<MpAuditsRepo['recordSubmit']>[0]): MpAuditRecord {
    const c = appidArg(input.componentAppid);
    const appid = appidArg(input.appid, 'appid');
    const auditid = intArg(input.auditid, 'auditid', 0);
    const at = timeArg(input.at, 'at');
    this.s.insert.run({
      c,
      appid,
      auditid,
      state: 'auditing',
      reason: null,
      screenshots: '[]',
      userVersion: optionalString(input.userVersion, 'userVersion', 200),
      templateId: optionalInt(input.templateId, 'templateId', 0),
      runId: optionalInt(input.runId, 'runId', 1),
      submittedAt: at,
      decidedAt: null,
      at,
      source: 'submit',
      eventId: null,
    });
    return toRecord(this.s.get.get(c, appid, auditid)!);
  }

  applyStatus(input: Parameters<MpAuditsRepo['applyStatus']>[0]): MpAuditRecord | null {
    const c = appidArg(input.componentAppid);
    const appid = appidArg(input.appid, 'appid');
    const state = enumArg(input.state, MP_AUDIT_STATES, 'state');
    const source = enumArg(input.source, ['push', 'poll'] as const, 'source');
    const at = timeArg(input.at, 'at');
    const reason = optionalString(input.reason || null, 'reason', 20_000);
    const screenshots = JSON.stringify((input.screenshots ?? []).map((s, i) => stringArg(s, `screenshots[${i}]`, 200)));
    const eventId = optionalInt(input.eventId, 'eventId', 1);
    const auditid = optionalInt(input.auditid, 'auditid', 0);
    const decidedAt = input.decidedAt === undefined || input.decidedAt === null ? null : timeArg(input.decidedAt, 'decidedAt');
    return this.db.transaction((): MpAuditRecord | null => {
      let row = auditid === null ? this.s.latestUndecided.get(c, appid) : this.s.get.get(c, appid, auditid);
      if (row && auditid === null && decidedAt !== null && decidedAt < row.submitted_at - CLOCK_DIFFERENCE_MS) return null;
      if (!row && auditid !== null) {
        // Submitted outside this console (or before its records): known from now on.
        this.s.insert.run({ c, appid, auditid, state: 'auditing', reason: null, screenshots: '[]', userVersion: null, templateId: null, runId: null, submittedAt: at, decidedAt: null, at, source, eventId: null });
        row = this.s.get.get(c, appid, auditid)!;
      }
      if (!row) return null;
      if (!UNDECIDED_AUDIT_STATES.includes(row.state)) return toRecord(row);
      const decided = !UNDECIDED_AUDIT_STATES.includes(state);
      this.s.update.run({ c, appid, auditid: row.auditid, state, reason, screenshots, decidedAt: decided ? at : null, at, source, eventId });
      return toRecord(this.s.get.get(c, appid, row.auditid)!);
    })();
  }

  get(componentAppid: string, appid: string, auditid: number): MpAuditRecord | null {
    const row = this.s.get.get(appidArg(componentAppid), appidArg(appid, 'appid'), intArg(auditid, 'auditid', 0));
    return row ? toRecord(row) : null;
  }

  latest(componentAppid: string, appid: string): MpAuditRecord | null {
    const row = this.s.latest.get(appidArg(componentAppid), appidArg(appid, 'appid'));
    return row ? toRecord(row) : null;
  }

  history(componentAppid: string, appid: string, limit = 50): MpAuditRecord[] {
    return this.s.history.all(appidArg(componentAppid), appidArg(appid, 'appid'), intArg(limit, 'limit', 1, 1000)).map(toRecord);
  }

  undecided(componentAppid: string, limit = 1000): MpAuditRecord[] {
    return this.s.undecided.all(appidArg(componentAppid), intArg(limit, 'limit', 1, 100_000)).map(toRecord);
  }

  recordUndo(componentAppid: string, appid: string, at: number): void {
    this.s.undo.run(appidArg(componentAppid), appidArg(appid, 'appid'), timeArg(at, 'at'));
  }

  undoCounts(componentAppid: string, appid: string, now: number): UndoCounts {
    const c = appidArg(componentAppid);
    const a = appidArg(appid, 'appid');
    const t = timeArg(now, 'now');
    const start = chinaDayAndMonthStart(t);
    return {
      today: this.s.undoBetween.get(c, a, start.day, start.day + DAY_MS)!.n,
      month: this.s.undoBetween.get(c, a, start.month, chinaNextMonthStart(t))!.n,
    };
  }
}

function toRecord(r: Row): MpAuditRecord {
  let screenshots: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.screenshots);
    if (Array.isArray(parsed)) screenshots = parsed.filter((s): s is string => typeof s === 'string');
  } catch {
    // written by this module only; an unreadable list shows as none
  }
  return {
    appid: r.appid,
    auditid: r.auditid,
    state: r.state,
    reason: r.reason,
    screenshots,
    userVersion: r.user_version,
    templateId: r.template_id,
    runId: r.run_id,
    submittedAt: r.submitted_at,
    decidedAt: r.decided_at,
    updatedAt: r.updated_at,
    source: r.source,
    eventId: r.event_id,
  };
}
