import type Database from 'better-sqlite3';
import {
  BATCH_ITEM_STATES,
  BATCH_RUN_STATUSES,
  type BatchItem,
  type BatchItemState,
  type BatchPause,
  type BatchRun,
  type BatchRunStatus,
  type BatchWords,
} from '../../shared/batch';
import type { BatchRepo, NewBatchRun, PlanRecord } from './api';
import { StoreError, invalidArgument } from './errors';
import { appidArg, enumArg, intArg, isAppid, jsonArg, nonEmptyStringArg, optionalInt, optionalString } from './validate';

/** The most accounts one run takes (a platform's whole authorizer list fits). */
export const MAX_BATCH_TARGETS = 200_000;

interface RunRow {
  id: number;
  component_appid: string;
  kind: string;
  title: string;
  params: string;
  status: BatchRunStatus;
  pause: string | null;
  concurrency: number;
  rate_per_second: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

interface ItemRow {
  run_id: number;
  appid: string;
  seq: number;
  state: BatchItemState;
  plan: string | null;
  summary: string | null;
  reason: string | null;
  errcode: number | null;
  errmsg: string | null;
  attempts: number;
  started_at: number | null;
  finished_at: number | null;
  stage: string | null;
  stage_data: string | null;
  waiting_since: number | null;
}

export class SqlBatch implements BatchRepo {
  private readonly insertRun: Database.Statement;
  private readonly insertItem: Database.Statement;
  private readonly selectRun: Database.Statement<[number], RunRow>;
  private readonly selectRuns: Database.Statement<[string, number], RunRow>;
  private readonly selectCounts: Database.Statement<[number], { state: BatchItemState; n: number }>;
  private readonly updateStatus: Database.Statement;
  private readonly selectUnplanned: Database.Statement<[number, number], { appid: string }>;
  private readonly updatePlanned: Database.Statement;
  private readonly claimNext: Database.Statement<[{ now: number; runId: number }], ItemRow>;
  private readonly claimNextBut: Database.Statement<[{ now: number; runId: number; last: string }], ItemRow>;
  private readonly updateFinished: Database.Statement;
  private readonly selectInState: Database.Statement<[number, string], { appid: string }>;
  private readonly selectItems: Database.Statement<[number, number, number, number], ItemRow>;
  private readonly selectItemsInState: Database.Statement<[number, string, number, number, number], ItemRow>;
  private readonly selectItem: Database.Statement<[number, string], ItemRow>;
  private readonly requeueFailed: Database.Statement<[number]>;
  private readonly cancelWaiting: Database.Statement<[number, number]>;
  private readonly selectStages: Database.Statement<[number], { stage: string; n: number }>;
  private readonly updateStage: Database.Statement;
  private readonly updateWaiting: Database.Statement;
  private readonly selectWaiting: Database.Statement<[number], ItemRow>;
  private readonly countWaiting: Database.Statement<[number], { n: number }>;
  private readonly cancelWaitingApplying: Database.Statement<[number, number]>;
  private readonly skipPendingStmt: Database.Statement;
  private readonly createRunTx: (input: NewBatchRun, paramsJson: string, targets: string[]) => number;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertRun = db.prepare(
      `INSERT INTO batch_runs (component_appid, kind, title, params, status, concurrency, rate_per_second, created_at)
       VALUES (?, ?, ?, ?, 'planning', ?, ?, ?)`,
    );
    this.insertItem = db.prepare(`INSERT INTO batch_items (run_id, appid, seq, state) VALUES (?, ?, ?, 'unplanned')`);
    this.selectRun = db.prepare('SELECT * FROM batch_runs WHERE id = ?');
    this.selectRuns = db.prepare('SELECT * FROM batch_runs WHERE component_appid = ? ORDER BY id DESC LIMIT ?');
    this.selectCounts = db.prepare('SELECT state, count(*) AS n FROM batch_items WHERE run_id = ? GROUP BY state');
    this.updateStatus = db.prepare(
      `UPDATE batch_runs SET status = @status, pause = @pause,
         started_at = coalesce(started_at, @startedAt), finished_at = @finishedAt WHERE id = @id`,
    );
    this.selectUnplanned = db.prepare(
      `SELECT appid FROM batch_items WHERE run_id = ? AND state = 'unplanned' ORDER BY seq LIMIT ?`,
    );
    this.updatePlanned = db.prepare(
      `UPDATE batch_items SET state = @state, plan = @plan, summary = @summary, reason = @reason, errcode = @errcode,
         errmsg = @errmsg, finished_at = @finishedAt
       WHERE run_id = @runId AND appid = @appid AND state = 'unplanned'`,
    );
    // One statement: the claim is atomic, so two workers never take the same account.
    this.claimNext = db.prepare(
      `UPDATE batch_items SET state = 'applying', attempts = attempts + 1, started_at = @now, finished_at = NULL, waiting_since = NULL
       WHERE run_id = @runId AND appid = (
         SELECT appid FROM batch_items WHERE run_id = @runId AND state = 'pending' ORDER BY seq LIMIT 1)
       RETURNING *`,
    );
    // The same, with the accounts in @last (a JSON array) after all the others.
    this.claimNextBut = db.prepare(
      `UPDATE batch_items SET state = 'applying', attempts = attempts + 1, started_at = @now, finished_at = NULL, waiting_since = NULL
       WHERE run_id = @runId AND appid = (
         SELECT appid FROM batch_items WHERE run_id = @runId AND state = 'pending'
         ORDER BY appid IN (SELECT value FROM json_each(@last)), seq LIMIT 1)
       RETURNING *`,
    );
    this.updateFinished = db.prepare(
      `UPDATE batch_items SET state = @state, summary = coalesce(@summary, summary), reason = @reason,
         errcode = @errcode, errmsg = @errmsg, finished_at = @finishedAt, waiting_since = NULL
       WHERE run_id = @runId AND appid = @appid AND state = 'applying'`,
    );
    this.selectInState = db.prepare('SELECT appid FROM batch_items WHERE run_id = ? AND state = ? ORDER BY seq');
    this.selectItems = db.prepare('SELECT * FROM batch_items WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ? OFFSET ?');
    this.selectItemsInState = db.prepare(
      'SELECT * FROM batch_items WHERE run_id = ? AND state = ? AND seq > ? ORDER BY seq LIMIT ? OFFSET ?',
    );
    this.selectItem = db.prepare('SELECT * FROM batch_items WHERE run_id = ? AND appid = ?');
    // An account whose plan failed (no plan) is planned again; the others are applied again.
    this.requeueFailed = db.prepare(
      `UPDATE batch_items SET state = CASE WHEN plan IS NULL THEN 'unplanned' ELSE 'pending' END, reason = NULL,
         errcode = NULL, errmsg = NULL, finished_at = NULL
       WHERE run_id = ? AND state = 'failed'`,
    );
    this.cancelWaiting = db.prepare(
      `UPDATE batch_items SET state = 'cancelled', finished_at = ? WHERE run_id = ? AND state IN ('unplanned', 'pending')`,
    );
    this.selectStages = db.prepare('SELECT stage, count(*) AS n FROM batch_items WHERE run_id = ? AND stage IS NOT NULL GROUP BY stage');
    this.updateStage = db.prepare('UPDATE batch_items SET stage = @stage, stage_data = @data WHERE run_id = @runId AND appid = @appid');
    this.updateWaiting = db.prepare(
      `UPDATE batch_items SET waiting_since = @now, summary = coalesce(@summary, summary)
       WHERE run_id = @runId AND appid = @appid AND state = 'applying'`,
    );
    this.selectWaiting = db.prepare(`SELECT * FROM batch_items WHERE run_id = ? AND state = 'applying' AND waiting_since IS NOT NULL ORDER BY seq`);
    this.countWaiting = db.prepare(`SELECT count(*) AS n FROM batch_items WHERE run_id = ? AND state = 'applying' AND waiting_since IS NOT NULL`);
    this.cancelWaitingApplying = db.prepare(
      `UPDATE batch_items SET state = 'cancelled', waiting_since = NULL, finished_at = ? WHERE run_id = ? AND state = 'applying' AND waiting_since IS NOT NULL`,
    );
    this.skipPendingStmt = db.prepare(
      `UPDATE batch_items SET state = 'skipped', reason = @reason, finished_at = @now WHERE run_id = @runId AND appid = @appid AND state = 'pending'`,
    );
    this.createRunTx = db.transaction((input: NewBatchRun, paramsJson: string, targets: string[]) => {
      const id = Number(
        this.insertRun.run(
          input.componentAppid,
          input.kind,
          input.title,
          paramsJson,
          input.concurrency,
          input.ratePerSecond,
          this.now(),
        ).lastInsertRowid,
      );
      targets.forEach((appid, i) => this.insertItem.run(id, appid, i + 1));
      return id;
    });
  }

  createRun(input: NewBatchRun): BatchRun {
    appidArg(input.componentAppid);
    nonEmptyStringArg(input.kind, 'kind', 100);
    nonEmptyStringArg(input.title, 'title', 200);
    const paramsJson = jsonArg(input.params, 'params');
    if (paramsJson.length > 1_000_000) throw invalidArgument('params are too large (over 1,000,000 characters of JSON)');
    intArg(input.concurrency, 'concurrency', 1, 64);
    if (typeof input.ratePerSecond !== 'number' || !(input.ratePerSecond > 0) || input.ratePerSecond > 10_000) {
      throw invalidArgument(`ratePerSecond must be a number above 0 and at most 10000, got ${String(input.ratePerSecond)}`);
    }
    if (!Array.isArray(input.targets) || input.targets.length === 0) throw invalidArgument('a batch run needs at least one target appid');
    if (input.targets.length > MAX_BATCH_TARGETS) throw invalidArgument(`a batch run takes at most ${MAX_BATCH_TARGETS} accounts, got ${input.targets.length}`);
    const seen = new Set<string>();
    for (const [i, appid] of input.targets.entries()) {
      if (!isAppid(appid)) throw invalidArgument(`target ${i + 1} is not an appid: ${JSON.stringify(String(appid).slice(0, 80))}`);
      seen.add(appid);
    }
    return this.getRun(this.createRunTx(input, paramsJson, [...seen]))!;
  }

  getRun(id: number): BatchRun | null {
    const row = this.selectRun.get(intArg(id, 'run id', 1));
    return row ? this.toRun(row) : null;
  }

  listRuns(componentAppid: string, limit = 50): BatchRun[] {
    return this.selectRuns.all(appidArg(componentAppid), intArg(limit, 'limit', 1, 500)).map((r) => this.toRun(r));
  }

  counts(runId: number): Record<BatchItemState, number> {
    const counts = Object.fromEntries(BATCH_ITEM_STATES.map((s) => [s, 0])) as Record<BatchItemState, number>;
    for (const { state, n } of this.selectCounts.all(runId)) counts[state] = n;
    return counts;
  }

  setStatus(id: number, status: BatchRunStatus, pause: BatchPause | null = null): void {
    enumArg(status, BATCH_RUN_STATUSES, 'status');
    const now = this.now();
    const changed = this.updateStatus.run({
      id: intArg(id, 'run id', 1),
      status,
      pause: pause ? JSON.stringify(pause) : null,
      startedAt: status === 'running' ? now : null,
      finishedAt: status === 'done' || status === 'cancelled' ? now : null,
    }).changes;
    if (changed === 0) throw new StoreError('not_found', `no batch run ${id}`);
  }

  unplanned(runId: number, limit: number): string[] {
    return this.selectUnplanned.all(runId, intArg(limit, 'limit', 1, 10_000)).map((r) => r.appid);
  }

  setPlanned(runId: number, appid: string, outcome: PlanRecord): void {
    const failed = !outcome.apply && 'failed' in outcome;
    this.updatePlanned.run({
      runId,
      appid: appidArg(appid, 'appid'),
      state: outcome.apply ? 'pending' : failed ? 'failed' : 'skipped',
      plan: outcome.apply ? jsonArg(outcome.plan ?? null, 'plan') : null,
      summary: outcome.apply ? words(outcome.summary, 'summary') : null,
      reason: outcome.apply ? null : words(outcome.reason, 'reason'),
      errcode: failed ? optionalInt(outcome.errcode, 'errcode') : null,
      errmsg: failed ? optionalString(outcome.errmsg, 'errmsg', 2000) : null,
      finishedAt: outcome.apply ? null : this.now(),
    });
  }

  claim(runId: number, last: readonly string[] = []): (BatchItem & { plan: unknown }) | null {
    const row = last.length === 0 ? this.claimNext.get({ now: this.now(), runId }) : this.claimNextBut.get({ now: this.now(), runId, last: JSON.stringify(last) });
    return row ? { ...toItem(row), plan: row.plan === null ? null : JSON.parse(row.plan) } : null;
  }

  finish(
    runId: number,
    appid: string,
    outcome: { state: 'done' | 'failed' | 'pending'; summary?: BatchWords; reason?: BatchWords; errcode?: number | null; errmsg?: string | null },
  ): void {
    enumArg(outcome.state, ['done', 'failed', 'pending'] as const, 'state');
    this.updateFinished.run({
      runId,
      appid: appidArg(appid, 'appid'),
      state: outcome.state,
      summary: outcome.summary ? words(outcome.summary, 'summary') : null,
      reason: outcome.reason ? words(outcome.reason, 'reason') : null,
      errcode: optionalInt(outcome.errcode, 'errcode'),
      errmsg: optionalString(outcome.errmsg, 'errmsg', 2000),
      finishedAt: outcome.state === 'pending' ? null : this.now(),
    });
  }

  inState(runId: number, state: BatchItemState): string[] {
    return this.selectInState.all(runId, enumArg(state, BATCH_ITEM_STATES, 'state')).map((r) => r.appid);
  }

  items(runId: number, opts: { state?: BatchItemState; afterSeq?: number; offset?: number; limit?: number } = {}): BatchItem[] {
    const after = optionalInt(opts.afterSeq, 'afterSeq', 0) ?? 0;
    const limit = optionalInt(opts.limit, 'limit', 1, 10_000) ?? 500;
    const offset = optionalInt(opts.offset, 'offset', 0) ?? 0;
    const rows = opts.state
      ? this.selectItemsInState.all(runId, enumArg(opts.state, BATCH_ITEM_STATES, 'state'), after, limit, offset)
      : this.selectItems.all(runId, after, limit, offset);
    return rows.map(toItem);
  }

  item(runId: number, appid: string): (BatchItem & { plan: unknown }) | null {
    const row = this.selectItem.get(runId, appid);
    return row ? { ...toItem(row), plan: row.plan === null ? null : JSON.parse(row.plan) } : null;
  }

  retryFailed(runId: number): number {
    return this.requeueFailed.run(runId).changes;
  }

  cancelWaitingItems(runId: number): number {
    const now = this.now();
    return this.cancelWaiting.run(now, runId).changes + this.cancelWaitingApplying.run(now, runId).changes;
  }

  stages(runId: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { stage, n } of this.selectStages.all(runId)) out[stage] = n;
    return out;
  }

  setStage(runId: number, appid: string, stage: string | null, data: Record<string, unknown> | null = null): void {
    if (stage !== null) nonEmptyStringArg(stage, 'stage', 40);
    this.updateStage.run({ runId, appid: appidArg(appid, 'appid'), stage, data: data === null ? null : jsonArg(data, 'stage data') });
  }

  markWaiting(runId: number, appid: string, summary?: BatchWords): void {
    this.updateWaiting.run({ runId, appid: appidArg(appid, 'appid'), now: this.now(), summary: summary ? words(summary, 'summary') : null });
  }

  waiting(runId: number): (BatchItem & { plan: unknown })[] {
    return this.selectWaiting.all(runId).map((row) => ({ ...toItem(row), plan: row.plan === null ? null : JSON.parse(row.plan) }));
  }

  waitingCount(runId: number): number {
    return this.countWaiting.get(runId)!.n;
  }

  skipPending(runId: number, appids: string[], reason: BatchWords): number {
    const text = words(reason, 'reason');
    const now = this.now();
    return this.db.transaction(() => appids.reduce((n, appid) => n + this.skipPendingStmt.run({ runId, appid, reason: text, now }).changes, 0))();
  }

  private toRun(row: RunRow): BatchRun {
    return {
      id: row.id,
      componentAppid: row.component_appid,
      kind: row.kind,
      title: row.title,
      params: JSON.parse(row.params),
      status: row.status,
      pause: row.pause ? (JSON.parse(row.pause) as BatchPause) : null,
      concurrency: row.concurrency,
      ratePerSecond: row.rate_per_second,
      counts: this.counts(row.id),
      stages: this.stages(row.id),
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }
}

function words(w: BatchWords, what: string): string {
  if (!w || typeof w.en !== 'string' || typeof w.zh !== 'string' || !w.en || !w.zh) {
    throw invalidArgument(`${what} needs both an English and a Chinese sentence`);
  }
  return JSON.stringify({ en: w.en.slice(0, 2000), zh: w.zh.slice(0, 2000) });
}

function toItem(row: ItemRow): BatchItem {
  return {
    runId: row.run_id,
    appid: row.appid,
    seq: row.seq,
    state: row.state,
    summary: row.summary ? (JSON.parse(row.summary) as BatchWords) : null,
    reason: row.reason ? (JSON.parse(row.reason) as BatchWords) : null,
    errcode: row.errcode,
    errmsg: row.errmsg,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    stage: row.stage,
    stageData: row.stage_data ? (JSON.parse(row.stage_data) as Record<string, unknown>) : null,
    waitingSince: row.waiting_since,
  };
}
