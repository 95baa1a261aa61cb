/**
 * What the screens show, in a real browser (Debian's Chromium through playwright-core) against `wxopen demo` (simulator,
 * relay and console server as one real process on loopback): times in the chosen zone and durations in words, names
 * instead of codes, nicknames beside appids, a dead refresh token in red, the demo's read-only settings, the values to
 * register on the Open Platform with copy buttons, and the API-log detail. Skipped when Chromium is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainErrcode } from '../../src/shared/errcodes';
import { ensureRendererBuilt, haveChromium, launchChromium } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/paths';

/** Screenshots refresh docs/screenshots only when asked (WXOPEN_SCREENSHOTS=1), so a test run leaves the tree clean. */
const SHOTS = process.env['WXOPEN_SCREENSHOTS'] === '1' ? join(repoRoot, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'wxopen-shots-'));
const UI_TIMEOUT = 20_000;

interface SimAccount {
  appid: string;
  kind: 'oa' | 'mp';
  nickName: string;
}

describe.skipIf(!haveChromium)('what the screens show (demo sandbox in a browser)', () => {
  let demo: ChildProcess;
  let dataDir: string;
  let url: string;
  let simUrl: string;
  let relayUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let demoStderr = '';

  /** The simulator's control API (the header keeps web pages out). */
  async function sim<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(simUrl + path, {
      method,
      headers: { 'x-wxopen-sim': '1', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'wxopen-screens-'));
    demo = spawn(process.execPath, [cliBundle, 'demo', '--no-open', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', permissions: ['clipboard-read', 'clipboard-write'] });
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
    if (!SHOTS.startsWith(repoRoot) && !process.env['WXOPEN_KEEP_SHOTS']) rmSync(SHOTS, { recursive: true, force: true });
    else process.stderr.write(`screenshots: ${SHOTS}\n`);
  });

  async function go(hash: string): Promise<void> {
    await page.evaluate((h) => (window.location.hash = h), hash);
  }

  async function clipboard(): Promise<string> {
    return page.evaluate(() => navigator.clipboard.readText());
  }

  it('opens the demo: durations in Chinese words, the sandbox named in Chinese', async () => {
    await page.goto(url);
    await page.locator('[data-test=demo-banner]').waitFor();
    // The demo logs where its simulator and relay listen (stderr); the tests drive the simulator through its control API.
    const where = /simulator (http:\/\/\S+), relay (http:\/\/\S+),/.exec(demoStderr);
    expect(where, demoStderr).not.toBeNull();
    simUrl = where![1]!;
    relayUrl = where![2]!;
    await page.locator('[data-test=ticket-card] .big.ok').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-test=ticket-card] .big').innerText()).toMatch(/^\d+ 秒$|^\d+ 分 \d+ 秒$/);
    expect(await page.locator('.platform-select').innerText()).toContain('演示沙盒');
    await page.waitForFunction(() => Number(document.querySelector('[data-test=authorizers-count]')?.textContent ?? '0') >= 200, undefined, { timeout: 45_000 });
  }, 90_000);

  it('shows the demo settings read-only with the reason, and the values to register with copy buttons', async () => {
    await go('#/setup?new=0');
    const ro = page.locator('[data-test=demo-readonly]');
    await ro.waitFor();
    expect(await ro.innerText()).toContain('内置的微信模拟器');
    expect(await ro.innerText()).toContain(relayUrl);
    expect(await page.locator('[data-test=f-name]').count()).toBe(0);
    expect(await page.locator('[data-test=save]').count()).toBe(0);

    const value = (key: string) => page.locator(`[data-test=reg-${key}] [data-test=reg-value]`).innerText();
    const authEventUrl = await value('authEventUrl');
    const messageUrl = await value('messageUrl');
    expect(authEventUrl).toBe(`${relayUrl}/wechat/component`);
    expect(messageUrl).toBe(`${relayUrl}/wechat/authorizer/$APPID$`);
    const host = new URL(relayUrl).host;
    expect(await value('startPageDomain')).toBe(host);
    expect(await value('webDomain')).toBe(host);
    expect(await value('whitelistIp')).toBe('127.0.0.1');
    // The relay serves exactly these routes: an unsigned push is refused by the route (not a 404), a start page lives
    // under the registered domain, and a path that is not a route is a 404.
    expect((await fetch(authEventUrl, { method: 'POST', body: '<xml/>' })).status).not.toBe(404);
    expect((await fetch(messageUrl.replace('$APPID$', 'wx0123456789abcdef'), { method: 'POST', body: '<xml/>' })).status).not.toBe(404);
    expect((await fetch(`${relayUrl}/wechat/nothing-here`, { method: 'POST', body: '<xml/>' })).status).toBe(404);

    await page.locator('[data-test=reg-messageUrl] [data-test=copy]').click();
    await expect.poll(clipboard).toBe(messageUrl);
    await page.locator('[data-test=reg-authEventUrl] [data-test=copy]').click();
    await expect.poll(clipboard).toBe(authEventUrl);
    await page.locator('[data-test=registration]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'setup-registration.png') });
  }, 60_000);

  it('copies the authorization links', async () => {
    await go('#/authorize');
    await page.locator('[data-test=create-link]').click();
    await page.locator('[data-test=link-card]').waitFor();
    const pcUrl = (await page.locator('[data-test=pc-url]').innerText()).trim();
    await page.locator('[data-test=copy-pc]').click();
    await expect.poll(clipboard).toBe(pcUrl);
    const startUrl = (await page.locator('[data-test=start-url]').innerText()).trim();
    await page.locator('[data-test=copy-start]').click();
    await expect.poll(clipboard).toBe(startUrl);
  }, 60_000);

  let oa: SimAccount;
  let mp: SimAccount;

  async function openAccount(appid: string) {
    await go('#/authorizers');
    const search = page.locator('[data-test=authorizers-search]');
    await search.fill(appid);
    await search.press('Enter');
    await page.locator(`[data-test=authorizer-row][data-appid="${appid}"]`).click();
    const drawer = page.locator('[data-test=authorizer-detail]');
    await drawer.locator('.el-descriptions').waitFor();
    await expect.poll(async () => (await drawer.innerText()).includes(appid)).toBe(true);
    return drawer;
  }

  async function closeDrawer(selector: string) {
    await page.keyboard.press('Escape');
    await page.locator(selector).waitFor({ state: 'hidden' });
  }

  it('names permission sets, service and verification types; options only for official accounts, with their meaning', async () => {
    const { list } = await sim<{ list: SimAccount[] }>('GET', '/__sim/authorizers?offset=0&count=20');
    oa = list.find((a) => a.kind === 'oa')!;
    mp = list.find((a) => a.kind === 'mp')!;

    let drawer = await openAccount(oa.appid);
    expect(await drawer.locator('[data-test=service-type]').innerText()).toMatch(/^(订阅号|服务号)/);
    expect(await drawer.locator('[data-test=verify-type]').innerText()).toMatch(/认证/);
    const tags = await drawer.locator('.perms .el-tag').allInnerTexts();
    expect(tags.length).toBeGreaterThan(5);
    for (const tag of tags) expect(tag).toMatch(/^[^未]*[\u4e00-\u9fff].* \(#\d+\)$/);
    const location = drawer.locator('[data-test=option-location_report]');
    expect(await location.innerText()).toContain('地理位置上报');
    expect(await location.innerText()).toContain('LOCATION');
    expect(await drawer.locator('[data-test=options-na]').count()).toBe(0);
    const state = drawer.locator('[data-test=refresh-token-state]');
    expect(await state.innerText()).toBe('已保存');
    expect(await state.getAttribute('class')).toContain('ok');
    await closeDrawer('[data-test=authorizer-detail]');

    drawer = await openAccount(mp.appid);
    expect(await drawer.locator('[data-test=service-type]').innerText()).toBe('小程序');
    await drawer.locator('[data-test=options-na]').waitFor();
    expect(await drawer.locator('[data-test^=option-]').count()).toBe(0);
    for (const tag of await drawer.locator('.perms .el-tag').allInnerTexts()) expect(tag).not.toContain('未知');
    await closeDrawer('[data-test=authorizer-detail]');
  }, 90_000);

  it('a refresh token WeChat refuses (61023) turns red with the reason, and so does an unauthorized account', async () => {
    // The account cancels the authorization, but the unauthorized push is lost: the desk learns it from the refresh.
    await sim('POST', '/__sim/faults', { rules: [], dropPushShare: 1 });
    try {
      await sim('POST', '/__sim/unauthorize', { appid: oa.appid, wait: true });
    } finally {
      await sim('POST', '/__sim/faults', { rules: [], dropPushShare: 0 });
    }
    const drawer = await openAccount(oa.appid);
    await drawer.getByRole('button', { name: '检查是否可用' }).click();
    const state = drawer.locator('[data-test=refresh-token-state][data-state=dead]');
    await state.waitFor();
    expect(await state.innerText()).toContain('61023');
    expect(await state.getAttribute('class')).toContain('bad');
    await page.screenshot({ path: join(SHOTS, 'authorizer-dead-token.png') });
    await closeDrawer('[data-test=authorizer-detail]');

    // An account that cancels with its push delivered is revoked: red, saying so.
    await sim('POST', '/__sim/unauthorize', { appid: mp.appid, wait: true });
    const mpDrawer = await openAccount(mp.appid);
    const revoked = mpDrawer.locator('[data-test=refresh-token-state][data-state=revoked]');
    await expect
      .poll(async () => {
        if (await revoked.count()) return true;
        await closeDrawer('[data-test=authorizer-detail]');
        await openAccount(mp.appid); // the push is handled a moment after the control call returns
        return false;
      }, { timeout: 15_000 })
      .toBe(true);
    expect(await revoked.innerText()).toContain('取消授权');
    await closeDrawer('[data-test=authorizer-detail]');
  }, 90_000);

  it('the API log opens a call: request with the token redacted, bodies, latency, rid, errcode meaning, time in the zone', async () => {
    await go('#/apilog');
    expect(await page.locator('[data-test=apilog-at-header]').innerText()).toContain('Asia/Shanghai');
    // Nicknames beside appids (resolved on the main side, one lookup per page).
    const account = page.locator('[data-test=apilog-account]').first();
    await account.waitFor();
    const callAppid = await account.locator('[data-test=appid]').innerText();
    expect(callAppid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(await account.locator('[data-test=nick]').innerText()).toBe((await sim<SimAccount>('GET', `/__sim/authorizers/${callAppid}`)).nickName);

    const errcode = page.locator('[data-test=apilog] input[placeholder=errcode]');
    await errcode.fill('61023');
    await errcode.press('Enter');
    const row = page.locator('[data-test=apilog-table] .el-table__row').first();
    await expect.poll(async () => (await page.locator('[data-test=apilog-table] .el-table__row').allInnerTexts()).every((t) => t.includes('61023')) && (await row.count()) > 0).toBe(true);
    await row.click();
    const detail = page.locator('[data-test=apilog-detail]');
    await detail.locator('[data-test=apilog-request-line]').waitFor();
    expect(await detail.locator('[data-test=apilog-request-line]').innerText()).toBe('POST /cgi-bin/component/api_authorizer_token?component_access_token=***');
    const request = await detail.locator('[data-test=apilog-request-body]').innerText();
    expect(request).toContain('"authorizer_refresh_token": "***"');
    expect(request).toContain(oa.appid);
    expect(JSON.parse(await detail.locator('[data-test=apilog-response-body]').innerText()).errcode).toBe(61023);
    expect(await detail.locator('[data-test=apilog-errcode]').innerText()).toContain(explainErrcode(61023).zh);
    expect(await detail.innerText()).toMatch(/\d+ ms/);
    expect(await detail.innerText()).toContain('Asia/Shanghai (UTC+08:00)');
    await page.screenshot({ path: join(SHOTS, 'apilog-detail.png') });
    const shanghai = await detail.locator('[data-test=apilog-detail-at]').innerText();
    await closeDrawer('[data-test=apilog-detail]');

    // A successful call: the AppSecret and the token in the answer are redacted, the rest is there.
    await errcode.fill('');
    await page.locator('[data-test=apilog] input').first().fill('/cgi-bin/component/api_component_token');
    await page.locator('[data-test=apilog] input').first().press('Enter');
    await expect.poll(async () => (await page.locator('[data-test=apilog-table] .el-table__row').allInnerTexts()).every((t) => t.includes('api_component_token')) && (await row.count()) > 0).toBe(true);
    await row.click();
    await detail.locator('[data-test=apilog-response-body]').waitFor();
    expect(await detail.locator('[data-test=apilog-request-body]').innerText()).toContain('"component_appsecret": "***"');
    const answer = JSON.parse(await detail.locator('[data-test=apilog-response-body]').innerText()) as Record<string, unknown>;
    expect(answer).toMatchObject({ component_access_token: '***' });
    expect(answer['expires_in']).toEqual(expect.any(Number));
    expect(await detail.locator('[data-test=apilog-errcode]').innerText()).toBe('0 · 成功');
    await closeDrawer('[data-test=apilog-detail]');

    // The time zone setting moves every time on screen: New York is 13 hours behind Shanghai in December.
    await page.locator('[data-test=apilog] input').first().fill('');
    await errcode.fill('61023');
    await errcode.press('Enter');
    await page.locator('[data-test=tz-select]').click();
    await page.keyboard.type('America/New_York');
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^America\/New_York$/ }).click();
    await expect.poll(() => page.locator('[data-test=apilog-at-header]').innerText()).toContain('America/New_York');
    await expect.poll(() => row.locator('[data-test=apilog-at]').innerText()).not.toBe(shanghai);
    const newYork = await row.locator('[data-test=apilog-at]').innerText();
    const asUtc = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
    expect(asUtc(shanghai) - asUtc(newYork)).toBe(13 * 3_600_000);
    // Kept by the main process: a reload shows the same zone, and the export dialog starts from it.
    await page.reload();
    await go('#/apilog');
    await expect.poll(() => page.locator('[data-test=apilog-at-header]').innerText()).toContain('America/New_York');
    await go('#/authorizers');
    await page.locator('[data-test=export-open]').click();
    expect(await page.locator('[data-test=export-zone]').innerText()).toContain('America/New_York');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=export-dialog]').waitFor({ state: 'hidden' });
  }, 90_000);

  it('events show the account nickname beside its appid, in the list and the detail (times in the zone)', async () => {
    await go('#/events');
    // The demo sends user messages to its accounts every few seconds; some arrive live, others with the page.
    await page.locator('[data-test=event-account]', { has: page.locator('[data-test=nick]') }).first().waitFor({ timeout: 30_000 });
    // Pause the live tail, as an operator would: a push arriving between reading the first row and clicking it would
    // otherwise put a newer row first, and the click would open that one.
    await page.locator('[data-test=live-toggle]').click();
    await expect.poll(() => page.locator('[data-test=live-toggle]').getAttribute('class')).toContain('warning');
    // Both read from one element in one step (two locator reads re-resolve "the first row" each time).
    const account = await page.locator('[data-test=event-account]', { has: page.locator('[data-test=nick]') }).first().elementHandle();
    const { nick, appid } = await account!.evaluate((el) => ({
      nick: (el.querySelector('[data-test=nick]') as HTMLElement).innerText,
      appid: (el.querySelector('[data-test=appid]') as HTMLElement).innerText,
    }));
    expect((await sim<SimAccount>('GET', `/__sim/authorizers/${appid}`)).nickName).toBe(nick);
    await account.click();
    const detail = page.locator('[data-test=event-detail]');
    await detail.locator('[data-test=detail-account]').waitFor();
    expect(await detail.locator('[data-test=detail-account] [data-test=nick]').innerText()).toBe(nick);
    expect(await detail.locator('[data-test=detail-account] [data-test=appid]').innerText()).toBe(appid);
    expect(await detail.innerText()).toContain('America/New_York');
    await page.screenshot({ path: join(SHOTS, 'events-nickname.png') });
    await closeDrawer('[data-test=event-detail]');
    await page.locator('[data-test=live-toggle]').click();
    await expect.poll(() => page.locator('[data-test=live-toggle]').getAttribute('class')).toContain('success');
  }, 60_000);

  it('in English: durations in English units, the sandbox named in English, back to the default zone', async () => {
    await go('#/dashboard');
    await page.locator('label', { hasText: 'English' }).click();
    await page.locator('[data-test=demo-banner]', { hasText: 'Demo sandbox' }).waitFor();
    expect(await page.locator('[data-test=ticket-card] .big').innerText()).toMatch(/^\d+ s$|^\d+ min \d+ s$/);
    expect(await page.locator('.platform-select').innerText()).toContain('Demo sandbox');
    await page.locator('[data-test=tz-select]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^Default zone/ }).click();
    await go('#/apilog');
    const system = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await expect.poll(() => page.locator('[data-test=apilog-at-header]').innerText()).toContain(system);
    await go('#/setup?new=0');
    await page.locator('[data-test=registration]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'setup-registration-en.png') });
  }, 60_000);

  it('logged no console errors on any screen', () => {
    expect(consoleErrors).toEqual([]);
  });
});
