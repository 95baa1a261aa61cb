/**
 * Batch runs: one change (a menu, a template set, a code release) applied to many accounts, planned first, then run
 * with a concurrency and a per-endpoint rate limit, kept in SQLite so a run survives a restart and never applies an
 * account twice. Shared by the main process (src/main/batch) and the UI.
 */

/**
 * A run's life: `planning` (reading each account to decide what will change) → `planned` (waiting for a go) →
 * `running` ⇄ `paused` (a daily quota ran out, or the operator paused) → `done`; or `cancelled` at any point.
 */
export const BATCH_RUN_STATUSES = ['planning', 'planned', 'running', 'paused', 'cancelled', 'done'] as const;
export type BatchRunStatus = (typeof BATCH_RUN_STATUSES)[number];

/**
 * An account's life in a run: `unplanned` → `pending` (will be applied) or `skipped` (nothing to do, or cannot be
 * done: the reason says which) → `applying` (the change is on its way to WeChat) → `done` or `failed`; `cancelled`
 * when the run was cancelled before its turn. After a crash, an `applying` account is read back before anything is
 * sent again.
 */
export const BATCH_ITEM_STATES = ['unplanned', 'pending', 'skipped', 'applying', 'done', 'failed', 'cancelled'] as const;
export type BatchItemState = (typeof BATCH_ITEM_STATES)[number];

/** A sentence for the operator in both languages. */
export interface BatchWords {
  en: string;
  zh: string;
}

/** Why a run is paused: the operator, or WeChat's daily quota for one API (45009), with the quota as WeChat reports it. */
export interface BatchPause {
  at: number;
  reason: BatchWords;
  errcode: number | null;
  /** The API whose quota ran out, e.g. /cgi-bin/menu/create. */
  cgiPath: string | null;
  /** The account whose call hit it. */
  appid: string | null;
  /** openapi/quota/get for that API and account, when it could be read. */
  quota: { dailyLimit: number; used: number; remain: number } | null;
}

export interface BatchRun {
  id: number;
  componentAppid: string;
  /** The job, e.g. "oa.menu.apply". */
  kind: string;
  title: string;
  /** The job's parameters as given (validated by the job). */
  params: unknown;
  status: BatchRunStatus;
  pause: BatchPause | null;
  /** Accounts worked on at the same time. */
  concurrency: number;
  /** Calls per second allowed to each WeChat API the job uses. */
  ratePerSecond: number;
  counts: Record<BatchItemState, number>;
  /**
   * Accounts per job stage, for jobs whose accounts go through stages after the change is sent (a code release:
   * committed, submitted, approved, rejected, delayed, released …); empty for the others.
   */
  stages: Record<string, number>;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface BatchItem {
  runId: number;
  appid: string;
  /** Order in the run (the order the targets were given). */
  seq: number;
  state: BatchItemState;
  /** What will change (or changed), in words: from the plan, then the outcome. */
  summary: BatchWords | null;
  /** Why it was skipped or failed. */
  reason: BatchWords | null;
  errcode: number | null;
  errmsg: string | null;
  /** Times a change was sent (or about to be) for this account. */
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The job's stage for this account (e.g. a release's "submitted"), null for one-step jobs. */
  stage: string | null;
  /** What the job keeps with the stage (e.g. the auditid, the rejection reason and screenshots). */
  stageData: Record<string, unknown> | null;
  /**
   * Set while the change is sent and the account waits on WeChat (an audit): the item stays `applying` but no call
   * is in flight; the job's advance() moves it on when a push or a poll says so.
   */
  waitingSince: number | null;
}
