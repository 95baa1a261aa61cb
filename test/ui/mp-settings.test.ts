/**
 * One mini program's settings in a real browser against the real engine, relay and simulator, in zh-CN: a name
 * refused as typed (WeChat's counting), then a name sent to a manual audit, approved by the simulator's control, the
 * wxa_nickname_audit push reflected on the screen; an avatar with a crop box; a category needing a certificate added
 * and approved (then in get_category); server domains (a bad one named as typed); a tester bound; privacy settings
 * declaring the APIs the code uses. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { commitCode } from '../../src/wechat/endpoints/mp-code';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { until, type Stack } from '../helpers/stack';

const APPID = 'wx7777888899990001';
const UI_TIMEOUT = 20_000;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2a50000000049454e44ae426082', 'hex');

describe.skipIf(!haveChromium)('mini-program settings in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let mp = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-mps-secret-0123456789abcdef012', token: 'uiMpsToken', aesKey: 'UiMpSkEy0123456789abcdefghijklmnopqrstuvwxy', deskKey: 'desk-key-for-the-ui-mp-settings-test-01' },
      sim: { accounts: 4 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    void host;
    mp = stack.sim.seededAccount(1).appid;
    await page.goto(server.url);
    await page.evaluate((a) => (window.location.hash = `#/mini-programs?appid=${a}`), mp);
    await page.locator('[data-test=mp-current-name]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  it('a name is checked as typed, then set through a manual audit approved by the simulator; the push shows on the screen', async () => {
    await page.locator('[data-test=mp-name-quota]', { hasText: '本期已用 0 / 2 次' }).waitFor();
    await page.locator('[data-test=mp-nickname]').fill('一二三四五六七八九十一二三四五六');
    await page.locator('[data-test=mp-nickname-issue]', { hasText: '长度为 32 个字符；微信要求 4-30 个字符，一个中文字算 2 个字符' }).waitFor();
    expect(await page.locator('[data-test=mp-set-name]').isDisabled()).toBe(true);
    await page.locator('[data-test=mp-nickname]').fill('官方好店铺');
    await page.locator('[data-test=mp-check-name]').click();
    await page.locator('[data-test=mp-check-note]', { hasText: '需提交证明材料' }).waitFor();
    await page.locator('[data-test=mp-proof-file]').setInputFiles({ name: 'licence.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-test=mp-set-name]').click();
    await page.locator('[data-test=mp-name-audit]', { hasText: '审核中' }).waitFor();
    await stack.sim.decideNicknameAudit(mp, { result: 'approve' });
    await page.locator('[data-test=mp-name-audit]', { hasText: '已通过' }).waitFor();
    await page.locator('[data-test=mp-current-name]', { hasText: '官方好店铺' }).waitFor();
    const e = await until('the push noted in the inbox', () => stack.store.events.list({ componentAppid: APPID, appid: mp, event: 'wxa_nickname_audit', limit: 1 }).rows[0]);
    await until('its note', () => stack.store.events.get(e.id)?.handledNoteZh);
    expect(stack.store.events.get(e.id)!.handledNoteZh).toBe('名称审核通过：官方好店铺');
  }, 60_000);

  it('sets the avatar with a crop box (a bad box named, nothing sent)', async () => {
    await page.locator('[data-test=mp-avatar-file]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-test=mp-crop-x1] input').fill('0.9');
    await page.locator('[data-test=mp-crop-x2] input').fill('0.5');
    await page.locator('[data-test=mp-crop-y1] input').click();
    await page.locator('[data-test=mp-crop-issue]', { hasText: 'x1（0.9）必须小于 x2（0.5）' }).waitFor();
    expect(await page.locator('[data-test=mp-set-avatar]').isDisabled()).toBe(true);
    await page.locator('[data-test=mp-crop-x1] input').fill('0.1');
    await page.locator('[data-test=mp-crop-x2] input').fill('0.9');
    await page.locator('[data-test=mp-crop-y1] input').click();
    await page.locator('[data-test=mp-set-avatar]').click();
    await page.locator('[data-test=mp-avatar-quota]', { hasText: '本期已用 1 / 5 次' }).waitFor();
    expect(stack.sim.miniProgramSettings(mp).headCrop).toEqual({ x1: 0.1, y1: 0, x2: 0.9, y2: 1 });
  }, 60_000);

  it('adds a category needing a certificate; approved by the simulator, it shows approved and is in get_category', async () => {
    await page.locator('.el-tabs__item', { hasText: '类目' }).click();
    await page.locator('[data-test=mp-cat-table]').waitFor();
    await page.locator('[data-test=mp-cat-pick]').click();
    await page.locator('.el-cascader-node', { hasText: '医疗服务' }).click();
    await page.locator('.el-cascader-node', { hasText: '医疗机构' }).click();
    await page.locator('.mp-issue', { hasText: '请上传所有需要的资质' }).waitFor();
    await page.locator('[data-test="mp-cert-file-医疗机构执业许可证"]').setInputFiles({ name: 'cert.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-test="mp-cert-ok-医疗机构执业许可证"]').waitFor();
    await page.locator('[data-test=mp-cat-submit]').click();
    await page.locator('[data-test=mp-cat-status-305]', { hasText: '审核中' }).waitFor();
    await stack.sim.decideCategoryAudit(mp, { first: 304, second: 305, result: 'approve' });
    await page.locator('[data-test=mp-cat-status-305]', { hasText: '已通过' }).waitFor();
    expect(stack.sim.miniProgram(mp).categories.map((c) => c.second_id)).toContain(305);
  }, 60_000);

  it('server domains: a bad one named as typed, then saved; a tester bound', async () => {
    await page.locator('.el-tabs__item', { hasText: '域名' }).click();
    const request = page.locator('[data-test=mp-domain-requestdomain]');
    await request.fill('http://api.wxopen-demo.com');
    await page.locator('[data-test=mp-domain-issue-requestdomain]', { hasText: '必须是 https://域名' }).waitFor();
    expect(await page.locator('[data-test=mp-save-server]').isDisabled()).toBe(true);
    await request.fill('https://api.wxopen-demo.com');
    await page.locator('[data-test=mp-save-server]').click();
    await until('the domain at WeChat', () => stack.sim.miniProgramSettings(mp).domains.requestdomain?.[0] === 'https://api.wxopen-demo.com');

    await page.locator('.el-tabs__item', { hasText: '体验者' }).click();
    await page.locator('[data-test=mp-tester-id]').fill('tester_ui_01');
    await page.locator('[data-test=mp-tester-bind]').click();
    await page.locator('[data-test=mp-tester-row]').waitFor();
    expect(Object.keys(stack.sim.miniProgramSettings(mp).testers)).toEqual(['tester_ui_01']);
  }, 60_000);

  it('privacy: the APIs the code uses are listed as undeclared until declared and saved', async () => {
    await stack.engine.invokeAs(commitCode, mp, { template_id: 2, ext_json: '{}', user_version: '1.0.0', user_desc: 'ui' });
    await page.locator('.el-tabs__item', { hasText: '隐私' }).click();
    await page.locator('[data-test=mp-undeclared]', { hasText: '手机号' }).waitFor();
    await page.locator('[data-test=mp-declare-missing]').click();
    expect(await page.locator('[data-test=mp-privacy-item]').count()).toBe(3);
    await page.locator('[data-test=mp-privacy-issue]', { hasText: '请至少填写一种联系方式' }).waitFor();
    await page.locator('[data-test=mp-privacy-email]').fill('privacy@example.com');
    await page.locator('[data-test=mp-privacy-notice]').fill('弹窗');
    for (let i = 0; i < 3; i++) await page.locator(`[data-test=mp-privacy-text-${i}]`).fill(`用途 ${i + 1}`);
    await page.locator('[data-test=mp-privacy-save]').click();
    await page.locator('[data-test=mp-all-declared]').waitFor();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
