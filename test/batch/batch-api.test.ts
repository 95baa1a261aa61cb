/**
 * batch/* through the router (zod schemas, handlers, error envelope) against the real engine, relay and simulator:
 * a run made from the authorizer filters, its items paged, a broken menu refused as invalid_arguments with the rule
 * in both languages, an unknown run as not_found, and 'batch:changed' events as the run moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEnvelope, BatchRun } from '../../src/shared/contract';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx9999000011112222';

describe('batch/* through the router', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let router: Router;
  const changes: BatchRun[] = [];

  beforeAll(async () => {
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'batch-api-secret-0123456789abcdef', token: 'batchApiToken', aesKey: 'BaTcHaPiKeY0123456789abcdefghijklmnopqrstuv', deskKey: 'desk-key-for-the-batch-api-test-01234567' },
      sim: { accounts: 10 },
    }));
    host.subscribe((event, payload) => {
      if (event === 'batch:changed') changes.push(payload as BatchRun);
    });
    router = trustedRouter(host);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const call = <T>(method: string, args: unknown) => router.dispatch(method as never, args, {} as never) as Promise<ApiEnvelope<T>>;

  it('makes a run from the filters (official accounts only), plans it, pages its items, and runs it', async () => {
    const menu = { button: [{ type: 'click', name: '今日', key: 'today' }] };
    const created = await call<BatchRun>('batch/create', { kind: 'oa.menu.apply', title: '今日菜单', params: { menu }, target: { by: 'filter', kind: 'OA' }, ratePerSecond: 100 });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.result.counts.unplanned + created.result.counts.pending).toBe(5); // 10 accounts, half official
    await stack.engine.batch.idle(created.result.id);
    const planned = await call<BatchRun>('batch/get', { id: created.result.id });
    expect(planned.ok && planned.result.status).toBe('planned');
    const page1 = await call<{ rows: { seq: number; appid: string; nickName: string | null }[]; nextAfterSeq: number | null }>('batch/items', { id: created.result.id, limit: 3 });
    expect(page1.ok && page1.result.rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    // Each row carries the account's name, as the events and the API log show it.
    for (const r of page1.ok ? page1.result.rows : []) expect(r.nickName).toBe(stack.store.authorizers.get(APPID, r.appid)!.nickName);
    expect(page1.ok && page1.result.rows.every((r) => typeof r.nickName === 'string' && r.nickName !== '')).toBe(true);
    const page2 = await call<{ rows: { seq: number }[]; nextAfterSeq: number | null }>('batch/items', { id: created.result.id, afterSeq: 3, limit: 3 });
    expect(page2.ok && page2.result).toMatchObject({ rows: [{ seq: 4 }, { seq: 5 }], nextAfterSeq: null });
    // By position in a filtered list, as the screen's virtual list asks for the rows in view.
    const byOffset = await call<{ rows: { seq: number; state: string }[] }>('batch/items', { id: created.result.id, state: 'pending', offset: 2, limit: 2 });
    expect(byOffset.ok && byOffset.result.rows.map((r) => [r.seq, r.state])).toEqual([[3, 'pending'], [4, 'pending']]);
    const badOffset = await call('batch/items', { id: created.result.id, offset: -1 });
    expect(!badOffset.ok && badOffset.error.code).toBe('invalid_arguments');
    await call('batch/start', { id: created.result.id });
    await stack.engine.batch.idle(created.result.id);
    await until('the done event', () => changes.find((c) => c.id === created.result.id && c.status === 'done'));
    const list = await call<BatchRun[]>('batch/list', {});
    expect(list.ok && list.result[0]!.counts.done).toBe(5);
  }, 30_000);

  it('refuses a broken menu, an unknown run and bad targets with clear errors', async () => {
    const broken = await call('batch/create', { kind: 'oa.menu.apply', title: 'x', params: { menu: { button: [] } }, target: { by: 'filter' } });
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.error.code).toBe('invalid_arguments');
    expect(broken.error.message).toContain('1 to 3 top-level buttons');
    expect(broken.error.messageZh).toContain('1 到 3 个一级按钮');
    const unknown = await call('batch/get', { id: 999 });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const badTarget = await call('batch/create', { kind: 'oa.menu.apply', title: 'x', params: {}, target: { by: 'appids', appids: ['nope'] } });
    expect(!badTarget.ok && badTarget.error.code).toBe('invalid_arguments');
    expect(!badTarget.ok && badTarget.error.message).toContain('target.appids.0');
    const none = await call('batch/create', { kind: 'oa.menu.apply', title: 'x', params: { menu: { button: [{ type: 'click', name: 'a', key: 'k' }] } }, target: { by: 'filter', search: 'no such account anywhere' } });
    expect(!none.ok && none.error.message).toContain('No account matches the filters');
  });
});
