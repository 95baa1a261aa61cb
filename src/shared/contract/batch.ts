/**
 * Batch runs: one change applied to many accounts (see src/shared/batch.ts for the states). A run is made from a
 * target set (ticked or imported appids, or the authorizer filters), planned, then started; it survives restarts.
 */
import type { BatchItem, BatchItemState, BatchRun } from '../batch';
import { BATCH_ITEM_STATES } from '../batch';
import { AUTHORIZER_KINDS, AUTHORIZER_STATUSES } from '../domain';
import { FOLLOW_UP_ACTIONS } from '../mp/release';
import { defineEvents, defineMethods, payload, returns } from './define';
import { EXPORT_HEADER_STYLES, isTimeZone, type ExportResult } from './export';

/** The jobs a run can do. */
export const BATCH_JOB_KINDS = ['oa.menu.apply', 'oa.template.sync', 'mp.release'] as const;
export type BatchJobKind = (typeof BATCH_JOB_KINDS)[number];

/** The most accounts given by appid in one call (an imported list). */
export const MAX_BATCH_APPIDS = 100_000;

export const batchMethods = defineMethods({
  /**
   * Makes a run and starts planning it (reads only). `target`: appids (ticked rows or an imported list) or the
   * authorizer filters. The job's parameters are checked first: a broken rule is an invalid_arguments error naming it.
   */
  'batch/create': {
    args: ({ z, appid, epochMs, shortText }) =>
      z.strictObject({
        kind: z.enum(BATCH_JOB_KINDS),
        title: shortText(200).min(1, 'give the run a title'),
        params: z.unknown(),
        target: z.discriminatedUnion('by', [
          z.strictObject({ by: z.literal('appids'), appids: z.array(appid).min(1, 'pick at least one account').max(MAX_BATCH_APPIDS) }),
          z.strictObject({
            by: z.literal('filter'),
            kind: z.enum(AUTHORIZER_KINDS).optional(),
            status: z.enum(AUTHORIZER_STATUSES).optional(),
            funcId: z.number().int().positive().optional(),
            authorizedFrom: epochMs.optional(),
            authorizedTo: epochMs.optional(),
            search: shortText(200).optional(),
          }),
        ]),
        concurrency: z.number().int().min(1).max(64).optional(),
        ratePerSecond: z.number().min(0.1).max(1000).optional(),
        autoStart: z.boolean().optional(),
      }),
    result: returns<BatchRun>(),
  },
  /** Newest first. */
  'batch/list': {
    args: ({ z }) => z.strictObject({ limit: z.number().int().min(1).max(500).optional() }),
    result: returns<BatchRun[]>(),
  },
  'batch/get': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<BatchRun>() },
  /**
   * A run's accounts in order, keyset by seq (pass the last row's seq as afterSeq); or a page by position in the
   * (filtered) list with `offset`, as a virtual list asks for the rows in view.
   */
  'batch/items': {
    args: ({ z, rowId }) =>
      z.strictObject({
        id: rowId,
        state: z.enum(BATCH_ITEM_STATES).optional(),
        afterSeq: z.number().int().nonnegative().optional(),
        offset: z.number().int().nonnegative().max(MAX_BATCH_APPIDS).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      }),
    /** Each row with the account's nickname (null when the console has none). */
    result: returns<{ rows: (BatchItem & { nickName: string | null })[]; nextAfterSeq: number | null }>(),
  },
  /** Starts a planned run, or resumes a paused one. */
  'batch/start': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<BatchRun>() },
  'batch/pause': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<BatchRun>() },
  /** Accounts not started are cancelled; those in flight finish. */
  'batch/cancel': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<BatchRun>() },
  /** The failed accounts run again (planned again when their plan failed). */
  'batch/retryFailed': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<BatchRun>() },
  /**
   * The run's report: one row per account (appid, name, kind, state, errcode and its meaning, what changed, why, times)
   * as CSV or XLSX, like the authorizer export: 'zh-CN' / 'en' headers and words with local times (XLSX date cells),
   * or 'snake_case' (the default) with codes and UTC ISO times for scripts.
   */
  'batch/export': {
    args: ({ z, rowId }) =>
      z.strictObject({
        id: rowId,
        format: z.enum(['csv', 'xlsx']),
        headerStyle: z.enum(EXPORT_HEADER_STYLES).optional(),
        timeZone: z
          .string()
          .max(64)
          .refine(isTimeZone, 'unknown time zone: use an IANA name such as Asia/Shanghai / 未知时区：请使用 IANA 时区名，例如 Asia/Shanghai')
          .optional(),
      }),
    result: returns<ExportResult>(),
  },
  /**
   * A release run's follow-up, as a new run started at once: `release` the accounts it held after approval, `full`:
   * release the accounts in gray to everyone, or `rollback` the accounts it released (revertcoderelease; one in gray
   * has its gray release stopped, revertgrayrelease). Conflict when the run has no such account.
   */
  'batch/releaseFollowUp': {
    args: ({ z, rowId, shortText }) => z.strictObject({ id: rowId, action: z.enum(FOLLOW_UP_ACTIONS), title: shortText(200).min(1) }),
    result: returns<BatchRun>(),
  },
  /**
   * The platform's code template library (gettemplatelist, component token), for a batch release's template choice.
   * Newest first.
   */
  'batch/codeTemplates': {
    args: ({ z }) => z.strictObject({}),
    result: returns<{ templateId: number; userVersion: string; userDesc: string; createTime: number; templateType: number | null }[]>(),
  },
});

export const batchEvents = defineEvents({
  /** A run changed (status, counts); at most a few a second per run. */
  'batch:changed': payload<BatchRun>(),
});

export type { BatchItem, BatchItemState, BatchRun };
