/**
 * Registering mini programs in a real browser against the real engine, relay and simulator, in zh-CN: via an official
 * account end to end (the console's link → the relay's start page → the simulator's fastregisterauth page, confirmed →
 * the relay's landing → the desk calls account/fastregister → the new mini program is listed as an authorizer), an
 * enterprise registration with a bad code named as typed and then completed by the simulator's push, and one that
 * fails (61070) with the reason explained. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import type { Stack } from '../helpers/stack';

const APPID = 'wx6161727283839494';
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('registering mini programs in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-reg-secret-0123456789abcdef012', token: 'uiRegToken', aesKey: 'UiReGkEy0123456789abcdefghijklmnopqrstuvwxy', deskKey: 'desk-key-for-the-ui-register-test-01234' },
      sim: { accounts: 4 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    void host;
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  const task = (stage: string) => page.locator(`[data-test^=reg-task-][data-stage=${stage}]`);

  it('via an official account: link → start page → confirm on WeChat’s page → landing → the new mini program is an authorizer', async () => {
    const oa = stack.sim.seededAccount(0);
    await page.evaluate(() => (window.location.hash = '#/mp-register'));
    await page.locator('[data-test=reg-oa]').click();
    await page.locator('.el-select-dropdown__item', { hasText: oa.appid }).click();
    await page.locator('[data-test=reg-submit]').click();
    const waiting = task('waiting').first();
    await waiting.locator('[data-test=reg-progress]', { hasText: '等待公众号管理员打开链接并确认' }).waitFor();
    await waiting.locator('[data-test=reg-startLink] img').waitFor(); // the QR code of the link
    const startUrl = (await waiting.locator('[data-test=reg-startLink] [data-test=reg-link]').getAttribute('href'))!;
    expect(startUrl.startsWith(`${stack.relay.url}/authorize/`)).toBe(true);

    // The admin's browser: the relay's start page, WeChat's page (the simulator's), confirm, the relay's landing.
    const admin = await page.context().newPage();
    try {
      await admin.goto(startUrl);
      await admin.locator('a.button', { hasText: '前往确认' }).click();
      await admin.locator('.oa-name', { hasText: oa.nickName }).waitFor();
      await admin.locator('button[name=confirm]').click();
      await admin.locator('h1', { hasText: '已确认注册小程序' }).waitFor();
    } finally {
      await admin.close();
    }

    const done = task('done').first();
    await done.locator('[data-test=reg-done]').waitFor();
    const appid = (await done.locator('[data-test=reg-appid]').textContent())!.trim();
    expect(stack.sim.getCalls('/cgi-bin/account/fastregister')).toHaveLength(1);
    await done.locator('[data-test=reg-appid]').click();
    await page.locator('[data-test=authorizer-row]', { hasText: appid }).waitFor();
    expect(stack.store.authorizers.get(APPID, appid)?.kind).toBe('MP');
  }, 90_000);

  it('enterprise: a bad code is named as typed and nothing is sent; the corrected form waits until the push completes it', async () => {
    await page.evaluate(() => (window.location.hash = '#/mp-register'));
    await page.locator('#tab-enterprise').click();
    const before = stack.sim.getCalls('/cgi-bin/component/fastregisterweapp').length;
    await page.locator('[data-test=reg-name]').fill('深圳市浏览器测试科技有限公司');
    await page.locator('[data-test=reg-code]').fill('91440300MA5F');
    await page.locator('.el-form-item__error', { hasText: '统一社会信用代码须为 18 位（现在 12 位）' }).waitFor();
    await page.locator('[data-test=reg-legal-wechat]').fill('13800000000');
    await page.locator('.el-form-item__error', { hasText: '不是有效的微信号' }).waitFor();
    await page.locator('[data-test=reg-submit]').click();
    await page.locator('.el-form-item__error', { hasText: '请填写法人姓名' }).waitFor();
    expect(stack.sim.getCalls('/cgi-bin/component/fastregisterweapp').length).toBe(before);

    await page.locator('[data-test=reg-code]').fill('91440300MA5F000007');
    await page.locator('[data-test=reg-legal-wechat]').fill('fa_ren_ui');
    await page.locator('[data-test=reg-legal-name]').fill('孙八');
    await expect.poll(() => page.locator('.el-form-item__error').count()).toBe(0);
    await page.locator('[data-test=reg-submit]').click();
    const card = page.locator('[data-test^=reg-task-]', { hasText: '深圳市浏览器测试科技有限公司' });
    await card.locator('[data-test=reg-progress]', { hasText: '等待法人在微信中完成人脸核身' }).waitFor();
    const { appid } = stack.sim.fastRegister({ name: '深圳市浏览器测试科技有限公司' });
    await card.locator('[data-test=reg-appid]', { hasText: appid! }).waitFor();
    expect(await card.getAttribute('data-stage')).toBe('done');
  }, 60_000);

  it('a failed registration shows the reason explained (61070)', async () => {
    await page.locator('[data-test=reg-name]').fill('深圳市失败原因测试有限公司');
    await page.locator('[data-test=reg-submit]').click();
    const card = page.locator('[data-test^=reg-task-]', { hasText: '深圳市失败原因测试有限公司' });
    await card.locator('[data-test=reg-progress]').waitFor();
    stack.sim.fastRegister({ name: '深圳市失败原因测试有限公司', status: 61070, msg: 'name, idcard, wechat name not in accordance' });
    await card.locator('[data-test=reg-failure]', { hasText: '61070 法人姓名、身份证与微信号不一致' }).waitFor();
    expect(await card.getAttribute('data-stage')).toBe('failed');
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
