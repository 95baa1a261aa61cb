/**
 * The authorizer table in a real browser (Debian's Chromium through playwright-core) against a real `wxopen console`
 * process on a real SQLite file (issue 9): sorting by a header click (server-side, shown in the header, kept when a
 * filter changes), and an account's "events" link (row and detail) opening the Events screen filtered by its appid.
 * Skipped when Chromium is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizerInput, EventInput } from '../../src/shared/domain';
import { NodeSecretStore, openStore } from '../../src/main/store';
import { ensureRendererBuilt, haveChromium, launchChromium } from '../helpers/browser';
import { cliBundle } from '../helpers/paths';

const PLATFORM = 'wx0123456789abcdef';
const T0 = Date.UTC(2026, 0, 1);
const UI_TIMEOUT = 20_000;
const appidOf = (i: number) => `wx${(0x5a000000 + i * 7919).toString(16).padStart(16, '0')}`;
/** Names chosen so name order differs from authorization order; #3 has no name (NULL: first ascending). */
const NAMES = ['Mango 书店', 'Apple 咖啡', 'Kiwi 花店', null, 'Banana 面馆', 'Cherry 茶饮'];

describe.skipIf(!haveChromium)('authorizer table in a browser: sort by header, link to events', () => {
  let dir: string;
  let child: ChildProcess;
  let browser: Browser;
  let page: Page;
  let stderr = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wxopen-ui-table-'));
    const store = openStore({ path: join(dir, 'console.db'), secrets: new NodeSecretStore(join(dir, 'secret.key')) });
    // A configured platform without a relay URL: the console starts its engine, which connects nowhere.
    store.platforms.upsert({ componentAppid: PLATFORM, name: '测试平台', appSecret: 'test-secret-0123456789abcdef0123', token: 'testToken', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' });
    const rows: AuthorizerInput[] = NAMES.map((nickName, i) => ({
      componentAppid: PLATFORM,
      appid: appidOf(i),
      kind: i % 2 ? 'MP' : 'OA',
      nickName,
      status: i === 4 ? 'revoked' : 'active',
      authorizedAt: T0 - i * 60_000, // #0 newest
    }));
    store.authorizers.upsertMany(rows);
    // Events for two accounts: the link must show only its own.
    const event = (seq: number, appid: string, content: string): EventInput => ({
      componentAppid: PLATFORM,
      seq,
      kind: 'authorizer',
      appid,
      receivedAt: T0 + seq * 1000,
      rawBody: '<xml><Encrypt><![CDATA[x]]></Encrypt></xml>',
      plaintext: `<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content></xml>`,
      msgType: 'text',
      dedupeKey: `m${seq}`,
    });
    for (let s = 1; s <= 3; s++) store.events.insert(event(s, appidOf(1), `apple ${s}`));
    for (let s = 4; s <= 8; s++) store.events.insert(event(s, appidOf(2), `kiwi ${s}`));
    store.close();

    child = spawn(process.execPath, [cliBundle, 'console', '--no-open', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('http'));
        if (line) resolve(line.trim());
      });
      child.once('exit', (code) => reject(new Error(`wxopen console exited with ${code}: ${stderr}`)));
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(url.replace(/#.*$/, '') + '#/authorizers');
    await page.locator('[data-test=authorizer-row]').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The appids of the rendered rows, top to bottom, once they equal `want` (the table reloads asynchronously). */
  async function expectRows(want: string[]): Promise<void> {
    await expect
      .poll(() => page.locator('[data-test=authorizer-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-appid'))), { timeout: UI_TIMEOUT })
      .toEqual(want);
  }
  const byIndex = (...is: number[]) => is.map(appidOf);

  it('sorts by a header click, both directions, shown in the header; the sort stays when a filter changes', async () => {
    // Default: newest authorization first, marked on its header.
    await expectRows(byIndex(0, 1, 2, 3, 4, 5));
    expect(await page.locator('[data-test=sort-authorizedAt]').getAttribute('aria-sort')).toBe('descending');

    const nameHeader = page.locator('[data-test=sort-nickName]');
    await nameHeader.click();
    // Ascending by name: no name (NULL) first, then Apple, Banana, Cherry, Kiwi, Mango.
    await expectRows(byIndex(3, 1, 4, 5, 2, 0));
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await nameHeader.innerText()).toContain('▲');
    expect(await page.locator('[data-test=sort-authorizedAt]').getAttribute('aria-sort')).toBe('none');

    await nameHeader.click();
    await expectRows(byIndex(0, 2, 5, 4, 1, 3));
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await nameHeader.innerText()).toContain('▼');

    // A filter change keeps the sort: status "active" leaves out #4, still by name descending.
    await page.locator('.toolbar .el-select').nth(1).click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first().click(); // 正常 (active)
    await expectRows(byIndex(0, 2, 5, 1, 3));
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');

    // The keyboard works too (Enter on the focused header): appid ascending.
    await page.locator('[data-test=sort-appid]').focus();
    await page.keyboard.press('Enter');
    await expectRows(byIndex(0, 1, 2, 3, 5)); // appids grow with the index
    expect(await page.locator('[data-test=sort-appid]').getAttribute('aria-sort')).toBe('ascending');
  }, 60_000);

  it("a row's events link opens the Events screen filtered by that account", async () => {
    const row = page.locator(`[data-test=authorizer-row][data-appid="${appidOf(2)}"]`);
    await row.locator('[data-test=row-events]').click();
    await page.waitForFunction((appid) => location.hash.startsWith('#/events') && location.hash.includes(`appid=${appid}`), appidOf(2));
    await page.locator('[data-test=events-table] .el-table__row').first().waitFor();
    // Exactly that account's 5 events, and the filter box shows its appid (so the operator can clear it).
    await expect.poll(() => page.locator('[data-test=events-table] .el-table__row').count(), { timeout: UI_TIMEOUT }).toBe(5);
    expect(await page.locator('[data-test=events-table]').innerText()).not.toContain(appidOf(1));
    expect(await page.locator('.toolbar input[placeholder=appid]').inputValue()).toBe(appidOf(2));
  }, 60_000);

  it("the detail's events link does the same for the account shown", async () => {
    await page.evaluate(() => (window.location.hash = '#/authorizers'));
    const row = page.locator(`[data-test=authorizer-row][data-appid="${appidOf(1)}"]`);
    await row.locator('.c-name').click();
    const link = page.locator('[data-test=detail-events]');
    await link.waitFor();
    await link.click();
    await page.waitForFunction((appid) => location.hash.includes(`appid=${appid}`), appidOf(1));
    await expect.poll(() => page.locator('[data-test=events-table] .el-table__row').count(), { timeout: UI_TIMEOUT }).toBe(3);
    expect(await page.locator('.toolbar input[placeholder=appid]').inputValue()).toBe(appidOf(1));
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
