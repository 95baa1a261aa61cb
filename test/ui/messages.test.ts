/**
 * Customer-service messages in a real browser (console mode) against the real engine, relay and simulator, in zh-CN:
 * a user interacts in the simulator and the console lists them with the window open; the operator uploads an image
 * and sends it, and the simulator's sent log has the image message with that media id; bad input (an oversized or
 * wrong-type file, an empty text) is refused with the rule named and nothing is sent; a user whose window closed gets
 * 45015, explained in Chinese. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { SIM_CONTROL_HEADERS } from '../../src/sim';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { until, type Stack } from '../helpers/stack';

const APPID = 'wx5656787890901212';
const UI_TIMEOUT = 20_000;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d2a50000000049454e44ae426082', 'hex');

describe.skipIf(!haveChromium)('customer-service messages in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let oa = '';
  const pageErrors: string[] = [];

  /** POST /__sim/interact, as a test driving the simulator from outside would; waits until the console stored the push. */
  async function interact(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${stack.sim.url}/__sim/interact`, { method: 'POST', headers: { 'content-type': 'application/json', ...SIM_CONTROL_HEADERS }, body: JSON.stringify({ appid: oa, ...body }) });
    const { openid, push } = (await res.json()) as { openid: string; push: { outcome: string } };
    expect(push.outcome).toBe('success');
    await until(`${openid} stored as a user of ${oa}`, () => stack.store.oaUsers.get(APPID, oa, openid));
    return openid;
  }
  const row = (openid: string) => page.locator('.recipient-row', { has: page.locator('[data-test=recipient-openid]', { hasText: openid }) });

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-messages-secret-0123456789abcd', token: 'uiMessagesToken', aesKey: 'UiMeSsAgEsKeY0123456789abcdefghijklmnopqrst', deskKey: 'desk-key-for-the-ui-messages-test-0123456' },
      sim: { accounts: 4 },
      errors: pageErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    oa = stack.sim.seededAccount(0).appid;
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  it('a user who wrote is listed with the window open; an uploaded image is sent and lands in the sent log with its media id', async () => {
    const openid = await interact({ openid: 'oBrowserUser0001', content: '你好，在吗？' });
    await page.evaluate(() => (window.location.hash = '#/messages'));
    await page.locator('[data-test=messages-account]').click();
    await page.locator('.el-select-dropdown__item', { hasText: `(${oa})` }).click();
    await row(openid).locator('[data-test=window-badge]', { hasText: '可发送' }).waitFor();
    await row(openid).locator('text=文本消息').waitFor();
    await row(openid).click();
    expect(await page.locator('[data-test=f-touser]').inputValue()).toBe(openid);

    await page.locator('[data-test=type-image]').click();
    const uploadsBefore = stack.sim.getCalls('/cgi-bin/media/upload').length;
    // Bad files are refused in the browser with the rule named; nothing is uploaded.
    await page.locator('[data-test=file-media_id]').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
    await page.locator('[data-test=upload-note-media_id]', { hasText: '最大 2 MB' }).waitFor();
    await page.locator('[data-test=file-media_id]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.locator('[data-test=upload-note-media_id]', { hasText: '只接受 png/jpeg/jpg/gif' }).waitFor();
    expect(stack.sim.getCalls('/cgi-bin/media/upload').length).toBe(uploadsBefore);

    // The button opens the file picker (the valid file goes through it).
    const chooser = page.waitForEvent('filechooser');
    await page.locator('[data-test=upload-media_id]').click();
    await (await chooser).setFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-test=upload-note-media_id]', { hasText: '已上传 photo.png' }).waitFor();
    const media = stack.sim.getMedia(oa).at(-1)!;
    expect(media).toMatchObject({ filename: 'photo.png', size: PNG.length });
    expect(await page.locator('[data-test=f-media_id]').inputValue()).toBe(media.mediaId);
    await page.locator('[data-test=send]').click();
    await page.locator('[data-test=send-result]', { hasText: `已于` }).waitFor();
    expect(stack.sim.getCustomMessages(oa).at(-1)).toMatchObject({ touser: openid, msgtype: 'image', body: { image: { media_id: media.mediaId } } });
  });

  it('an empty text is refused with the rule named, and nothing is sent', async () => {
    const sends = stack.sim.getCalls('/cgi-bin/message/custom/send').length;
    await page.locator('[data-test=type-text]').click();
    await page.locator('[data-test=send]').click();
    await page.locator('[data-test=composer] .el-form-item__error', { hasText: '文本内容不能为空' }).waitFor();
    await page.locator('[data-test=message-issues]', { hasText: '1 处不符合微信的规则' }).waitFor();
    await page.locator('[data-test=f-content]').fill('字'.repeat(683));
    await page.locator('[data-test=composer] .el-form-item__error', { hasText: '最多 2048 字节' }).waitFor();
    await page.locator('[data-test=content-bytes]', { hasText: '2049 / 2048 字节' }).waitFor();
    await page.locator('[data-test=send]').click();
    expect(stack.sim.getCalls('/cgi-bin/message/custom/send').length).toBe(sends);
  });

  it('a user whose window closed is shown closed, and sending gets 45015 explained in Chinese', async () => {
    const openid = await interact({ openid: 'oBrowserOldUser1', content: '两天前的消息', secondsAgo: 49 * 3600 });
    await page.locator('[data-test=recipients-refresh]').click();
    await row(openid).locator('[data-test=window-badge]', { hasText: '已关闭' }).waitFor();
    await row(openid).click();
    await page.locator('[data-test=window-warning]').waitFor();
    await page.locator('[data-test=f-content]').fill('您好，这是客服回复');
    await page.locator('[data-test=send]').click();
    const result = page.locator('[data-test=send-result]');
    await result.filter({ hasText: '45015' }).waitFor();
    expect(await result.textContent()).toContain('48 小时');
    expect(stack.sim.getCustomMessages(oa).some((m) => m.touser === openid)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
