/**
 * Batch runs in a browser against `wxopen console` as a real process (node dist/cli.mjs console --data-dir D
 * --api-base-url <simulator>), with the simulator and the relay in this process:
 * - a menu applied to 50 official accounts, 3 of them refused by WeChat (fault injection): 47 done and 3 failed rows
 *   with the errcode and its meaning; the fault cleared, the failed retried: 50 done rows, each account published once;
 * - a slow run (WeChat answers menu/create late) whose console is killed with SIGKILL mid-run and started again on the
 *   same data folder: the run resumes to done, and the simulator's call log shows no account published twice.
 * In zh-CN. Skipped without Chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BatchRun } from '../../src/shared/contract';
import { NodeSecretStore, openStore } from '../../src/main/store';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startSimulator, type Simulator } from '../../src/sim';
import { ensureRendererBuilt, haveChromium, launchChromium } from '../helpers/browser';
import { startConsoleProcess, stopConsoleProcess, type ConsoleProcess } from '../helpers/console-process';
import { freePort } from '../relay/helpers';

const C = 'wx5555666677778888';
const SECRET = 'ui-batch-secret-0123456789abcdef01';
const TOKEN = 'uiBatchToken';
const AES_KEY = 'UiBaTcHkEy0123456789abcdefghijklmnopqrstuvw';
const DESK_KEY = 'desk-key-for-the-ui-batch-test-0123456789';
const UI_TIMEOUT = 20_000;
const CREATE = '/cgi-bin/menu/create';


describe.skipIf(!haveChromium)('batch runs in a browser, console as its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-batch-ui-'));
  const dataDir = join(dir, 'data');
  let relay: RunningRelay;
  let sim: Simulator;
  let browser: Browser;
  let page: Page;
  let console_: ConsoleProcess | null = null;
  let oa: string[] = [];
  const pageErrors: string[] = [];

  const startConsole = () => startConsoleProcess(dataDir, sim.url);

  async function killConsole(signal: NodeJS.Signals): Promise<void> {
    const child = console_?.child;
    console_ = null;
    await stopConsoleProcess(child, signal);
  }

  /** Successful menu/create calls per account, from the simulator's call log. */
  function publishedPerAccount(): Map<string, number> {
    const per = new Map<string, number>();
    for (const call of sim.getCalls(CREATE)) if (call.errcode === 0 && call.appid) per.set(call.appid, (per.get(call.appid) ?? 0) + 1);
    return per;
  }

  async function openRun(id: number): Promise<void> {
    await page.goto(`${console_!.url}#/batch?id=${id}`);
    await page.locator('[data-test=run-status]').waitFor();
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    const port = await freePort();
    relay = await startRelay(
      validateRelayConfig({ listen: `127.0.0.1:${port}`, publicUrl: `http://127.0.0.1:${port}`, componentAppid: C, token: TOKEN, deskKey: DESK_KEY, dataDir: join(dir, 'relay') }),
      { logger: silentLogger },
    );
    sim = await startSimulator({
      componentAppid: C,
      componentSecret: SECRET,
      token: TOKEN,
      encodingAesKey: AES_KEY,
      authEventUrl: `${relay.url}/wechat/component`,
      messageUrl: `${relay.url}/wechat/authorizer/$APPID$`,
      ticketIntervalSeconds: 0,
      accounts: 240,
    });
    for (let i = 0; i < 240; i++) if (sim.seededAccount(i).kind === 'oa') oa.push(sim.seededAccount(i).appid);
    oa = oa.slice(0, 120);
    // The data folder as Setup leaves it: one platform, its secrets encrypted with the folder's key file.
    const store = openStore({ path: join(dataDir, 'console.db'), secrets: new NodeSecretStore(join(dataDir, 'secret.key')) });
    store.platforms.upsert({ componentAppid: C, name: '批量测试平台', relayUrl: relay.url, egress: 'direct', appSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY, deskKey: DESK_KEY });
    store.close();

    console_ = await startConsole();
    // The ticket comes through the relay; until it has, the sync says there is none.
    await vi.waitFor(() => console_!.api('authorizers/sync'), { timeout: 30_000, interval: 200 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await killConsole('SIGTERM');
    await sim?.close();
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a menu to 50 accounts, 3 refused: 47 done + 3 failed with errcode and meaning; retried: 50 done, each published once', async () => {
    const targets = oa.slice(0, 50);
    const failing = [targets[7]!, targets[23]!, targets[41]!];
    sim.setFaults({ rules: [{ path: CREATE, appids: failing, errcode: 48001 }] });

    // Through the menu editor: import a menu, apply it to an imported list of appids.
    const file = join(dir, 'menu.json');
    writeFileSync(file, JSON.stringify({ button: [{ type: 'click', name: '批量', key: 'BATCH_A' }] }));
    await page.goto(`${console_!.url}#/menus?appid=${targets[0]}`);
    await page.locator('[data-test=menu-source]').waitFor();
    await page.locator('[data-test=menu-import-file]').setInputFiles(file);
    await page.locator('[data-test=node-0]', { hasText: '批量' }).waitFor();
    await page.locator('[data-test=menu-apply-many]').click();
    await page.locator('[data-test=target-list]').click();
    await page.locator('[data-test=target-appids]').fill(targets.join('\n'));
    await page.locator('[data-test=apply-plan]').click();
    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=count-pending]', { hasText: '50' }).waitFor();
    await page.locator('[data-test=run-start]').click();
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=count-done]', { hasText: '47' }).waitFor();
    await page.locator('[data-test=count-failed]', { hasText: '3' }).waitFor();

    // The failed rows, filtered: the errcode and its meaning.
    await page.locator('[data-test=filter-failed]').click();
    await expect.poll(() => page.locator('[data-test=item-row]').count()).toBe(3);
    const failedRows = page.locator('[data-test=item-row][data-state=failed]');
    expect((await failedRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-appid')))).sort()).toEqual([...failing].sort());
    for (const text of await failedRows.allInnerTexts()) {
      expect(text).toContain('48001');
      expect(text).toContain('账号没有该接口的权限');
    }

    sim.setFaults({});
    await page.locator('[data-test=run-retry]').click();
    await page.locator('[data-test=count-done]', { hasText: '50' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor();
    await page.locator('[data-test=filter-done]', { hasText: '50' }).click();
    // All 50 rows are there: the last one comes into view at the bottom of the list.
    await page.locator('[data-test=virtual-viewport]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`[data-test=item-row][data-appid=${targets[49]}][data-state=done]`).waitFor();
    expect(await page.locator('[data-test=item-row][data-state=failed]').count()).toBe(0);
    // Only the rows in view (and a few around them) are in the page, not all 50.
    expect(await page.locator('[data-test=item-row]').count()).toBeLessThan(30);

    const per = publishedPerAccount();
    expect(targets.map((a) => per.get(a) ?? 0)).toEqual(targets.map(() => 1));
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('the console killed mid-run (SIGKILL) and started again: the run resumes to done, no account published twice', async () => {
    const targets = oa.slice(50, 120);
    const menu = { button: [{ type: 'click', name: '续跑', key: 'BATCH_B' }] };
    // WeChat answers menu/create slowly, so the run takes seconds and calls are in flight when the console dies.
    sim.setFaults({ rules: [{ path: CREATE, latencyMs: 120 }] });
    const run = await console_!.api<BatchRun>('batch/create', {
      kind: 'oa.menu.apply',
      title: '续跑菜单',
      params: { menu },
      target: { by: 'appids', appids: targets },
      concurrency: 2,
      ratePerSecond: 100,
    });
    await openRun(run.id);
    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=run-start]').click();
    await page.locator('[data-test=run-status]', { hasText: '运行中' }).waitFor();
    const before = sim.getCalls(CREATE).length;
    await vi.waitFor(() => expect(sim.getCalls(CREATE).length - before).toBeGreaterThanOrEqual(12), { timeout: 30_000, interval: 20 });
    await killConsole('SIGKILL');
    const publishedAtKill = targets.filter((a) => publishedPerAccount().has(a)).length;
    expect(publishedAtKill).toBeLessThan(targets.length);

    console_ = await startConsole();
    // While the run moves, the screen reads the rows in view only: a page of a few dozen, never the whole run.
    const itemReads: { limit?: number }[] = [];
    const onRequest = (req: { url(): string; postData(): string | null }) => {
      if (req.url().includes('/api/batch/items')) itemReads.push(JSON.parse(req.postData() ?? '{}') as { limit?: number });
    };
    page.on('request', onRequest);
    await openRun(run.id);
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-test=count-done]', { hasText: String(targets.length) }).waitFor();
    page.off('request', onRequest);
    expect(itemReads.length).toBeGreaterThan(0);
    expect(itemReads.filter((r) => !r.limit || r.limit > 50)).toEqual([]);
    const per = publishedPerAccount();
    expect(targets.filter((a) => per.get(a) !== 1)).toEqual([]);
    sim.setFaults({});
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
