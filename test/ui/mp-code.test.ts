/**
 * Code and release of a mini program in a real browser against the real engine, relay and simulator, in zh-CN:
 * commit with ext_json (invalid JSON names line and column and keeps the button disabled), the trial QR as an image,
 * submit with two audit items, undo with "今天已撤回 x/5，本月 y/10" shown before use, a rejection with its reason
 * and screenshot ids, an approval pushed by the simulator updating the screen without a reload, release, a second
 * version gray-released at 10 % then higher (lower refused as typed), released, and a rollback to the chosen history
 * version. Then the code template library: a draft added as a standard template, the mini program shown running
 * its template live, and a template deleted after a confirmation. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleServer } from '../../src/server/console-server';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import type { Stack } from '../helpers/stack';

const APPID = 'wx5757686879798080';
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('mini-program code and release in a browser', () => {
  let stack: Stack;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let mp = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-mpcode-secret-0123456789abcdef0', token: 'uiMpCodeToken', aesKey: 'UiMpCoDeKeY0123456789abcdefghijklmnopqrstuv', deskKey: 'desk-key-for-the-ui-mpcode-test-0123456' },
      sim: { accounts: 4 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    mp = stack.sim.seededAccount(1).appid;
    stack.sim.setAuditSettings({ auditSeconds: null });
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  const el = (name: string) => page.locator(`[data-test=${name}]`);
  const option = (text: string) => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  const confirm = async (text: string) => {
    await page.locator('.el-message-box', { hasText: text }).waitFor();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message-box').waitFor({ state: 'hidden' });
  };
  const auditState = (state: string) => page.locator(`[data-test=mpc-audit-state][data-state=${state}]`).waitFor();
  /** The simulator decides the latest audit and pushes it (event pushes dedupe by sender and second: a later second). */
  const decide = async (result: 'success' | 'fail', extra: { reason?: string; screenshots?: string[] } = {}) => {
    stack.sim.advanceClock(2);
    await stack.sim.decideAudit(mp, { result, ...extra });
  };
  async function commit(templateLabel: string, version: string): Promise<void> {
    await el('mpc-template').click();
    await option(templateLabel).click();
    await el('mpc-version').fill(version);
    await el('mpc-desc').fill(`版本 ${version}`);
    await el('mpc-commit').click();
    await page.locator('[data-test=mpc-trial]', { hasText: version }).waitFor();
  }

  it('commit: invalid ext_json names line and column and keeps the button disabled; then committed', async () => {
    await page.evaluate((a) => (window.location.hash = `#/mp-code?appid=${a}`), mp);
    await el('mpc-versions').waitFor();
    await page.locator('[data-test=mpc-quota]', { hasText: '本月审核额度：剩余' }).waitFor();
    await el('mpc-template').click();
    await option('#2 · v1.1.0').click();
    await el('mpc-version').fill('1.0.0');
    await el('mpc-desc').fill('首个版本');
    const ext = el('mpc-ext');
    await ext.fill('{\n  "extAppid": "wx",\n  "ext": {\n}');
    await page.locator('[data-test=mpc-ext-issue]', { hasText: '第 4 行第 2 列' }).waitFor();
    expect(await el('mpc-commit').isDisabled()).toBe(true);
    await ext.fill(JSON.stringify({ extAppid: mp, ext: { shop: '演示店' } }, null, 2));
    await page.locator('[data-test=mpc-ext-issue]', { hasText: '可提交' }).waitFor();
    await el('mpc-commit').click();
    await page.locator('[data-test=mpc-trial]', { hasText: '1.0.0' }).waitFor();
    await page.locator('[data-test=mpc-versions]', { hasText: '模板 #2' }).waitFor();
    expect(JSON.parse(stack.sim.miniProgram(mp).commit!.extJson)).toEqual({ extAppid: mp, ext: { shop: '演示店' } });
  }, 60_000);

  it('shows the trial QR code as an image', async () => {
    await el('mpc-qr-path').fill('pages/index/index?from=qr');
    await el('mpc-qr').click();
    await el('mpc-qr-img').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-test=mpc-qr-img]') as HTMLImageElement | null)?.complete === true);
    expect(await el('mpc-qr-img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  }, 60_000);

  it('submits two items, withdraws with the limit shown first, is rejected with a reason, then approved by the push', async () => {
    await el('mpc-submit-load').click();
    await el('mpc-item-0').waitFor();
    await el('mpc-item-add').click();
    await page.locator('[data-test=mpc-submit-issue]', { hasText: '第 2 项未选择页面' }).waitFor();
    expect(await el('mpc-submit').isDisabled()).toBe(true);
    await el('mpc-item-page-1').click();
    await option('pages/mine/mine').click();
    await el('mpc-item-title-1').fill('我的');
    await el('mpc-submit').click();
    await auditState('auditing');
    const sent = stack.store.apiLog.list({ componentAppid: APPID, path: '/wxa/submit_audit', limit: 1 }).rows[0]!;
    expect(JSON.parse(stack.store.apiLog.get(APPID, sent.id)!.requestBody!).item_list).toMatchObject([
      { address: 'pages/index/index', first_class: '工具' },
      { address: 'pages/mine/mine', title: '我的', first_class: '工具' },
    ]);
    await page.locator('[data-test=mpc-undo-use]', { hasText: '今天已撤回 0/5，本月 0/10' }).waitFor();
    await el('mpc-undo').click();
    await confirm('今天已撤回 0/5，本月 0/10');
    await auditState('withdrawn');
    await page.locator('[data-test=mpc-undo-use]', { hasText: '今天已撤回 1/5，本月 1/10' }).waitFor();

    await el('mpc-submit').click();
    await auditState('auditing');
    await decide('fail', { reason: '首页内容空白<br>请补充', screenshots: ['shotA', 'shotB'] });
    await auditState('rejected');
    await page.locator('[data-test=mpc-audit-reason]', { hasText: '首页内容空白' }).waitFor();
    await page.locator('[data-test=mpc-audit-shots]', { hasText: 'shotA, shotB' }).waitFor();
    await page.locator('[data-test=mpc-history] .el-table__row', { hasText: '首页内容空白' }).waitFor();

    await el('mpc-submit').click();
    await auditState('auditing');
    await decide('success');
    await auditState('approved');
  }, 90_000);

  it('releases, gray-releases a second version at 10 % then higher, releases it, and rolls back to the chosen version', async () => {
    await el('mpc-release').click();
    await confirm('发布给所有用户');
    await page.locator('[data-test=mpc-live]', { hasText: '1.0.0' }).waitFor();

    await commit('#3 · v2.0.0', '1.1.0');
    await el('mpc-submit').click();
    await auditState('auditing');
    await decide('success');
    await auditState('approved');

    const pct = page.locator('[data-test=mpc-gray-pct] input, input[data-test=mpc-gray-pct]').first();
    await pct.fill('10');
    await pct.press('Tab');
    await el('mpc-gray').click();
    await confirm('10%');
    await page.locator('[data-test=mpc-gray-plan]', { hasText: '10% · 进行中' }).waitFor();
    await pct.fill('5');
    await pct.press('Tab');
    await page.locator('[data-test=mpc-gray-rule]', { hasText: '须高于正在进行的灰度比例 10%' }).waitFor();
    expect(await el('mpc-gray').isDisabled()).toBe(true);
    await pct.fill('30');
    await pct.press('Tab');
    await el('mpc-gray').click();
    await confirm('30%');
    await page.locator('[data-test=mpc-gray-plan]', { hasText: '30% · 进行中' }).waitFor();

    await el('mpc-release').click();
    await confirm('发布给所有用户');
    await page.locator('[data-test=mpc-live]', { hasText: '1.1.0' }).waitFor();

    await el('mpc-rollback-open').click();
    await el('mpc-rollback-pick').waitFor();
    await el('mpc-rollback').click();
    await confirm('回退到 1.0.0');
    await page.locator('[data-test=mpc-live]', { hasText: '1.0.0' }).waitFor();
    expect(stack.sim.miniProgram(mp).live).toMatchObject({ userVersion: '1.0.0' });
  }, 120_000);

  it('the library: a draft becomes a standard template; the mini program shown running template 2 live; delete confirmed', async () => {
    await page.evaluate(() => (window.location.hash = '#/code-templates'));
    await el('ct-drafts-table').waitFor();
    await el('ct-add-standard-12').click();
    const added = page.locator('[data-test=ct-templates-table] .el-table__row', { hasText: '修复支付' });
    await added.waitFor();
    expect(await added.innerText()).toContain('标准模板');
    const runner = page.locator('[data-test=ct-runner-2]');
    await runner.waitFor();
    expect(await runner.innerText()).toContain('线上');
    await added.locator('[data-test^=ct-delete-]').click();
    await confirm('从模板库删除模板');
    await added.waitFor({ state: 'detached' });
    expect(stack.sim.getCalls('/wxa/deletetemplate')).toHaveLength(1);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
