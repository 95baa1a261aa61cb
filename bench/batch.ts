/**
 * (B) A menu applied to 1,000 official accounts through the batch runner against the simulator over HTTP, with the
 *     runner's rate limit at 20 calls/s per API: the plan (menu/get, then get_current_selfmenu_info for accounts
 *     without an API menu) and the run (menu/create), each beside the floor the rate limit sets ((N - 1) / 20 s),
 *     and the heap sampled through the run (it should stay flat: the runner holds only the accounts in flight).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformEngine } from '../src/main/engine';
import { NodeSecretStore, openStore } from '../src/main/store';
import { startSimulator } from '../src/sim';
import type { BenchSection } from './types';
import { fmt } from './measure';

const APPID = 'wx0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef012';
const TOKEN = 'benchToken';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const ACCOUNTS = 1000;
const RATE = 20;
const CONCURRENCY = 8;

export async function run(): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-batch-'));
  const sim = await startSimulator({
    componentAppid: APPID,
    componentSecret: SECRET,
    token: TOKEN,
    encodingAesKey: AES_KEY,
    ticketIntervalSeconds: 0,
    accounts: ACCOUNTS * 2, // half of them official accounts
    candidates: 0,
  });
  const store = openStore({ path: join(dir, 'batch.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'k')) });
  try {
    store.platforms.upsert({ componentAppid: APPID, name: 'bench', appSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY });
    store.tickets.add(APPID, sim.latestTicket() ?? (await sim.pushTicket(), sim.latestTicket())!, Math.floor(Date.now() / 1000));
    const engine = new PlatformEngine({ store, componentAppid: APPID, apiBaseUrl: sim.url, emit: () => undefined });
    await engine.syncAuthorizers(() => undefined);
    const targets = Array.from({ length: ACCOUNTS }, (_, i) => sim.seededAccount(i * 2).appid);
    // Tokens first, so the timing is of the runner and not of 1,000 first token fetches.
    await Promise.all(targets.map((a) => engine.tokens.getAuthorizerToken(a)));

    const heap: number[] = [];
    const sample = () => {
      globalThis.gc?.();
      heap.push(process.memoryUsage().heapUsed);
    };
    sample();
    const sampler = setInterval(sample, 5_000);
    const menu = { button: [{ type: 'click', name: '今日推荐', key: 'TODAY' }, { type: 'view', name: '官网', url: 'https://example.com/' }] };
    const t0 = performance.now();
    const created = engine.batch.create({ kind: 'oa.menu.apply', title: 'bench', params: { menu }, targets, concurrency: CONCURRENCY, ratePerSecond: RATE });
    await engine.batch.idle(created.id);
    const planMs = performance.now() - t0;
    const t1 = performance.now();
    engine.batch.start(created.id);
    await engine.batch.idle(created.id);
    const applyMs = performance.now() - t1;
    clearInterval(sampler);
    sample();
    const finished = store.batch.getRun(created.id)!;
    await engine.stop();

    const floorMs = ((ACCOUNTS - 1) / RATE) * 1000;
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const applyRatio = applyMs / floorMs;
    return [
      {
        title: `(B) a menu applied to ${ACCOUNTS.toLocaleString('en')} official accounts, ${RATE} calls/s per API, ${CONCURRENCY} at a time`,
        columns: ['phase', 'calls on the limited API', 'wall', 'floor set by the rate limit', 'ratio'],
        rows: [
          ['plan (menu/get + get_current_selfmenu_info)', ACCOUNTS, fmt.ms(planMs), fmt.ms(floorMs), `${(planMs / floorMs).toFixed(2)}×`],
          ['run (menu/create)', finished.counts.done, fmt.ms(applyMs), fmt.ms(floorMs), `${applyRatio.toFixed(2)}×`],
        ],
        notes: [
          `accounts done ${finished.counts.done}, failed ${finished.counts.failed}, skipped ${finished.counts.skipped}`,
          `heap after GC, sampled every 5 s: start ${mb(heap[0]!)}, peak ${mb(Math.max(...heap))}, end ${mb(heap.at(-1)!)} (${heap.length} samples)`,
          `aim: the run within 1.2× of its floor: ${applyRatio <= 1.2 ? 'met' : 'NOT met'}`,
        ],
      },
    ];
  } finally {
    store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
