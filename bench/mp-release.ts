/**
 * (R) A code release to 1,000 mini programs through the batch runner (job mp.release) against the simulator over HTTP:
 *     commit → submit_audit → (the simulator approves each audit 1 s after submit: its audit clock compressed from
 *     days) → release, with the runner's rate limit per API. Printed beside the floors the rate limit sets: the plan
 *     ((N - 1) / rate on each read API, read in parallel) and the run ((N - 1) / rate on each write API, plus the audit
 *     time of the last account), with the heap sampled through the run. No relay here: the audits are found by
 *     polling get_auditstatus (pollSeconds 1), the fallback path for dropped pushes.
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
const RATE = 40;
const CONCURRENCY = 16;
const AUDIT_SECONDS = 1;

export async function run(): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-release-'));
  const sim = await startSimulator({
    componentAppid: APPID,
    componentSecret: SECRET,
    token: TOKEN,
    encodingAesKey: AES_KEY,
    ticketIntervalSeconds: 0,
    accounts: ACCOUNTS * 2, // the odd ones are mini programs
    candidates: 0,
  });
  sim.setAuditSettings({ auditSeconds: AUDIT_SECONDS, quotaLimit: ACCOUNTS });
  sim.setPrivacyDeclared(null, true);
  const store = openStore({ path: join(dir, 'release.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'k')) });
  try {
    store.platforms.upsert({ componentAppid: APPID, name: 'bench', appSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY });
    store.tickets.add(APPID, sim.latestTicket() ?? (await sim.pushTicket(), sim.latestTicket())!, Math.floor(Date.now() / 1000));
    const engine = new PlatformEngine({ store, componentAppid: APPID, apiBaseUrl: sim.url, emit: () => undefined });
    await engine.syncAuthorizers(() => undefined);
    const targets = Array.from({ length: ACCOUNTS }, (_, i) => sim.seededAccount(i * 2 + 1).appid);
    // Tokens first (50 at a time, so a loaded machine does not time them out), so the timing is of the release.
    for (let i = 0; i < targets.length; i += 50) await Promise.all(targets.slice(i, i + 50).map((a) => engine.tokens.getAuthorizerToken(a)));

    const heap: number[] = [];
    const rss: number[] = [];
    const sample = () => {
      globalThis.gc?.();
      heap.push(process.memoryUsage().heapUsed);
      rss.push(process.memoryUsage().rss);
    };
    sample();
    const sampler = setInterval(sample, 2_000);
    const params = {
      templateId: 3,
      userVersion: '3.0.0',
      userDesc: 'bench release',
      extJson: '{"extAppid":"${appid}","ext":{"name":"${nickname}"}}',
      policy: { autoSubmit: true, onApproval: 'release', grayPercentage: null, stopWhenRejectedPercent: 20, maxAuditsInFlight: ACCOUNTS, pollSeconds: 1, overQuota: 'refuse' },
    };
    const t0 = performance.now();
    const created = engine.batch.create({ kind: 'mp.release', title: 'bench', params, targets, concurrency: CONCURRENCY, ratePerSecond: RATE });
    await engine.batch.idle(created.id);
    const planMs = performance.now() - t0;
    const t1 = performance.now();
    engine.batch.start(created.id);
    await engine.batch.idle(created.id);
    const runMs = performance.now() - t1;
    clearInterval(sampler);
    sample();
    const finished = store.batch.getRun(created.id)!;
    const polls = sim.getCalls('/wxa/get_auditstatus').length;
    await engine.stop();

    const floorRw = ((ACCOUNTS - 1) / RATE) * 1000;
    const runFloor = floorRw + AUDIT_SECONDS * 1000;
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const total = planMs + runMs;
    return [
      {
        title: `(R) a code release to ${ACCOUNTS.toLocaleString('en')} mini programs, ${RATE} calls/s per API, ${CONCURRENCY} at a time, audits approved ${AUDIT_SECONDS} s after submit`,
        columns: ['phase', 'accounts', 'wall', 'floor set by the rate limit', 'ratio'],
        rows: [
          ['plan (get_category, getprivacysetting, getversioninfo, get_latest_auditstatus)', ACCOUNTS, fmt.ms(planMs), fmt.ms(floorRw), `${(planMs / floorRw).toFixed(2)}×`],
          ['run (commit, get_page, get_category, submit_audit, get_auditstatus, release)', finished.stages.released ?? 0, fmt.ms(runMs), fmt.ms(runFloor), `${(runMs / runFloor).toFixed(2)}×`],
          ['total', ACCOUNTS, fmt.ms(total), fmt.ms(floorRw + runFloor), `${(total / (floorRw + runFloor)).toFixed(2)}×`],
        ],
        notes: [
          `stages ${JSON.stringify(finished.stages)}; accounts done ${finished.counts.done}, failed ${finished.counts.failed}; get_auditstatus polls ${polls}`,
          `heap after GC, sampled every 2 s: start ${mb(heap[0]!)}, peak ${mb(Math.max(...heap))}, end ${mb(heap.at(-1)!)}; peak RSS ${mb(Math.max(...rss))} (${heap.length} samples)`,
          `aim: the whole release under 2 min wall: ${total < 120_000 ? 'met' : 'NOT met'}`,
        ],
      },
    ];
  } finally {
    store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
