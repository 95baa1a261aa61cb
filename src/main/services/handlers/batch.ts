/** batch/*: runs that apply one change to many accounts (the runner lives in the platform's runtime). */
import type { batchMethods } from '../../../shared/contract/batch';
import type { AuthorizerFilter } from '../../../shared/domain';
import { FOLLOW_UP_STAGES } from '../../../shared/mp/release';
import { BatchInputError, type BatchRunner } from '../../batch/runner';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import { buildBatchReport, type ReportRow } from '../batch-report';
import type { RuntimeHost } from '../host';
import { listTemplates } from '../../mp/code';

const PAGE = 1000;

export function batchHandlers(host: RuntimeHost) {
  /** The runner's refusals (bad parameters, unknown run, wrong state) become invalid_arguments / not_found / conflict. */
  async function withRunner<T>(fn: (runner: BatchRunner, componentAppid: string) => T | Promise<T>): Promise<T> {
    const runtime = host.requireRuntime();
    try {
      return await fn(runtime.batch, runtime.componentAppid);
    } catch (err) {
      if (!(err instanceof BatchInputError)) throw err;
      throw new ServiceError(err.code, err.words, err.details);
    }
  }

  /** Every appid the filters match, in the table's order. */
  function appidsMatching(componentAppid: string, filter: Omit<AuthorizerFilter, 'componentAppid'>): string[] {
    const out: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = host.store.authorizers.list({ ...filter, componentAppid, offset, limit: PAGE });
      for (const a of page.rows) out.push(a.appid);
      if (page.rows.length < PAGE) return out;
    }
  }

  return {
    'batch/create': ({ target, kind, title, params, concurrency, ratePerSecond, autoStart }) =>
      withRunner((runner, componentAppid) => {
        const { by: _by, ...filter } = target.by === 'filter' ? target : { by: 'filter' as const };
        const targets = target.by === 'appids' ? target.appids : appidsMatching(componentAppid, filter);
        if (targets.length === 0) {
          throw new BatchInputError({ en: 'No account matches the filters; change them and try again.', zh: '没有账号符合筛选条件，请调整后重试。' });
        }
        return runner.create({
          kind,
          title,
          params,
          targets,
          ...(concurrency !== undefined ? { concurrency } : {}),
          ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
          ...(autoStart !== undefined ? { autoStart } : {}),
        });
      }),
    'batch/list': ({ limit }) => withRunner((_r, componentAppid) => host.store.batch.listRuns(componentAppid, limit ?? 50)),
    'batch/get': ({ id }) => withRunner((runner) => runner.get(id)),
    'batch/items': ({ id, state, afterSeq, offset, limit }) =>
      withRunner((runner, componentAppid) => {
        runner.get(id);
        const size = limit ?? 200;
        const rows = host.store.batch.items(id, { ...(state ? { state } : {}), afterSeq: afterSeq ?? 0, offset: offset ?? 0, limit: size });
        // The accounts' names beside their appids (one statement for the page), as the events and the API log show them.
        const names = host.store.authorizers.nickNames(componentAppid, rows.map((r) => r.appid));
        return { rows: rows.map((r) => ({ ...r, nickName: names.get(r.appid) ?? null })), nextAfterSeq: rows.length === size ? rows.at(-1)!.seq : null };
      }),
    'batch/start': ({ id }) => withRunner((runner) => runner.start(id)),
    'batch/pause': ({ id }) => withRunner((runner) => runner.pause(id)),
    'batch/cancel': ({ id }) => withRunner((runner) => runner.cancel(id)),
    'batch/retryFailed': ({ id }) => withRunner((runner) => runner.retryFailed(id)),
    'batch/export': ({ id, format, headerStyle, timeZone }) =>
      withRunner((runner, componentAppid) => {
        const run = runner.get(id);
        const store = host.store;
        // Every account of the run, a page at a time, with the name and kind the store has for it.
        const rows = (function* (): Generator<ReportRow> {
          for (let after = 0; ; ) {
            const page = store.batch.items(id, { afterSeq: after, limit: PAGE });
            for (const item of page) {
              const a = store.authorizers.get(componentAppid, item.appid);
              yield { ...item, nickName: a?.nickName ?? null, kind: a?.kind ?? null };
            }
            if (page.length < PAGE) return;
            after = page.at(-1)!.seq;
          }
        })();
        return buildBatchReport(run, rows, { format, ...(headerStyle ? { headerStyle } : {}), ...(timeZone ? { timeZone } : {}), now: new Date() });
      }),
    'batch/releaseFollowUp': ({ id, action, title }) =>
      withRunner((runner) => {
        const run = runner.get(id);
        if (run.kind !== 'mp.release') throw new BatchInputError({ en: `Run ${id} is not a release.`, zh: `任务 ${id} 不是批量发布。` }, undefined, 'conflict');
        const wanted: readonly string[] = FOLLOW_UP_STAGES[action];
        const targets: string[] = [];
        for (let after = 0; ; ) {
          const page = host.store.batch.items(id, { afterSeq: after, limit: PAGE });
          for (const item of page) if (item.stage && wanted.includes(item.stage)) targets.push(item.appid);
          if (page.length < PAGE) break;
          after = page.at(-1)!.seq;
        }
        if (targets.length === 0) {
          const none = {
            release: { en: `Run ${id} has no account approved and held for release.`, zh: `任务 ${id} 没有审核通过、等待确认发布的账号。` },
            full: { en: `Run ${id} has no account in gray release.`, zh: `任务 ${id} 没有灰度发布中的账号。` },
            rollback: { en: `Run ${id} has no released account to roll back.`, zh: `任务 ${id} 没有已发布、可回退的账号。` },
          }[action];
          throw new BatchInputError(none, undefined, 'conflict');
        }
        return runner.create({
          kind: 'mp.release',
          title,
          params: { ...(run.params as object), followUp: { action, fromRun: id } },
          targets,
          concurrency: run.concurrency,
          ratePerSecond: run.ratePerSecond,
          autoStart: true,
        });
      }),
    'batch/codeTemplates': async () => {
      const runtime = host.requireRuntime();
      const list = await listTemplates((spec, appid, req) => runtime.invokeAs(spec, appid, req));
      return list
        .map((t) => ({ templateId: t.template_id, userVersion: t.user_version, userDesc: t.user_desc, createTime: t.create_time, templateType: t.template_type ?? null }))
        .sort((a, b) => b.createTime - a.createTime);
    },
  } satisfies HandlersOf<typeof batchMethods>;
}
