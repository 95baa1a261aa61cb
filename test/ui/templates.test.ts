/**
 * Template messages in a real browser against the real engine, relay and simulator, in zh-CN: set the industry
 * (confirmed), a bad short id named as typed, add a template and see its fields, a send-test form generated from them
 * where bad input names each rule and sends nothing, then a test send found in the simulator's sent log, with the
 * TEMPLATESENDJOBFINISH status shown beside its msgid when the push comes back; a template set applied to many
 * accounts becomes a batch run. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { until, type Stack } from '../helpers/stack';

const APPID = 'wx7777888899990000';
const UI_TIMEOUT = 20_000;
const OPENID = 'oUiTplUser0123456789abcdefgh';

describe.skipIf(!haveChromium)('template messages in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let oa = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-tpl-secret-0123456789abcdef012', token: 'uiTplToken', aesKey: 'UiTpLkEy0123456789abcdefghijklmnopqrstuvwxy', deskKey: 'desk-key-for-the-ui-templates-test-0123' },
      sim: { accounts: 6 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    oa = stack.sim.seededAccount(0).appid;
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  it('sets the industry after a confirmation, with the change limit said', async () => {
    await page.evaluate((a) => (window.location.hash = `#/templates?appid=${a}`), oa);
    await page.locator('[data-test=tpl-industry]', { hasText: '尚未设置所属行业' }).waitFor();
    await page.locator('[data-test=tpl-industry]', { hasText: '每月只能修改一次' }).waitFor();
    await page.locator('[data-test=tpl-set-industry]').click();
    await page.locator('.el-message-box', { hasText: '一个月内无法再改' }).waitFor();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=tpl-industry]', { hasText: 'IT科技/互联网/电子商务' }).waitFor();
    await page.locator('[data-test=tpl-industry]', { hasText: '代码 2' }).waitFor();
  }, 60_000);

  it('names a bad short id as typed, adds a template and shows its fields', async () => {
    await page.locator('[data-test=tpl-short-id]').fill('TM-15');
    await page.locator('[data-test=tpl-short-id-issue]', { hasText: '模板编号形如 TM00015' }).waitFor();
    expect(await page.locator('[data-test=tpl-add]').isDisabled()).toBe(true);
    await page.locator('[data-test=tpl-short-id]').fill('TM00015');
    await page.locator('[data-test=tpl-add]').click();
    const row = page.locator('[data-test=tpl-table] .el-table__row', { hasText: '订单支付成功' });
    await row.waitFor();
    expect(await row.innerText()).toContain('支付金额 · orderMoneySum');
    expect(await row.innerText()).toContain('由本控制台添加时记录');
  }, 60_000);

  it('the send-test form: bad input names each rule and sends nothing', async () => {
    const templateId = stack.store.templates.origins(APPID, oa)[0]!.templateId!;
    await page.locator(`[data-test="tpl-send-${templateId}"]`).click();
    for (const f of ['first', 'orderMoneySum', 'orderProductName', 'Remark']) await page.locator(`[data-test=send-field-${f}]`).waitFor();
    await page.locator('[data-test=send-touser]').fill('not-an-openid');
    await page.locator('[data-test=send-url]').fill('example.com/o/1');
    await page.locator('[data-test=send-color-first]').fill('blue');
    await page.locator('[data-test=send-submit]').click();
    const form = page.locator('[data-test=send-form]');
    await form.locator('.el-form-item__error', { hasText: 'openid 由 20-64 个字母、数字、- 或 _ 组成（当前 13 个字符）' }).waitFor();
    await form.locator('.el-form-item__error', { hasText: '链接必须以 http:// 或 https:// 开头' }).waitFor();
    await form.locator('.el-form-item__error', { hasText: '颜色格式为 #RGB 或 #RRGGBB' }).waitFor();
    await form.locator('.el-form-item__error', { hasText: '请填写 orderMoneySum（支付金额）' }).waitFor();
    await page.locator('[data-test=send-error]', { hasText: '未发送' }).waitFor();
    expect(stack.sim.getCalls('/cgi-bin/message/template/send')).toHaveLength(0);
  }, 60_000);

  it('sends a test: in the simulator\'s sent log, and the job-finish status shown beside the msgid', async () => {
    await page.locator('[data-test=send-touser]').fill(OPENID);
    await page.locator('[data-test=send-url]').fill('https://example.com/o/1');
    await page.locator('[data-test=send-color-first]').fill('#173177');
    const values: Record<string, string> = { first: '您的订单已支付', orderMoneySum: '30.00元', orderProductName: '一本书', Remark: '谢谢惠顾' };
    for (const [f, v] of Object.entries(values)) await page.locator(`[data-test=send-value-${f}]`).fill(v);
    await page.locator('[data-test=send-submit]').click();
    await page.locator('.el-message', { hasText: '已发送，msgid' }).waitFor();
    const sent = stack.sim.getTemplateMessages(oa);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.touser).toBe(OPENID);
    expect(sent[0]!.body).toMatchObject({ url: 'https://example.com/o/1', data: { first: { value: '您的订单已支付', color: '#173177' }, orderMoneySum: { value: '30.00元' } } });
    const msgid = String(sent[0]!.msgid);
    await page.locator(`[data-test=send-msgid-${msgid}]`).waitFor();
    await page.locator(`[data-test=send-status-${msgid}]`, { hasText: '已送达（success）' }).waitFor();
    expect(sent[0]!.finishStatus).toBe('success');

    // A user who refused messages: the status says so when its push arrives.
    stack.sim.setTemplateFinishStatus(OPENID, 'failed:user block');
    await page.locator('[data-test=send-submit]').click();
    const second = String((await until('the second send', () => stack.sim.getTemplateMessages(oa)[1])).msgid);
    await page.locator(`[data-test=send-status-${second}]`, { hasText: '用户拒收' }).waitFor();
  }, 60_000);

  it('a template set applied to many accounts becomes a batch run with a plan', async () => {
    await page.locator('[data-test=tpl-apply-set]').click();
    await page.locator('[data-test=set-short-ids]').fill('TM00015\nbad');
    await page.locator('[data-test=set-issue]', { hasText: '“bad”不是模板编号' }).waitFor();
    expect(await page.locator('[data-test=set-plan]').isDisabled()).toBe(true);
    await page.locator('[data-test=set-short-ids]').fill('TM00015, OPENTM207498902');
    await page.locator('[data-test=set-plan]').click();
    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=run-items]', { hasText: '添加 OPENTM207498902' }).waitFor();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
