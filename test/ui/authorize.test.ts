/**
 * The authorization screen, the dashboard's alerts and the events detail in a real browser, against the real engine
 * in this process (simulator, real relay, console server), so the test can move the simulator's clock (the engine
 * follows it) and inject faults: a link completed by the redirect alone or by the push alone, a link expiring while
 * shown, a token refresh failure raising and resolving an alert, and an event's note arriving after it was opened.
 * Each in zh-CN, then in English. Skipped when Chromium is not installed.
 */
import { request } from 'undici';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src/main/services/host';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { ensureRendererBuilt, haveChromium, launchChromium, rendererDir } from '../helpers/browser';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx3333444455556666';
const SECRET = 'ui-authorize-secret-0123456789ab';
const TOKEN = 'uiAuthorizeToken';
const AES_KEY = 'QwErTyUiOpAsDfGhJkLzXcVbNm0123456789QwErTyU';
const DESK_KEY = 'desk-key-for-the-ui-authorize-test-01234567';
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('authorization, alerts and live event updates in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const linkIds: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    stack = await startStack({
      creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY },
      sim: { accounts: 4, candidates: 5 },
      engineClock: 'simulator',
      authLinkCheckMs: 100,
      emit: (event, payload) => host?.emit(event, payload as never),
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    host = new RuntimeHost({
      store: stack.store,
      mode: 'console',
      dataDir: stack.dir,
      version: 'test',
      secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
      createRuntime: async () => stack.engine,
    });
    await host.select(APPID);
    server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: rendererDir, log: () => undefined });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
  });

  const go = (hash: string) => page.evaluate((h) => (window.location.hash = h), hash);
  const chip = (text: string) => page.locator('[data-test=link-status]', { hasText: text });
  const rowStatus = (id: string) => page.locator(`[data-test=link-row-status][data-link="${id}"]`);

  /** Creates a link on the screen; returns its id (from the redirect_uri) and its componentloginpage URL. */
  async function createLink(waiting = '等待授权'): Promise<{ id: string; pcUrl: string }> {
    const shown = page.locator('[data-test=pc-url]');
    const before = (await shown.count()) ? await shown.innerText() : '';
    await page.locator('[data-test=create-link]').click();
    await expect.poll(async () => ((await shown.count()) ? await shown.innerText() : '')).not.toBe(before);
    const pcUrl = (await shown.innerText()).trim();
    const id = new URL(new URL(pcUrl).searchParams.get('redirect_uri')!).searchParams.get('link')!;
    linkIds.push(id);
    await chip(waiting).waitFor();
    return { id, pcUrl };
  }

  it('zh-CN: the redirect alone (the push lost) completes the link on screen', async () => {
    await go('#/authorize');
    const { id, pcUrl } = await createLink();
    const wechat = await page.context().newPage();
    stack.sim.setFaults({ dropPushShare: 1 });
    try {
      await wechat.goto(pcUrl);
      const form = wechat.locator('form.acct').first();
      const appid = (await form.getAttribute('data-appid')) ?? '';
      await Promise.all([wechat.waitForURL(/\/authorized\?/), form.locator('button[type=submit]').click()]);
      expect(stack.sim.getPushes({ type: 'authorized', appid })[0]?.outcome).toBe('dropped');
      await chip('已完成').waitFor();
      expect(await page.locator('[data-test=auth-completed]').innerText()).toContain(appid);
      await rowStatus(id).filter({ hasText: '已完成' }).waitFor();
    } finally {
      stack.sim.setFaults({});
      await wechat.close();
    }
  }, 60_000);

  it('zh-CN: the push alone (the browser never returns) completes the link on screen', async () => {
    const { id, pcUrl } = await createLink();
    const appid = stack.sim.candidateProfiles()[1]!.appid;
    const form = new URLSearchParams(new URL(pcUrl).search);
    form.set('appid', appid);
    const approved = await request(`${stack.sim.url}/cgi-bin/componentloginpage/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    await approved.body.dump();
    expect(approved.statusCode).toBe(302); // the redirect is not followed
    await chip('已完成').waitFor();
    expect(await page.locator('[data-test=auth-completed]').innerText()).toContain(appid);
    await rowStatus(id).filter({ hasText: '已完成' }).waitFor();
  }, 60_000);

  it('zh-CN: an unused link turns 已过期 on screen when its time is up', async () => {
    const { id } = await createLink();
    stack.sim.advanceClock(601); // the pre_auth_code lives 600 s; the engine's clock follows the simulator's
    await chip('已过期').waitFor();
    await rowStatus(id).filter({ hasText: '已过期' }).waitFor();
    expect(await rowStatus(linkIds[0]!).innerText()).toBe('已完成');
  }, 60_000);

  it('English: the same chips and statuses', async () => {
    await page.locator('label', { hasText: 'English' }).click();
    await chip('expired').waitFor();
    expect(await rowStatus(linkIds[0]!).innerText()).toBe('completed');
    expect(await rowStatus(linkIds[1]!).innerText()).toBe('completed');
    expect(await rowStatus(linkIds[2]!).innerText()).toBe('expired');
    await createLink('Waiting for authorization'); // a new link's chip, in English
    await page.locator('label', { hasText: '中文' }).click();
    await chip('等待授权').waitFor();
  }, 60_000);

  it('a failing token refresh adds to the dashboard alert count and the banner, in both languages, until it recovers', async () => {
    await go('#/dashboard');
    const count = page.locator('[data-test=alerts-count]');
    await count.waitFor();
    const before = Number(await count.innerText());
    // -1 (system busy) rather than a quota code: a quota errcode adds a line of its own to the dashboard.
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_component_token', systemErrorShare: 1 }] });
    try {
      const token = stack.store.tokens.getComponent(APPID)!;
      stack.sim.advanceClock(Math.floor((token.expiresAt - stack.sim.now()) / 1000) - 60); // inside the refresh margin
      await stack.engine.tokens.refreshDue();
      await expect.poll(() => count.innerText()).toBe(String(before + 1));
      await page.locator('[data-test=alert-line]', { hasText: '刷新 component_access_token 失败（errcode -1：' }).waitFor();
      await page.locator('.top-alert', { hasText: '刷新 component_access_token 失败' }).waitFor();
      await page.locator('label', { hasText: 'English' }).click();
      await page.locator('[data-test=alert-line]', { hasText: 'Refreshing the component_access_token failed (errcode -1:' }).waitFor();
      await page.locator('.top-alert', { hasText: 'Refreshing the component_access_token failed' }).waitFor();
      expect(await count.innerText()).toBe(String(before + 1));
    } finally {
      stack.sim.setFaults({});
    }
    await stack.engine.tokens.refreshDue();
    await expect.poll(() => count.innerText()).toBe(String(before));
    await page.locator('.top-alert', { hasText: 'component_access_token' }).waitFor({ state: 'detached' });
    await page.locator('label', { hasText: '中文' }).click();
    await expect.poll(() => count.innerText()).toBe(String(before));
  }, 60_000);

  it('an open event detail shows its note when the exchange finishes later; the row stays single and names its account', async () => {
    await go('#/events');
    const appid = stack.sim.candidateProfiles()[3]!.appid;
    // The exchange is held long enough that the detail opens before it finishes, even on a loaded machine.
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_query_auth', latencyMs: 6000 }] });
    try {
      await stack.sim.authorize(appid).push;
      const row = page.locator('[data-test=events-table] .el-table__row', { hasText: 'authorized' }).filter({ hasText: appid });
      await row.waitFor();
      await row.click();
      const detail = page.locator('[data-test=event-detail]');
      await detail.locator('.el-descriptions').waitFor();
      // The note, in the page's language (zh-CN).
      expect(await detail.innerText()).not.toContain(`已授权：${stack.sim.profile(appid)!.nickName}`);
      await detail.locator('.el-descriptions', { hasText: `已授权：${stack.sim.profile(appid)!.nickName}（${appid}）` }).waitFor();
      expect(await row.count()).toBe(1);
    } finally {
      stack.sim.setFaults({});
      await page.keyboard.press('Escape');
    }
  }, 60_000);

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
