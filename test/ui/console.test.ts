/**
 * The console in a real browser (Debian's Chromium through playwright-core) against `wxopen demo`: simulator, relay and
 * console server as one real process on loopback. Walks the first-run path and saves a screenshot of each screen
 * (to docs/screenshots/ with WXOPEN_SCREENSHOTS=1). Skipped when Chromium is not installed (WXOPEN_CHROMIUM overrides
 * /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, haveChromium, launchChromium } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/paths';

/** Screenshots refresh docs/screenshots only when asked (WXOPEN_SCREENSHOTS=1), so a test run leaves the tree clean. */
const SHOTS = process.env['WXOPEN_SCREENSHOTS'] === '1' ? join(repoRoot, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'wxopen-shots-'));
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('console in a browser against the demo sandbox', () => {
  let demo: ChildProcess;
  let dataDir: string;
  let downloads: string;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let demoStderr = '';

  beforeAll(async () => {
    await ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'wxopen-ui-'));
    downloads = mkdtempSync(join(tmpdir(), 'wxopen-ui-dl-'));
    demo = spawn(process.execPath, [cliBundle, 'demo', '--no-open', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stderr!.on('data', (c: Buffer) => (demoStderr += c.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      demo.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('http'));
        if (line) resolve(line.trim());
      });
      demo.once('exit', (code) => reject(new Error(`wxopen demo exited with ${code}: ${demoStderr}`)));
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 860 }, acceptDownloads: true, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo.once('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (downloads) rmSync(downloads, { recursive: true, force: true });
    if (!SHOTS.startsWith(repoRoot)) rmSync(SHOTS, { recursive: true, force: true });
  });

  async function go(hash: string): Promise<void> {
    await page.evaluate((h) => (window.location.hash = h), hash);
  }

  it('first run opens the demo sandbox and a component_verify_ticket arrives', async () => {
    await page.goto(url);
    await page.locator('[data-test=demo-banner]').waitFor();
    expect(await page.locator('[data-test=demo-banner]').innerText()).toContain('演示沙盒');
    expect(await page.locator('[data-test=add-real-platform]').getAttribute('href')).toContain('#/setup');
    // The ticket card shows an age (green) once the first ticket push went simulator → relay → inbox.
    await page.locator('[data-test=ticket-card] .big.ok').waitFor({ timeout: 30_000 });
    // The demo imports its 200 seeded accounts in the background at start (api_get_authorizer_list); wait for it so
    // the authorization below does not race that first sync.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-test=authorizers-count]')?.textContent ?? '0') >= 200,
      undefined,
      { timeout: 45_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'dashboard.png') });
  }, 60_000);

  let authorizedAppid = '';

  it('authorizes a seeded account through the simulator page and watches it arrive', async () => {
    await go('#/authorize');
    await page.locator('[data-test=create-link]').click();
    await page.locator('[data-test=link-card]').waitFor();
    const pcUrl = (await page.locator('[data-test=pc-url]').innerText()).trim();
    expect(pcUrl).toContain('componentloginpage');
    await page.locator('[data-test=link-card] img.qr').waitFor();

    const wechat = await context.newPage();
    await wechat.goto(pcUrl);
    const form = wechat.locator('form.acct').first();
    authorizedAppid = (await form.getAttribute('data-appid')) ?? '';
    expect(authorizedAppid).toMatch(/^wx[0-9a-f]{16}$/);
    await Promise.all([wechat.waitForURL(/\/authorized\?/), form.locator('button[type=submit]').click()]);
    await wechat.close();

    const done = page.locator('[data-test=auth-completed]');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.innerText()).toContain(authorizedAppid);
    await page.screenshot({ path: join(SHOTS, 'authorize.png') });
  }, 60_000);

  it('the new account appears in the virtual table, which renders only the rows in view', async () => {
    await go('#/authorizers');
    await page.locator('[data-test=authorizer-row]').first().waitFor();
    const total = Number((await page.locator('[data-test=authorizers-total]').innerText()).replace(/\D/g, ''));
    expect(total).toBeGreaterThan(100);
    const rendered = await page.locator('[data-test=authorizer-row]').count();
    expect(rendered).toBeLessThan(total);
    await page.screenshot({ path: join(SHOTS, 'authorizers.png') });

    await page.locator('[data-test=authorizers-search]').fill(authorizedAppid);
    await page.locator('[data-test=authorizers-search]').press('Enter');
    await page.locator(`[data-test=authorizer-row][data-appid="${authorizedAppid}"]`).waitFor();
    expect(Number((await page.locator('[data-test=authorizers-total]').innerText()).replace(/\D/g, ''))).toBe(1);
  }, 60_000);

  it('opens the account detail: permission-set names, refresh-token check, options', async () => {
    await page.locator(`[data-test=authorizer-row][data-appid="${authorizedAppid}"]`).click();
    const drawer = page.locator('[data-test=authorizer-detail]');
    await drawer.locator('.el-descriptions').waitFor();
    expect(await drawer.innerText()).toContain(authorizedAppid);
    await drawer.locator('.el-tag', { hasText: '#1)' }).first().waitFor(); // "消息管理 (#1)"
    await drawer.getByRole('button', { name: '检查是否可用' }).click();
    const outcome = drawer.locator('[data-test=token-health], [data-test=detail-error]');
    await outcome.first().waitFor();
    const health = await outcome.first().innerText();
    expect(health).toMatch(/^✔ /);
    await drawer.getByRole('button', { name: '读取' }).click();
    await drawer.locator('.option .el-select__selected-item:not(.is-hidden)', { hasText: /关闭|开启|上报/ }).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'authorizer-detail.png') });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  }, 60_000);

  it('exports the filtered rows with chosen columns to a CSV that Excel reads as UTF-8', async () => {
    await page.locator('[data-test=export-open]').click();
    await page.locator('[data-test=export-run]').waitFor({ state: 'visible' });
    // Keep only appid, name and status.
    for (const col of ['kind', 'userName', 'principalName', 'alias', 'serviceType', 'verifyType', 'accountStatus', 'funcInfo', 'authorizedAt', 'revokedAt', 'refreshTokenMismatch']) {
      await page.locator(`[data-test=col-${col}]`).click();
    }
    // For people (the default): Chinese headers and words, as the UI speaks Chinese; the zone defaults to Shanghai.
    await page.locator('[data-test=col-authorizedAt]').click();
    expect(await page.locator('[data-test=export-zone]').innerText()).toContain('Asia/Shanghai');
    const exportCsv = async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-run]').click()]);
      const file = join(downloads, download.suggestedFilename());
      await download.saveAs(file);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const text = readFileSync(file, 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      return text.slice(1).trimEnd().split('\r\n');
    };
    const people = await exportCsv();
    expect(people[0]).toBe('AppID,名称,授权状态,授权时间 (Asia/Shanghai)');
    expect(people).toHaveLength(2); // header + the one account the search matched
    expect(people[1]!).toMatch(new RegExp(`^${authorizedAppid},.*,正常,\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
    // For scripts: today's snake_case file.
    await page.locator('[data-test=col-authorizedAt]').click();
    await page.locator('[data-test=headers-script]').click();
    await page.locator('[data-test=export-zone]').waitFor({ state: 'hidden' });
    const lines = await exportCsv();
    expect(lines[0]).toBe('appid,nick_name,status');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.startsWith(authorizedAppid + ',')).toBe(true);
    expect(lines[1]!.endsWith(',active')).toBe(true);
    await page.locator('[data-test=export-done]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'export.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-test=export-dialog]').waitFor({ state: 'hidden' });
  }, 60_000);

  it('exports ticked rows to XLSX', async () => {
    // Clear the search, tick the first three rows of the whole list.
    await page.locator('[data-test=authorizers-search]').fill('');
    await page.locator('[data-test=authorizers-search]').press('Enter');
    await page.locator('[data-test=row-check]').nth(2).waitFor();
    const ticked: string[] = [];
    for (let i = 0; i < 3; i++) {
      const row = page.locator('[data-test=authorizer-row]').nth(i);
      ticked.push((await row.getAttribute('data-appid')) ?? '');
      await row.locator('[data-test=row-check]').check();
    }
    expect(await page.locator('[data-test=selected-count]').innerText()).toContain('3');
    await page.locator('[data-test=export-open]').click();
    await page.locator('[data-test=format-xlsx]').click();
    expect(await page.locator('[data-test=scope-selected] input').isChecked()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-run]').click()]);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const zip = unzipSync(new Uint8Array(readFileSync(file)));
    const sheetName = Object.keys(zip).find((n) => /^xl\/worksheets\/sheet\d*\.xml$/.test(n));
    expect(sheetName).toBeDefined();
    const sheet = strFromU8(zip[sheetName!]!) + (zip['xl/sharedStrings.xml'] ? strFromU8(zip['xl/sharedStrings.xml']) : '');
    for (const appid of ticked) expect(sheet).toContain(appid);
    expect((sheet.match(/<row /g) ?? []).length).toBe(4); // header + 3 ticked rows
    await page.keyboard.press('Escape');
    await page.locator('[data-test=export-dialog]').waitFor({ state: 'hidden' });
  }, 60_000);

  it('syncs from api_get_authorizer_list with a progress bar and a summary', async () => {
    await page.locator('[data-test=sync]').click();
    const done = page.locator('.el-message', { hasText: '同步完成' });
    await done.waitFor({ timeout: 30_000 });
    expect(await done.innerText()).toMatch(/共 2\d\d/);
  }, 60_000);

  it('opens a ticket event and shows its decrypted XML and a decrypt command without secrets', async () => {
    await go('#/events');
    const row = page.locator('[data-test=events-table] .el-table__row', { hasText: 'component_verify_ticket' }).first();
    await row.waitFor();
    await row.click();
    const plaintext = page.locator('[data-test=plaintext]');
    await plaintext.waitFor();
    const xml = await plaintext.innerText();
    expect(xml).toContain('<InfoType><![CDATA[component_verify_ticket]]></InfoType>');
    expect(xml).toContain('\n  <ComponentVerifyTicket>');
    await page.locator('[data-test=copy-command]').click();
    const command = await page.locator('[data-test=decrypt-command]').innerText();
    expect(command).toMatch(/^wxopen crypto decrypt/);
    expect(command).toContain('--token "$TOKEN"');
    expect(command).toMatch(/--msg-signature [0-9a-f]{40}/);
    await page.screenshot({ path: join(SHOTS, 'events.png') });
    await page.locator('[data-test=rerun]').click();
    await page.locator('.el-message', { hasText: '已重新处理' }).waitFor();
    await page.keyboard.press('Escape');
  }, 60_000);

  it('the live tail shows new pushes without a reload', async () => {
    const rows = page.locator('[data-test=events-table] .el-table__row');
    const before = await rows.count();
    const firstId = await rows.first().locator('td').first().innerText();
    // The demo sends a simulated user message every few seconds; wait for one to be prepended.
    await page.waitForFunction(
      ([sel, id]) => {
        const first = document.querySelector(sel);
        return first !== null && first.querySelector('td')?.textContent?.trim() !== id;
      },
      ['[data-test=events-table] .el-table__row', firstId] as const,
      { timeout: 30_000 },
    );
    expect(await rows.count()).toBeGreaterThan(before);
  }, 60_000);

  it('full-text search filters the pushes, and a term under 3 characters gets the slow-scan hint', async () => {
    const search = page.locator('[data-test=events-search]');
    await search.fill('营业');
    await page.locator('[data-test=short-search-hint]').waitFor();
    await search.fill('component_verify_ticket');
    await search.press('Enter');
    await page.locator('[data-test=short-search-hint]').waitFor({ state: 'detached' });
    const rows = page.locator('[data-test=events-table] .el-table__row');
    // The table keeps the previous rows until the search answers: wait for the answer, then check every row.
    await expect
      .poll(async () => {
        const texts = await rows.allInnerTexts();
        return texts.length > 0 && texts.every((t) => t.includes('component_verify_ticket'));
      }, { timeout: 10_000 })
      .toBe(true);
    await search.fill('');
    await search.press('Enter');
  }, 60_000);

  it('the setup form rejects a malformed EncodingAESKey with a clear message', async () => {
    await go('#/setup?new=1');
    const key = page.locator('[data-test=f-aeskey]');
    await key.fill('abcdefghijklmnopqrstuvwxyz0123456789ABCDE'); // 41 characters
    await key.blur();
    const error = page.locator('.el-form-item__error', { hasText: 'EncodingAESKey' });
    await error.waitFor();
    expect(await error.innerText()).toBe('EncodingAESKey 必须恰好是 43 个 base64 字符（A-Z、a-z、0-9、+、/）；当前为 41 个');
    await page.screenshot({ path: join(SHOTS, 'setup.png') });
  }, 60_000);

  it('the setup checks pass against the demo platform, each with its own result line', async () => {
    await go('#/setup?new=0');
    for (const check of ['decrypt', 'componentToken', 'relay']) {
      await page.locator(`[data-test=check-${check}] button`).click();
      const result = page.locator(`[data-test=check-result-${check}]`);
      await result.waitFor();
      expect(await result.innerText()).toMatch(/^✔ /);
    }
    await page.screenshot({ path: join(SHOTS, 'setup-checks.png'), fullPage: true });
  }, 60_000);

  it('the setup screen backs the database up into the data folder and shows where', async () => {
    await go('#/setup?new=0');
    await page.locator('[data-test=backup]').click();
    const result = page.locator('[data-test=backup-result]');
    await result.waitFor();
    const text = await result.innerText();
    const path = /^✔ 备份已写入：(\S+\.db)（\d+(\.\d)? (KB|MB)）$/.exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(path!.startsWith(join(dataDir, 'backups'))).toBe(true);
    if (process.platform !== 'win32') expect(statSync(path!).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('the API log lists the calls with their errcode meaning', async () => {
    await go('#/apilog');
    await page.locator('[data-test=apilog] .el-table__row').first().waitFor();
    expect(await page.locator('[data-test=apilog]').innerText()).toContain('/cgi-bin/component/');
    await page.screenshot({ path: join(SHOTS, 'apilog.png') });
    // Typing an errcode filters the log and explains the code.
    const errcode = page.locator('[data-test=apilog] input[placeholder=errcode]');
    await errcode.fill('61004');
    await errcode.press('Enter');
    const explained = page.locator('[data-test=errcode-explained]');
    await explained.waitFor();
    expect(await explained.innerText()).toMatch(/^61004: .*IP/);
  }, 60_000);

  it('switches to English', async () => {
    await go('#/dashboard');
    await page.locator('label', { hasText: 'English' }).click();
    await page.locator('[data-test=demo-banner]', { hasText: 'Demo sandbox' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'dashboard-en.png') });
  }, 60_000);

  it('the authorizer table stays virtual at 100,000 rows: few DOM rows, pages fetched on scroll', async () => {
    // Answer authorizers/list from synthetic pages so the renderer sees 100,000 accounts.
    const TOTAL = 100_000;
    const big = await context.newPage();
    big.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${big.url()}: ${msg.text()}`);
    });
    const fetchedOffsets: number[] = [];
    await big.route('**/api/authorizers/list', async (route) => {
      const args = JSON.parse(route.request().postData() ?? '{}') as { offset?: number; limit?: number };
      const offset = args.offset ?? 0;
      const limit = args.limit ?? 50;
      fetchedOffsets.push(offset);
      const rows = [];
      for (let i = offset; i < Math.min(TOTAL, offset + limit); i++) {
        rows.push({
          appid: 'wx' + i.toString(16).padStart(16, '0'),
          componentAppid: 'wx0000000000000000',
          kind: i % 2 ? 'MP' : 'OA',
          nickName: `账号 ${i}`,
          userName: null,
          principalName: `主体 ${i}`,
          headImg: null,
          alias: null,
          serviceType: 2,
          verifyType: 0,
          accountStatus: 1,
          info: null,
          funcInfo: [1, 2],
          status: 'active',
          hasRefreshToken: true,
          authorizedAt: 1_700_000_000_000 - i * 1000,
          updatedAt: 1_700_000_000_000,
          revokedAt: null,
          refreshTokenCheckedAt: null,
          refreshTokenMismatch: false,
        });
      }
      const counts = { active: TOTAL, revoked: 0, needs_reauth: 0, total: TOTAL };
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, result: { rows, total: TOTAL, counts } }) });
    });
    await big.goto(url.replace(/#.*$/, '') + '#/authorizers');
    await big.locator('[data-test=authorizer-row]').first().waitFor();
    expect(await big.locator('[data-test=authorizers-total]').innerText()).toContain('100000');
    const viewport = big.locator('[data-test=virtual-viewport]');
    const rowAppid = (i: number) => 'wx' + i.toString(16).padStart(16, '0');
    for (const target of [50_000, 99_999]) {
      await viewport.evaluate((el, top) => {
        el.scrollTop = top;
        el.dispatchEvent(new Event('scroll'));
      }, target * 36);
      await big.locator(`[data-test=authorizer-row][data-appid="${rowAppid(target)}"]`).waitFor();
      const rendered = await big.locator('[data-test=authorizer-row], .vrow.placeholder').count();
      expect(rendered).toBeLessThan(60);
    }
    // Only the pages around the three positions visited were fetched, never all 500.
    const pages = new Set(fetchedOffsets.map((o) => o / 200));
    expect(pages.size).toBeLessThanOrEqual(8);
    expect(pages.has(250)).toBe(true);
    expect(pages.has(499)).toBe(true);
    await big.screenshot({ path: join(SHOTS, 'authorizers-100k.png') });
    await big.close();
  }, 60_000);

  it('logged no console errors on any screen', () => {
    expect(consoleErrors).toEqual([]);
  });
});
