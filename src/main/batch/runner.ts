/**
 * The batch runner: applies one job (a menu, a template set, a release) to many accounts of one platform.
 *
 * - A run is planned first: each account is read (rate-limited like everything else) and gets a plan (what will
 *   change) or a reason to skip. Nothing is written to WeChat until the operator starts the run.
 * - Running: `concurrency` workers claim accounts one at a time (an atomic UPDATE, committed before the call goes
 *   out) and call the job's apply; every WeChat API the job calls gets evenly spaced slots (`ratePerSecond`).
 * - 45009 (an API's daily quota is used up) pauses the whole run, with that API's quota as WeChat reports it; the
 *   account goes back to pending, since nothing was applied.
 * - State lives in SQLite (store.batch). After a crash or restart `resume()` picks up every unfinished run. An
 *   account left `applying` is read back with the job's `landed` check before anything is sent again, so no account
 *   gets the change twice.
 */
import type { BatchRun, BatchWords } from '../../shared/batch';
import type { AuthorizerKind } from '../../shared/domain';
import { explainErrcode } from '../../shared/errcodes';
import type { EndpointSpec } from '../../wechat/spec';
import { getApiQuota } from '../../wechat/endpoints/quota';
import { WeChatApiError, WeChatTransportError } from '../api';
import type { Store } from '../store';
import { SlotRateLimiter } from './rate-limit';

/** Calls a WeChat API with an authorizer's token (the engine's client and token manager). */
export type AccountCall = <Req, Res>(spec: EndpointSpec<Req, Res>, appid: string, req: Req) => Promise<Res>;

/** What a job's calls go through (the run's rate limit, then the account's token), and where it keeps records. */
export interface BatchContext {
  call<Req, Res>(spec: EndpointSpec<Req, Res>, appid: string, req: Req): Promise<Res>;
  runId: number;
  componentAppid: string;
  store: Store;
}

export type PlanOutcome<Plan> =
  | { apply: true; plan: Plan; summary: BatchWords }
  | { apply: false; reason: BatchWords };

export interface BatchJob<Params = unknown, Plan = unknown> {
  /** e.g. "oa.menu.apply". */
  kind: string;
  /** The account kinds it applies to; the others are skipped with the reason. */
  accountKinds: readonly AuthorizerKind[];
  /** Checks the parameters before a run is made; throws BatchInputError naming what is wrong. */
  parseParams(params: unknown): Params;
  /** Reads the account and decides: apply (and what will change) or skip (and why). Reads only. */
  plan(ctx: BatchContext, appid: string, params: Params): Promise<PlanOutcome<Plan>>;
  /** Makes the change. May return a summary of what was done. */
  apply(ctx: BatchContext, appid: string, params: Params, plan: Plan): Promise<{ summary?: BatchWords } | void>;
  /** After an interruption while applying: is the change in place already? Then it is not sent again. */
  landed(ctx: BatchContext, appid: string, params: Params, plan: Plan): Promise<boolean>;
}

/** A refused request about a run, in both languages: bad parameters or targets, an unknown run, or the wrong state. */
export class BatchInputError extends Error {
  override readonly name = 'BatchInputError';
  constructor(
    readonly words: BatchWords,
    readonly details?: unknown,
    readonly code: 'invalid_arguments' | 'not_found' | 'conflict' = 'invalid_arguments',
  ) {
    super(words.en);
  }
}

export interface NewRunInput {
  kind: string;
  title: string;
  params: unknown;
  targets: string[];
  /** Accounts at once (default 4). */
  concurrency?: number;
  /** Calls per second to each API (default 10). */
  ratePerSecond?: number;
  /** Start applying as soon as the plan is made (default: wait for start()). */
  autoStart?: boolean;
}

export interface BatchRunnerOptions {
  store: Store;
  componentAppid: string;
  jobs: BatchJob<any, any>[];
  call: AccountCall;
  now?: () => number;
  /** After each change of a run (an account finished, a status change). */
  onChange?: (run: BatchRun) => void;
}

interface ActiveLoop {
  stopping: boolean;
  autoStart: boolean;
  /** Asked to drive again while driving (a start right after a pause): it goes round once more before ending. */
  again: boolean;
  done: Promise<void>;
}

const NOTIFY_MS = 250;

const OPERATOR_PAUSE: BatchWords = { en: 'Paused by the operator.', zh: '已由操作员暂停。' };

export class BatchRunner {
  private readonly jobs = new Map<string, BatchJob<any, any>>();
  private readonly loops = new Map<number, ActiveLoop>();
  private readonly notifyTimers = new Map<number, NodeJS.Timeout>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: BatchRunnerOptions) {
    for (const job of options.jobs) this.jobs.set(job.kind, job);
    this.now = options.now ?? Date.now;
  }

  /** Makes a run (planning starts at once). Throws BatchInputError for an unknown kind or bad parameters. */
  create(input: NewRunInput): BatchRun {
    const job = this.job(input.kind);
    const params = job.parseParams(input.params);
    const run = this.store.batch.createRun({
      componentAppid: this.options.componentAppid,
      kind: input.kind,
      title: input.title,
      params,
      concurrency: input.concurrency ?? 4,
      ratePerSecond: input.ratePerSecond ?? 10,
      targets: input.targets,
    });
    this.launch(run.id, input.autoStart ?? false);
    return this.get(run.id);
  }

  get(runId: number): BatchRun {
    const run = this.store.batch.getRun(runId);
    if (!run || run.componentAppid !== this.options.componentAppid) throw new BatchInputError({ en: `There is no batch run ${runId}.`, zh: `没有编号为 ${runId} 的批量任务。` }, undefined, 'not_found');
    return run;
  }

  /** Starts (or resumes) applying a planned or paused run. */
  start(runId: number): BatchRun {
    const run = this.get(runId);
    if (run.status === 'running' || run.status === 'planning') return run;
    if (run.status !== 'planned' && run.status !== 'paused') {
      throw new BatchInputError({ en: `Run ${runId} is ${run.status}; only a planned or paused run can start.`, zh: `任务 ${runId} 已${STATUS_ZH[run.status]}，只有已计划或已暂停的任务可以开始。` }, undefined, 'conflict');
    }
    // Accounts whose plan was interrupted by a pause are planned first.
    this.store.batch.setStatus(runId, run.counts.unplanned > 0 ? 'planning' : 'running');
    this.launch(runId, true);
    return this.changed(runId);
  }

  /** Stops taking new accounts; those in flight finish. */
  pause(runId: number, reason: BatchWords = OPERATOR_PAUSE): BatchRun {
    const run = this.get(runId);
    if (run.status !== 'running' && run.status !== 'planning') return run;
    this.store.batch.setStatus(runId, 'paused', { at: this.now(), reason, errcode: null, cgiPath: null, appid: null, quota: null });
    return this.changed(runId);
  }

  /** Accounts not yet started are cancelled; those in flight finish. */
  cancel(runId: number): BatchRun {
    const run = this.get(runId);
    if (run.status === 'done' || run.status === 'cancelled') return run;
    this.store.transaction(() => {
      this.store.batch.cancelWaitingItems(runId);
      this.store.batch.setStatus(runId, 'cancelled');
    });
    return this.changed(runId);
  }

  /** Failed accounts go back to pending and the run runs again. */
  retryFailed(runId: number): BatchRun {
    const run = this.get(runId);
    if (run.status === 'cancelled') throw new BatchInputError({ en: `Run ${runId} was cancelled.`, zh: `任务 ${runId} 已取消。` }, undefined, 'conflict');
    if (run.counts.failed === 0) return run;
    this.store.transaction(() => {
      this.store.batch.retryFailed(runId);
      if (run.status === 'done' || run.status === 'planned') this.store.batch.setStatus(runId, 'paused', null);
    });
    return this.start(runId);
  }

  /** After a start: every unfinished run of this platform carries on (accounts left mid-apply are read back first). */
  resume(): void {
    for (const run of this.store.batch.listRuns(this.options.componentAppid, 500)) {
      if (run.status === 'planning' || run.status === 'running') this.launch(run.id, run.status === 'running');
    }
  }

  /** Resolves when the run's loop has ended (planned, paused, done, cancelled, or stopped). */
  async idle(runId: number): Promise<void> {
    await this.loops.get(runId)?.done;
  }

  /** Shutting down: loops stop taking accounts, statuses stay as they are, so resume() continues them later. */
  async stop(): Promise<void> {
    this.closed = true;
    for (const loop of this.loops.values()) loop.stopping = true;
    await Promise.all([...this.loops.values()].map((l) => l.done));
    for (const timer of this.notifyTimers.values()) clearTimeout(timer);
    this.notifyTimers.clear();
  }

  private get store(): Store {
    return this.options.store;
  }

  private job(kind: string): BatchJob<any, any> {
    const job = this.jobs.get(kind);
    if (!job) throw new BatchInputError({ en: `Unknown batch job "${kind}".`, zh: `未知的批量任务类型“${kind}”。` });
    return job;
  }

  /** The run as stored now, with onChange told at once (see notify). */
  private changed(runId: number): BatchRun {
    this.notify(runId, true);
    return this.get(runId);
  }

  /**
   * Tells onChange about a run: a change of status at once, progress at most every NOTIFY_MS with the state at that
   * moment (reading a run counts its accounts, which per finished account would cost O(accounts²) over a large run).
   */
  private notify(runId: number, statusChanged = false): void {
    if (!this.options.onChange) return;
    const pending = this.notifyTimers.get(runId);
    if (statusChanged) {
      if (pending) clearTimeout(pending);
      this.notifyTimers.delete(runId);
      const run = this.store.batch.getRun(runId);
      if (run) this.options.onChange(run);
      return;
    }
    if (pending) return;
    const timer = setTimeout(() => {
      this.notifyTimers.delete(runId);
      const run = this.store.batch.getRun(runId);
      if (run) this.options.onChange?.(run);
    }, NOTIFY_MS);
    timer.unref();
    this.notifyTimers.set(runId, timer);
  }

  private launch(runId: number, autoStart: boolean): void {
    if (this.closed) return;
    const existing = this.loops.get(runId);
    if (existing && !existing.stopping) {
      existing.autoStart ||= autoStart;
      existing.again = true;
      return;
    }
    const loop: ActiveLoop = { stopping: false, autoStart, again: false, done: Promise.resolve() };
    loop.done = (async () => {
      await existing?.done;
      try {
        do {
          loop.again = false;
          await this.drive(runId, loop);
        } while (loop.again && !loop.stopping);
      } catch (err) {
        // A fault of ours or of the database, not of an account: hold the run with the reason; start() tries again.
        const message = err instanceof Error ? err.message : String(err);
        try {
          this.pause(runId, { en: `The run stopped on an internal error: ${message}. Start it again to continue.`, zh: `任务因内部错误停止：${message}。重新开始即可继续。` });
        } catch {
          // The store itself is gone (closing); resume() picks the run up next time.
        }
      } finally {
        if (this.loops.get(runId) === loop) this.loops.delete(runId);
      }
    })();
    this.loops.set(runId, loop);
  }

  private async drive(runId: number, loop: ActiveLoop): Promise<void> {
    const run = this.get(runId);
    const job = this.job(run.kind);
    const params = job.parseParams(run.params);
    const limiter = new SlotRateLimiter(run.ratePerSecond);
    const ctx: BatchContext = {
      call: async (spec, appid, req) => {
        await limiter.take(spec.path);
        return this.options.call(spec, appid, req);
      },
      runId,
      componentAppid: this.options.componentAppid,
      store: this.store,
    };
    const status = () => this.store.batch.getRun(runId)?.status;

    if (status() === 'planning') {
      await this.plan(runId, job, params, ctx, loop, run.concurrency);
      if (loop.stopping || status() !== 'planning') return this.changedQuietly(runId);
      const planned = this.store.batch.counts(runId);
      const next = planned.pending + planned.applying === 0 ? 'done' : loop.autoStart ? 'running' : 'planned';
      this.store.batch.setStatus(runId, next, null);
      this.notify(runId, true);
    }
    if (status() !== 'running') return;

    await this.recoverInterrupted(runId, job, params, ctx);
    await Promise.all(Array.from({ length: run.concurrency }, () => this.applyWorker(runId, job, params, ctx, loop)));
    if (loop.stopping || status() !== 'running') return this.changedQuietly(runId);
    const counts = this.store.batch.counts(runId);
    if (counts.pending + counts.applying === 0) {
      this.store.batch.setStatus(runId, 'done');
      this.notify(runId, true);
    }
  }

  private changedQuietly(runId: number): void {
    if (!this.closed) this.notify(runId, true);
  }

  private async plan(runId: number, job: BatchJob, params: unknown, ctx: BatchContext, loop: ActiveLoop, concurrency: number): Promise<void> {
    const queue: string[] = [];
    const take = (): string | undefined => {
      if (queue.length === 0) queue.push(...this.store.batch.unplanned(runId, 500).filter((a) => !inFlight.has(a)));
      return queue.shift();
    };
    const inFlight = new Set<string>();
    const worker = async () => {
      for (;;) {
        if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'planning') return;
        const appid = take();
        if (!appid) return;
        inFlight.add(appid);
        try {
          const notFit = this.unfit(job, appid);
          const outcome = notFit ? { apply: false as const, reason: notFit } : await job.plan(ctx, appid, params);
          this.store.batch.setPlanned(runId, appid, outcome);
        } catch (err) {
          if (this.pausedForQuota(runId, appid, err)) return;
          this.store.batch.setPlanned(runId, appid, { apply: false, failed: true, reason: couldNot('read', err), ...errFields(err) });
        } finally {
          inFlight.delete(appid);
        }
        this.notify(runId);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Why an account is not one this job can change (not authorized here, authorization cancelled, wrong kind), or null. */
  private unfit(job: BatchJob, appid: string): BatchWords | null {
    const account = this.store.authorizers.get(this.options.componentAppid, appid);
    if (!account) return { en: 'Not an authorizer of this platform (run a sync if it authorized recently).', zh: '不是本平台的授权账号（如刚授权，请先同步）。' };
    if (account.status === 'revoked') return { en: 'The account cancelled its authorization.', zh: '该账号已取消授权。' };
    if (!job.accountKinds.includes(account.kind)) {
      return account.kind === 'MP'
        ? { en: 'A mini program; this change is for official accounts.', zh: '这是小程序；此操作只适用于公众号。' }
        : { en: 'An official account; this change is for mini programs.', zh: '这是公众号；此操作只适用于小程序。' };
    }
    return null;
  }

  /** Accounts left `applying` by a crash: read back; in place → done, not in place → pending (applied again). */
  private async recoverInterrupted(runId: number, job: BatchJob, params: unknown, ctx: BatchContext): Promise<void> {
    for (const appid of this.store.batch.inState(runId, 'applying')) {
      const item = this.store.batch.item(runId, appid)!;
      try {
        const landed = await job.landed(ctx, appid, params, item.plan);
        this.store.batch.finish(runId, appid, landed
          ? { state: 'done', summary: { en: 'Applied before the interruption (confirmed by reading it back).', zh: '中断前已生效（已回读确认）。' } }
          : { state: 'pending' });
      } catch (err) {
        this.store.batch.finish(runId, appid, { state: 'failed', reason: couldNot('check after the interruption', err), ...errFields(err) });
      }
    }
  }

  private async applyWorker(runId: number, job: BatchJob, params: unknown, ctx: BatchContext, loop: ActiveLoop): Promise<void> {
    for (;;) {
      if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'running') return;
      const item = this.store.batch.claim(runId);
      if (!item) return;
      try {
        const result = await job.apply(ctx, item.appid, params, item.plan);
        this.store.batch.finish(runId, item.appid, { state: 'done', ...(result?.summary ? { summary: result.summary } : {}) });
      } catch (err) {
        if (this.pausedForQuota(runId, item.appid, err)) {
          this.store.batch.finish(runId, item.appid, { state: 'pending' });
          this.notify(runId);
          return;
        }
        this.store.batch.finish(runId, item.appid, { state: 'failed', reason: couldNot('apply', err), ...errFields(err) });
      }
      this.notify(runId);
    }
  }

  /** 45009: the whole run pauses (every account would hit the same wall), with the API's quota when it can be read. */
  private pausedForQuota(runId: number, appid: string, err: unknown): boolean {
    if (!(err instanceof WeChatApiError) || err.errcode !== 45009) return false;
    const pause = {
      at: this.now(),
      reason: {
        en: `WeChat's daily quota for ${err.path} is used up (45009). Clear the quota (10 times a month) or resume tomorrow.`,
        zh: `${err.path} 的每日调用次数已用完（45009）。可以清零配额（每月 10 次），或明天继续。`,
      },
      errcode: 45009,
      cgiPath: err.path,
      appid,
      quota: null,
    };
    const status = this.store.batch.getRun(runId)?.status;
    if (status !== 'running' && status !== 'planning') return true;
    this.store.batch.setStatus(runId, 'paused', pause);
    this.notify(runId, true);
    // The quota is read after the pause is stored: a failure to read it changes nothing.
    void this.options
      .call(getApiQuota, appid, { cgi_path: err.path })
      .then((res) => {
        const run = this.store.batch.getRun(runId);
        if (run?.status !== 'paused' || run.pause?.at !== pause.at) return;
        const q = res.quota;
        this.store.batch.setStatus(runId, 'paused', { ...pause, quota: { dailyLimit: q.daily_limit, used: q.used, remain: q.remain } });
        this.notify(runId, true);
      })
      .catch(() => undefined);
    return true;
  }
}

const STATUS_ZH: Record<BatchRun['status'], string> = {
  planning: '在计划中',
  planned: '计划好',
  running: '在运行',
  paused: '暂停',
  cancelled: '取消',
  done: '完成',
};

function errFields(err: unknown): { errcode: number | null; errmsg: string | null } {
  if (err instanceof WeChatApiError) return { errcode: err.errcode, errmsg: err.errmsg };
  return { errcode: null, errmsg: err instanceof Error ? err.message : String(err) };
}

/** Why an account could not be read or changed: the errcode and its meaning, or the transport failure. */
function couldNot(what: 'read' | 'apply' | 'check after the interruption', err: unknown): BatchWords {
  const zhWhat = what === 'read' ? '读取' : what === 'apply' ? '应用' : '中断后检查';
  if (err instanceof WeChatApiError) {
    const e = explainErrcode(err.errcode);
    return { en: `Could not ${what}: ${err.errcode} ${e.en}`, zh: `${zhWhat}失败：${err.errcode} ${e.zh}` };
  }
  if (err instanceof WeChatTransportError) {
    return { en: `Could not ${what}: WeChat did not answer (${err.message}). Retry the failed accounts.`, zh: `${zhWhat}失败：微信没有应答（${err.message}），可重试失败的账号。` };
  }
  if (err instanceof BatchInputError) return { en: `Could not ${what}: ${err.words.en}`, zh: `${zhWhat}失败：${err.words.zh}` };
  const message = err instanceof Error ? err.message : String(err);
  return { en: `Could not ${what}: ${message}`, zh: `${zhWhat}失败：${message}` };
}
