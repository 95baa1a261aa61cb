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
 * - A job whose accounts wait on WeChat after the change is sent (a code release waits for its audit) answers
 *   `{ wait: true }` from apply: the account stays `applying` with `waitingSince` set and no call in flight, and the
 *   job's `waits.advance` moves it on when a push pokes it (`poke(appid)`) or, as the fallback, every `pollMs`. At
 *   most `maxWaiting` accounts wait at once (no new account is claimed beyond that). After a restart the accounts
 *   caught mid-call go to `advance` with trigger 'recover', which reads them back by their stage; the waiting ones
 *   are polled (pushes that came while the desk was down arrive through the relay and poke them).
 */
import type { BatchItem, BatchPause, BatchRun, BatchWords } from '../../shared/batch';
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
  /** Records the account's stage (kept across restarts) and what goes with it. */
  setStage(appid: string, stage: string | null, data?: Record<string, unknown> | null): void;
}

/** What advance() decides for a waiting account: wait on, finish it, or send it back to be applied again. */
export type AdvanceOutcome =
  | { wait: true; summary?: BatchWords }
  | { state: 'pending' }
  | { state: 'done' | 'failed'; summary?: BatchWords; reason?: BatchWords; errcode?: number | null; errmsg?: string | null; pause?: BatchWords };

/** For jobs whose accounts wait on WeChat after apply (see the file's comment). */
export interface BatchWaits<Params, Plan> {
  /** How many accounts may wait at once (e.g. audits in flight). */
  maxWaiting(params: Params): number;
  /** A waiting account no push has moved is checked after this long. */
  pollMs(params: Params): number;
  advance(ctx: BatchContext, item: BatchItem & { plan: Plan }, params: Params, trigger: 'poke' | 'poll' | 'recover'): Promise<AdvanceOutcome>;
  /** Before accounts are claimed (after planning, and on each start): a reason to pause instead, or null. */
  beforeStart?(ctx: BatchContext, params: Params, pending: string[]): Promise<BatchPause | null>;
}

/** A job's reason to pause the whole run (e.g. the monthly audit quota is used up); the account goes back to pending. */
export class BatchPauseError extends Error {
  override readonly name = 'BatchPauseError';
  constructor(
    readonly words: BatchWords,
    readonly errcode: number | null = null,
    readonly quota: BatchPause['quota'] = null,
  ) {
    super(words.en);
  }
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
  /** Makes the change. May return a summary of what was done, or `wait` (only jobs with `waits`). */
  apply(ctx: BatchContext, appid: string, params: Params, plan: Plan): Promise<{ summary?: BatchWords; wait?: boolean } | void>;
  /** Jobs whose accounts wait on WeChat after apply. */
  waits?: BatchWaits<Params, Plan>;
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
  /** Accounts a push asked to look at (jobs with waits). */
  poked: Set<string>;
  /** Wakes the waiting-accounts loop (a poke) and the workers held by maxWaiting (an account stopped waiting). */
  wakeWaiter: Latch;
  wakeWorkers: Latch;
}

/** A wake-up that is not lost when it comes before the wait. */
class Latch {
  private fired = false;
  private resolvers: (() => void)[] = [];
  fire(): void {
    this.fired = true;
    for (const r of this.resolvers.splice(0)) r();
  }
  async wait(ms: number): Promise<void> {
    if (this.fired) {
      this.fired = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.resolvers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.fired = false;
  }
}

const NOTIFY_MS = 250;

const OPERATOR_PAUSE: BatchWords = { en: 'Paused by the operator.', zh: '已由操作员暂停。' };

export class BatchRunner {
  private readonly jobs = new Map<string, BatchJob<any, any>>();
  private readonly loops = new Map<number, ActiveLoop>();
  private readonly notifyTimers = new Map<number, NodeJS.Timeout>();
  /** Accounts whose apply is in flight, per run (with the waiting ones, held under maxWaiting). */
  private readonly flights = new Map<number, number>();
  /**
   * Per run, the accounts that hit their daily quota (45009): claimed after every other pending account, so a resume
   * without clearing the quota carries on with the others (quotas are per account and API) instead of hitting it again.
   */
  private readonly quotaHit = new Map<number, Set<string>>();
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
    // A pause for 45009 names the account (this runner may not be the one that paused).
    if (run.pause?.errcode === 45009 && run.pause.appid) this.deferForQuota(runId, run.pause.appid);
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

  /** A push says something about this account (an audit decided): the runs waiting on it look at it now. */
  poke(appid: string): void {
    for (const loop of this.loops.values()) {
      loop.poked.add(appid);
      loop.wakeWaiter.fire();
    }
  }

  /** Resolves when the run's loop has ended (planned, paused, done, cancelled, or stopped). */
  async idle(runId: number): Promise<void> {
    await this.loops.get(runId)?.done;
  }

  /** Shutting down: loops stop taking accounts, statuses stay as they are, so resume() continues them later. */
  async stop(): Promise<void> {
    this.closed = true;
    for (const loop of this.loops.values()) {
      loop.stopping = true;
      loop.wakeWaiter.fire();
      loop.wakeWorkers.fire();
    }
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
    const loop: ActiveLoop = { stopping: false, autoStart, again: false, done: Promise.resolve(), poked: new Set(), wakeWaiter: new Latch(), wakeWorkers: new Latch() };
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
      setStage: (appid, stage, data = null) => this.store.batch.setStage(runId, appid, stage, data),
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

    if (job.waits) {
      await this.recoverWaiting(runId, job, job.waits, params, ctx, loop);
      if (status() !== 'running') return this.changedQuietly(runId);
      const pause = await job.waits.beforeStart?.(ctx, params, this.store.batch.inState(runId, 'pending'));
      if (pause) {
        this.store.batch.setStatus(runId, 'paused', pause);
        return this.changedQuietly(runId);
      }
      // Rounds until nothing is pending: an account advance() sent back to pending after the workers ended goes again.
      do {
        const workers = { active: run.concurrency };
        await Promise.all([
          ...Array.from({ length: run.concurrency }, () => this.applyWorker(runId, job, params, ctx, loop).finally(() => workers.active--)),
          this.waitingLoop(runId, job, job.waits, params, ctx, loop, workers),
        ]);
      } while (!loop.stopping && status() === 'running' && this.store.batch.counts(runId).pending > 0);
    } else {
      await this.recoverInterrupted(runId, job, params, ctx);
      await Promise.all(Array.from({ length: run.concurrency }, () => this.applyWorker(runId, job, params, ctx, loop)));
    }
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
    const maxWaiting = job.waits ? Math.max(1, job.waits.maxWaiting(params)) : Infinity;
    for (;;) {
      if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'running') return;
      // Held while as many accounts wait as allowed; an account that stops waiting wakes us.
      if (job.waits && this.store.batch.waitingCount(runId) + this.inFlight(runId) >= maxWaiting) {
        if (this.store.batch.counts(runId).pending === 0) return;
        await loop.wakeWorkers.wait(1000);
        continue;
      }
      const item = this.store.batch.claim(runId, [...(this.quotaHit.get(runId) ?? [])]);
      if (!item) return;
      this.flights.set(runId, this.inFlight(runId) + 1);
      try {
        const result = await job.apply(ctx, item.appid, params, item.plan);
        if (result?.wait && job.waits) {
          this.store.batch.markWaiting(runId, item.appid, result.summary);
          loop.wakeWaiter.fire();
        } else {
          this.store.batch.finish(runId, item.appid, { state: 'done', ...(result?.summary ? { summary: result.summary } : {}) });
        }
      } catch (err) {
        if (err instanceof BatchPauseError) {
          this.store.batch.finish(runId, item.appid, { state: 'pending' });
          this.pauseFor(runId, item.appid, err);
          return;
        }
        if (this.pausedForQuota(runId, item.appid, err)) {
          this.store.batch.finish(runId, item.appid, { state: 'pending' });
          this.notify(runId);
          return;
        }
        this.store.batch.finish(runId, item.appid, { state: 'failed', reason: couldNot('apply', err), ...errFields(err) });
      } finally {
        this.flights.set(runId, this.inFlight(runId) - 1);
      }
      this.notify(runId);
    }
  }

  private inFlight(runId: number): number {
    return this.flights.get(runId) ?? 0;
  }

  private pauseFor(runId: number, appid: string, err: BatchPauseError): void {
    const status = this.store.batch.getRun(runId)?.status;
    if (status !== 'running' && status !== 'planning') return;
    this.store.batch.setStatus(runId, 'paused', { at: this.now(), reason: err.words, errcode: err.errcode, cgiPath: null, appid, quota: err.quota });
    this.notify(runId, true);
  }

  /** After a restart (or a pause): the accounts left applying or waiting are read back by the job, by their stage. */
  private async recoverWaiting(runId: number, job: BatchJob, waits: BatchWaits<unknown, unknown>, params: unknown, ctx: BatchContext, loop: ActiveLoop): Promise<void> {
    // Those waiting (no call was in flight) stay with the waiting loop; those caught mid-call are read back now.
    const interrupted = this.store.batch
      .inState(runId, 'applying')
      .map((appid) => this.store.batch.item(runId, appid)!)
      .filter((item) => item.waitingSince === null);
    let i = 0;
    const concurrency = this.store.batch.getRun(runId)?.concurrency ?? 4;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (i < interrupted.length) {
          if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'running') return;
          await this.advanceOne(runId, job, waits, params, ctx, interrupted[i++]!, 'recover');
        }
      }),
    );
  }

  /** One waiting account through the job's advance; the outcome stored. */
  private async advanceOne(runId: number, _job: BatchJob, waits: BatchWaits<unknown, unknown>, params: unknown, ctx: BatchContext, item: BatchItem & { plan: unknown }, trigger: 'poke' | 'poll' | 'recover'): Promise<void> {
    let outcome: AdvanceOutcome;
    try {
      outcome = await waits.advance(ctx, item, params, trigger);
    } catch (err) {
      if (err instanceof BatchPauseError) {
        this.pauseFor(runId, item.appid, err);
        return;
      }
      if (this.pausedForQuota(runId, item.appid, err)) return;
      // A read that failed (WeChat did not answer): the account keeps waiting and is looked at again next poll.
      if (err instanceof WeChatTransportError || (err instanceof WeChatApiError && err.errcode === -1)) {
        if (item.waitingSince === null) this.store.batch.markWaiting(runId, item.appid);
        return;
      }
      outcome = { state: 'failed', reason: couldNot('check after the interruption', err), ...errFields(err) };
    }
    if ('wait' in outcome) {
      this.store.batch.markWaiting(runId, item.appid, outcome.summary);
    } else if (outcome.state === 'pending') {
      this.store.batch.finish(runId, item.appid, { state: 'pending' });
    } else {
      const { pause, ...rest } = outcome;
      this.store.batch.finish(runId, item.appid, rest);
      if (pause) this.pauseFor(runId, item.appid, new BatchPauseError(pause));
    }
    this.notify(runId);
  }

  /**
   * The waiting accounts: each poked one at once, the others every pollMs (from when it began waiting or was last
   * looked at). Ends when nothing waits and the workers have ended, or the run stops.
   */
  private async waitingLoop(
    runId: number,
    job: BatchJob,
    waits: BatchWaits<unknown, unknown>,
    params: unknown,
    ctx: BatchContext,
    loop: ActiveLoop,
    workers: { active: number },
  ): Promise<void> {
    const pollMs = Math.max(50, waits.pollMs(params));
    const lastLook = new Map<string, number>();
    const concurrency = this.store.batch.getRun(runId)?.concurrency ?? 4;
    const dueAt = (w: BatchItem, now: number) => (lastLook.get(w.appid) ?? w.waitingSince ?? now) + pollMs;
    /** When the whole waiting list is read again for polls; between, a wake-up by pokes reads only the poked accounts. */
    let nextScan = 0;
    for (;;) {
      if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'running') return;
      const now = this.now();
      const poked = new Set(loop.poked);
      loop.poked.clear();
      let due: (BatchItem & { plan: unknown })[];
      if (now >= nextScan) {
        const waiting = this.store.batch.waiting(runId);
        if (waiting.length === 0 && workers.active === 0) return;
        due = waiting.filter((w) => poked.has(w.appid) || now >= dueAt(w, now));
        const taken = new Set(due);
        nextScan = Math.min(now + Math.min(pollMs, 1000), ...waiting.filter((w) => !taken.has(w)).map((w) => dueAt(w, now)));
      } else {
        due = [...poked].map((a) => this.store.batch.item(runId, a)).filter((it): it is BatchItem & { plan: unknown } => it !== null && it.state === 'applying' && it.waitingSince !== null);
      }
      // A poke for an account whose call is still in flight (not waiting yet) is kept for the next round.
      for (const appid of poked) {
        if (due.some((d) => d.appid === appid)) continue;
        const it = this.store.batch.item(runId, appid);
        if (it?.state === 'applying' && it.waitingSince === null) loop.poked.add(appid);
      }
      if (due.length === 0) {
        if (workers.active === 0 && this.store.batch.waitingCount(runId) === 0) return;
        await loop.wakeWaiter.wait(Math.max(20, Math.min(nextScan - now, 1000)));
        continue;
      }
      let i = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, due.length) }, async () => {
          while (i < due.length) {
            if (loop.stopping || this.store.batch.getRun(runId)?.status !== 'running') return;
            const item = due[i++]!;
            lastLook.set(item.appid, this.now());
            await this.advanceOne(runId, job, waits, params, ctx, item, poked.has(item.appid) ? 'poke' : 'poll');
            loop.wakeWorkers.fire();
          }
        }),
      );
    }
  }

  private deferForQuota(runId: number, appid: string): void {
    const hit = this.quotaHit.get(runId) ?? new Set<string>();
    hit.add(appid);
    this.quotaHit.set(runId, hit);
  }

  /**
   * 45009: the run pauses, with the API's quota when it can be read, so the operator decides: clear the account's
   * quota, or resume (the account is then tried after all the others).
   */
  private pausedForQuota(runId: number, appid: string, err: unknown): boolean {
    if (!(err instanceof WeChatApiError) || err.errcode !== 45009) return false;
    this.deferForQuota(runId, appid);
    const pause = {
      at: this.now(),
      reason: {
        en: `${appid} has used up its daily quota for ${err.path} (45009). Clear its quota (10 times a month), or resume: the other accounts carry on and this one is tried last.`,
        zh: `${appid} 的 ${err.path} 每日调用次数已用完（45009）。可以清零它的配额（每月 10 次），或直接继续：其余账号照常进行，这个账号放到最后再试。`,
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
