/**
 * The API workbench and quota clearing in a real browser against the real engine, relay and simulator, in zh-CN:
 * pick an account and an endpoint, send the example, see the answer; a 40001 with its meaning; the calls in the API
 * log; copy as curl without the token; invalid JSON refused with line and column; the trial QR code shown as an
 * image; a batch run paused on 45009 cleared and resumed from the batch screen after confirming.
 * Skipped without Chromium.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { until, type Stack } from '../helpers/stack';

const APPID = 'wx5555666677778888';
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('API workbench in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let oa = '';
  let mp = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-workbench-secret-0123456789abcd', token: 'uiWorkbenchToken', aesKey: 'UiWoRkBeNcHkEy0123456789abcdefghijklmnopqrs', deskKey: 'desk-key-for-the-ui-workbench-test-012345' },
      sim: { accounts: 8 },
      errors: consoleErrors,
      context: { acceptDownloads: true },
      timeoutMs: UI_TIMEOUT,
    }));
    oa = stack.sim.seededAccount(0).appid;
    mp = stack.sim.seededAccount(1).appid;
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  async function choose(select: string, typed: string, option: string | RegExp): Promise<void> {
    await page.locator(`[data-test=${select}]`).click();
    await page.keyboard.type(typed);
    await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
  }

  it('picks an account and an endpoint, sends the example, sees the answer; a 40001 shows its meaning; both are in the API log', async () => {
    await page.evaluate(() => (window.location.hash = '#/workbench'));
    await page.locator('[data-test=workbench]').waitFor();
    await choose('wb-account', oa, oa);
    await choose('wb-endpoint', 'menu/create', /^menu\/create/);
    await page.locator('[data-test=wb-line]', { hasText: 'POST /cgi-bin/menu/create' }).waitFor();
    await page.locator('[data-test=wb-calls-as]', { hasText: oa }).waitFor();
    expect(await page.locator('[data-test=wb-body]').inputValue()).toContain('今日歌曲');
    await page.locator('[data-test=wb-send]').click();
    await page.locator('[data-test=wb-outcome]', { hasText: '成功' }).waitFor();
    expect(await page.locator('[data-test=wb-response]').innerText()).toContain('"errcode": 0');
    expect(await page.locator('[data-test=wb-request]').innerText()).toContain('/cgi-bin/menu/create?access_token=ACCESS_TOKEN');
    await page.locator('[data-test=wb-in-log]', { hasText: '1 条' }).waitFor();

    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [oa], errcode: 40001 }] });
    try {
      await page.locator('[data-test=wb-send]').click();
      await page.locator('[data-test=wb-outcome]', { hasText: '微信返回错误' }).waitFor();
      const errcode = await page.locator('[data-test=wb-errcode]').innerText();
      expect(errcode).toContain('40001');
      expect(errcode).toContain('含义：');
      await page.locator('[data-test=wb-rid]').waitFor();
    } finally {
      stack.sim.setFaults({});
    }
    await page.locator('[data-test=wb-open-log]').click();
    const rows = page.locator('[data-test=apilog-table] .el-table__row', { hasText: '/cgi-bin/menu/create' });
    await rows.filter({ hasText: '40001' }).first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(3); // the one that went through, the 40001 and its retry after a refresh
  }, 60_000);

  it('copy as curl carries a placeholder, never the token; invalid JSON is refused with line and column', async () => {
    await page.goBack();
    await page.locator('[data-test=wb-curl]').waitFor();
    const curl = await page.locator('[data-test=wb-curl]').innerText();
    expect(curl).toContain('/cgi-bin/menu/create?access_token=${ACCESS_TOKEN}');
    const token = stack.store.tokens.getAuthorizer(APPID, oa)?.token;
    expect(token).toBeTruthy();
    expect(curl).not.toContain(token!);
    await page.locator('[data-test=wb-copy-curl]').waitFor();

    await page.locator('[data-test=wb-body]').fill('{\n  "button": [}');
    await page.locator('[data-test=wb-body-error]', { hasText: '第 2 行第 15 列' }).waitFor();
    expect(await page.locator('[data-test=wb-send]').isDisabled()).toBe(true);
    await page.locator('[data-test=wb-body]').fill('{"access_token": "typed"}');
    await page.locator('[data-test=wb-body-error]', { hasText: 'access_token' }).waitFor();
    expect(await page.locator('[data-test=wb-send]').isDisabled()).toBe(true);
    await page.locator('[data-test=wb-reset]').click();
    await page.locator('[data-test=wb-body-ok]').waitFor();
  }, 60_000);

  it('shows the trial QR code a mini program answers as an image', async () => {
    await choose('wb-account', mp, mp);
    await choose('wb-endpoint', 'get_qrcode', 'wxa/get_qrcode');
    await page.locator('[data-test=wb-send]').click();
    await page.locator('[data-test=wb-binary]', { hasText: 'image/jpeg' }).waitFor();
    await page.waitForFunction(() => ((document.querySelector('[data-test=wb-image]') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    await page.locator('[data-test=wb-save]').waitFor();
  }, 60_000);

  it('a run paused on 45009 shows the quota; "clear the quota and resume" confirms (the monthly limit named) and finishes the run', async () => {
    // The official account used its one menu/create of the day above; the second has its own count.
    const second = stack.sim.seededAccount(2).appid;
    stack.sim.setQuota({ dailyQuota: { '/cgi-bin/menu/create': 1 } });
    const run = stack.engine.batch.create({
      kind: 'oa.menu.apply',
      title: '配额测试',
      params: { menu: { button: [{ type: 'click', name: '配额', key: 'quota' }] } },
      targets: [oa, second],
      concurrency: 1,
      ratePerSecond: 100,
      autoStart: true,
    });
    await until('the run paused with the quota', () => {
      const r = stack.store.batch.getRun(run.id);
      return r?.status === 'paused' && r.pause?.quota ? r : null;
    });
    await page.evaluate((id) => (window.location.hash = `#/batch?id=${id}`), run.id);
    await page.locator('[data-test=run-pause-quota]', { hasText: '每日上限 1，已用 1，剩余 0' }).waitFor();
    await page.locator('[data-test=run-clear-quota]').click();
    const dialog = page.locator('.clear-quota-confirm');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('每个账号每月只能清零 10 次');
    // Cancelling changes nothing.
    await dialog.locator('.el-message-box__btns .el-button:not(.el-button--primary)').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(stack.store.batch.getRun(run.id)!.status).toBe('paused');
    await page.locator('[data-test=run-clear-quota]').click();
    await dialog.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=count-done]', { hasText: '2' }).waitFor();
    expect(stack.sim.getCalls('/cgi-bin/clear_quota').filter((c) => c.errcode === 0 && c.appid === oa)).toHaveLength(1);
    // The report, in the UI's language: a real XLSX download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=run-export-xlsx]').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^batch-run-${run.id}-${APPID}-\\d{14}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(4).value).toBe('状态');
    expect([2, 3].map((r) => ws.getRow(r).getCell(4).value)).toEqual(['完成', '完成']);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
