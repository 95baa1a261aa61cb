/**
 * (S) The batch screen in Chromium while a menu is applied to 2,000 official accounts (the real engine calling the
 *     simulator, the console server, events over WebSocket): what the screen reads to stay live (requests and bytes
 *     of batch/*), the main thread's long tasks, and the gaps between frames, from the run's start to done.
 *     WXOPEN_BENCH_BATCH_BASELINE=<dir> also measures another build of the renderer (e.g. out/renderer of the commit
 *     before the screen paged its rows) against the same stack, one after the other.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PlatformEngine } from '../src/main/engine';
import { RuntimeHost } from '../src/main/services/host';
import { NodeSecretStore, openStore } from '../src/main/store';
import { startConsoleServer } from '../src/server/console-server';
import { startSimulator } from '../src/sim';
import type { BenchSection } from './types';

const APPID = 'wx0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef012';
const TOKEN = 'benchToken';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const ACCOUNTS = 2000;
const CHROMIUM = process.env['WXOPEN_CHROMIUM'] ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');

interface ScreenMeasure {
  requests: number;
  bytes: number;
  longTasks: number;
  longTaskMs: number;
  longestMs: number;
  frameGapP95: number;
  frameGapMax: number;
  wallMs: number;
}

export async function run(): Promise<BenchSection[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`batch screen bench needs Chromium at ${CHROMIUM}`);
  const ours = join(ROOT, 'out', 'renderer');
  if (!existsSync(join(ours, 'index.html'))) throw new Error('batch screen bench needs out/renderer: run "npx electron-vite build"');
  const baseline = process.env['WXOPEN_BENCH_BATCH_BASELINE'];
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-batch-screen-'));
  const sim = await startSimulator({ componentAppid: APPID, componentSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY, ticketIntervalSeconds: 0, accounts: ACCOUNTS * 2, candidates: 0 });
  const store = openStore({ path: join(dir, 'batch.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'k')) });
  let host: RuntimeHost | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    store.platforms.upsert({ componentAppid: APPID, name: 'bench', appSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY });
    store.tickets.add(APPID, sim.latestTicket() ?? (await sim.pushTicket(), sim.latestTicket())!, Math.floor(Date.now() / 1000));
    const engine = new PlatformEngine({ store, componentAppid: APPID, apiBaseUrl: sim.url, emit: (e, p) => host?.emit(e, p as never) });
    await engine.syncAuthorizers(() => undefined);
    host = new RuntimeHost({ store, mode: 'console', dataDir: dir, version: 'bench', secretStorage: { kind: 'node-aes-256-gcm', insecure: false }, createRuntime: async () => engine });
    await host.select(APPID);
    const targets = Array.from({ length: ACCOUNTS }, (_, i) => sim.seededAccount(i * 2).appid);
    await Promise.all(targets.map((a) => engine.tokens.getAuthorizerToken(a)));

    const rows: (string | number)[][] = [];
    const builds: [string, string][] = [['this build', ours], ...(baseline ? ([['baseline', baseline]] as [string, string][]) : [])];
    for (const [name, staticDir] of builds) {
      // Each build gets its own menu, so every account changes again.
      const m = await measure(browser, host, engine, staticDir, targets, name);
      const kb = (b: number) => `${Math.round(b / 1024).toLocaleString('en')} KB`;
      rows.push([name, (m.wallMs / 1000).toFixed(1) + ' s', m.requests, kb(m.bytes), `${m.longTasks} / ${Math.round(m.longTaskMs)} ms`, `${Math.round(m.longestMs)} ms`, `${Math.round(m.frameGapP95)} / ${Math.round(m.frameGapMax)} ms`]);
    }
    return [
      {
        title: `(S) the batch screen during a run of ${ACCOUNTS.toLocaleString('en')} accounts (plan + apply), in Chromium`,
        columns: ['renderer', 'run', 'batch/* requests', 'bytes read', 'long tasks (count / total)', 'longest task', 'frame gap p95 / max'],
        rows,
        notes: ['the screen open on the run from its start to done; long tasks are > 50 ms on the main thread (PerformanceObserver)'],
      },
    ];
  } finally {
    await browser.close();
    await host?.close().catch(() => undefined);
    store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(browser: Browser, host: RuntimeHost, engine: PlatformEngine, staticDir: string, targets: string[], key: string): Promise<ScreenMeasure> {
  const server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir, log: () => undefined });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en' });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}#/batch`);
    await page.locator('[data-test=batch]').waitFor();
    const menu = { button: [{ type: 'click', name: 'bench', key: `BENCH_${key.replace(/\W/g, '_')}` }] };
    const created = engine.batch.create({ kind: 'oa.menu.apply', title: `bench ${key}`, params: { menu }, targets, concurrency: 8, ratePerSecond: 400, autoStart: true });
    await page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), `#/batch?id=${created.id}`);
    await page.locator('[data-test=run-status]').waitFor();
    let requests = 0;
    let bytes = 0;
    page.on('response', (res) => {
      if (!res.url().includes('/api/batch/')) return;
      requests++;
      void res.body().then((b) => (bytes += b.length)).catch(() => undefined);
    });
    await page.evaluate(() => {
      // Runs in the page: its globals, typed here by hand (this file is type-checked for Node).
      const w = globalThis as unknown as { __bench: { long: number[]; gaps: number[]; stop: boolean }; requestAnimationFrame(cb: (now: number) => void): void };
      const requestAnimationFrame = (cb: (now: number) => void) => w.requestAnimationFrame(cb);
      w.__bench = { long: [], gaps: [], stop: false };
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__bench.long.push(e.duration))).observe({ type: 'longtask' as never });
      let last = performance.now();
      const frame = (now: number) => {
        w.__bench.gaps.push(now - last);
        last = now;
        if (!w.__bench.stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const t0 = performance.now();
    await engine.batch.idle(created.id);
    await page.locator('[data-test=run-status]', { hasText: 'Done' }).waitFor({ timeout: 120_000 });
    const wallMs = performance.now() - t0;
    const { long, gaps } = await page.evaluate(() => {
      const w = globalThis as unknown as { __bench: { long: number[]; gaps: number[]; stop: boolean } };
      w.__bench.stop = true;
      return w.__bench;
    });
    const sorted = [...gaps].sort((a, b) => a - b);
    return {
      requests,
      bytes,
      longTasks: long.length,
      longTaskMs: long.reduce((a, b) => a + b, 0),
      longestMs: Math.max(0, ...long),
      frameGapP95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
      frameGapMax: sorted.at(-1) ?? 0,
      wallMs,
    };
  } finally {
    await context.close();
    await server.close();
  }
}
