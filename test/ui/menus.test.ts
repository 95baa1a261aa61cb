/**
 * The menu editor and batch runs in a real browser against the real engine, relay and simulator: build a menu in the
 * tree (a name over its byte limit named while typing, a drag that makes a button a sub-button), import one with
 * every button type, publish it and find it at WeChat identical, see it in the phone preview and the history, then
 * apply it to every official account as a batch run: plan, start, all done. In zh-CN. Skipped without Chromium.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import type { MenuButton } from '../../src/shared/oa/menu';
import { getMenu } from '../../src/wechat/endpoints/oa-menu';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { everyTypeMenu } from '../helpers/menus';
import type { Stack } from '../helpers/stack';

const APPID = 'wx4444555566667777';

/** A follower id the simulator puts on this client platform (it derives 1 iOS, 2 Android, 3 others from the id). */
function userOn(platform: 1 | 2 | 3): string {
  for (let i = 0; ; i++) {
    const id = `follower_${i}`;
    if ((createHash('sha1').update(id).digest()[0]! % 3) + 1 === platform) return id;
  }
}
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('menu editor and batch runs in a browser', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let oa = '';
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-menus-ui-'));
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-menus-secret-0123456789abcdef0', token: 'uiMenusToken', aesKey: 'UiMeNuSkEy0123456789abcdefghijklmnopqrstuvw', deskKey: 'desk-key-for-the-ui-menus-test-0123456789' },
      sim: { accounts: 12 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    oa = stack.sim.seededAccount(0).appid;
    // The every-type menu opens this mini program; the batch test applies it to every official account.
    for (let i = 0; i < 12; i += 2) stack.sim.setMiniProgramLink(stack.sim.seededAccount(i).appid, stack.sim.seededAccount(1).appid);
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a menu in the tree: limits named while typing, a drag makes a sub-button', async () => {
    await page.evaluate((a) => (window.location.hash = `#/menus?appid=${a}`), oa);
    await page.locator('[data-test=menu-source]', { hasText: '该公众号还没有菜单' }).waitFor();
    await page.locator('[data-test=add-top]').click();
    await page.locator('[data-test=f-name]').fill('一个超过十六字节的名字');
    await page.locator('[data-test=node-form]', { hasText: '最多 16 字节' }).waitFor();
    await page.locator('[data-test=f-name]').fill('今日');
    await page.locator('[data-test=f-key]').fill('TODAY');
    await page.locator('[data-test=add-top]').click();
    await page.locator('[data-test=f-name]').fill('更多');
    await page.locator('[data-test=add-sub-1]').click();
    await page.locator('[data-test=f-name]').fill('官网');
    await page.locator('[data-test=f-type]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '跳转网页（view）' }).click();
    await page.locator('[data-test=f-url]').fill('https://example.com/');
    await page.locator('[data-test=menu-issues]', { hasText: '符合微信的菜单规则' }).waitFor();
    // Drag the first top-level button into the second one's sub-menu.
    await page.locator('[data-test=node-0]').dragTo(page.locator('[data-test=drop-into-1]'));
    await page.locator('[data-test=node-0-1]', { hasText: '今日' }).waitFor();
    expect(await page.locator('[data-test=phone-preview]').innerText()).toContain('更多');

    // Every other limit, named where it is hit: 3 top-level, 5 below one, 60-byte sub names, 128-byte keys, 1,024-byte urls.
    const form = page.locator('[data-test=node-form]');
    await page.locator('[data-test=add-top]').click();
    await page.locator('[data-test=f-name]').fill('二');
    await page.locator('[data-test=f-key]').fill('K2');
    await page.locator('[data-test=add-top]').click();
    await page.locator('[data-test=f-name]').fill('三');
    await page.locator('[data-test=f-key]').fill('K3');
    await page.locator('[data-test=add-top]').click();
    await page.locator('.el-message', { hasText: '菜单最多 3 个一级按钮' }).waitFor();
    for (let i = 0; i < 3; i++) await page.locator('[data-test=add-sub-0]').click(); // 官网, 今日 + 3 = 5
    await page.locator('[data-test=add-sub-0]').click();
    await page.locator('.el-message', { hasText: '每个一级按钮下最多 5 个二级按钮' }).waitFor();
    await page.locator('[data-test=node-0-4]').click();
    await page.locator('[data-test=f-name]').fill('子'.repeat(21)); // 63 bytes
    await form.filter({ hasText: '二级按钮名称最多 60 字节' }).waitFor();
    await page.locator('[data-test=f-name]').fill('子'.repeat(20));
    await page.locator('[data-test=f-key]').fill('k'.repeat(129));
    await form.filter({ hasText: 'key 最多 128 字节' }).waitFor();
    await page.locator('[data-test=f-key]').fill('k'.repeat(128));
    await page.locator('[data-test=f-type]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '跳转网页（view）' }).click();
    await page.locator('[data-test=f-url]').fill('https://example.com/' + 'x'.repeat(1005)); // 1,025 bytes
    await form.filter({ hasText: 'url 最多 1024 字节' }).waitFor();
    await page.locator('[data-test=f-url]').fill('https://example.com/' + 'x'.repeat(1004));
    await expect.poll(() => form.innerText()).not.toMatch(/名称最多 60 字节|key 最多 128 字节|url 最多 1024 字节/);

    // A miniprogram button offers the mini programs linked to this account, and warns about one that is not.
    const linked = stack.sim.seededAccount(1);
    await page.locator('[data-test=node-0-0]').click();
    await page.locator('[data-test=f-type]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '跳转小程序（miniprogram）' }).click();
    await page.locator('[data-test=f-appid]').click();
    await page.locator('.el-select-dropdown__item', { hasText: `${linked.nickName} (${linked.appid})` }).click();
    await page.locator('[data-test=f-pagepath]').fill('pages/index');
    expect(await page.locator('[data-test=not-linked]').count()).toBe(0);
    await page.locator('[data-test=f-appid]').click();
    await page.keyboard.type('wx0123456789abcdef');
    await page.locator('.el-select-dropdown__item', { hasText: 'wx0123456789abcdef' }).click();
    await page.locator('[data-test=not-linked]', { hasText: '没有关联到这个公众号' }).waitFor();
  }, 60_000);

  it('imports a menu with every button type, publishes it, and WeChat has it identical', async () => {
    const menu = everyTypeMenu(stack.sim.seededAccount(1).appid, 6);
    const file = join(dir, 'menu.json');
    // As WeChat's menu/get answers it: {menu: {button}}, with an empty sub_button on every plain button.
    const withEmptySubs = (b: MenuButton): MenuButton => (b.sub_button ? { ...b, sub_button: b.sub_button.map(withEmptySubs) } : { ...b, sub_button: [] });
    writeFileSync(file, JSON.stringify({ menu: { button: menu.button.map(withEmptySubs), menuid: 208396938 } }));
    await page.locator('[data-test=menu-import-file]').setInputFiles(file);
    await page.locator('[data-test=node-2-2]').waitFor();
    await page.locator('[data-test=menu-publish]').click();
    await page.locator('.el-message', { hasText: '已发布，回读的菜单与发布的一致' }).waitFor();
    const atWeChat = await stack.engine.invokeAs(getMenu, oa, {});
    expect(atWeChat.menu.button).toEqual(menu.button);
    await page.locator('[data-test=menu-source]', { hasText: '当前菜单由接口发布' }).waitFor();
    await page.locator('[data-test=menu-history] .el-table__row').first().waitFor();
    // The preview shows the published menu: every top-level button, and each one's sub-buttons in order.
    for (const [i, top] of menu.button.entries()) {
      expect(await page.locator(`[data-test=preview-top-${i}]`).innerText()).toContain(top.name);
      await page.locator(`[data-test=preview-top-${i}]`).click();
      const names = (await page.locator(`[data-test=preview-sub-${i}] .item`).allInnerTexts()).map((x) => x.trim());
      expect(names).toEqual(top.sub_button!.map((b) => b.name));
    }
  }, 60_000);

  it('applies the menu to every official account as a batch run: plan, start, all done', async () => {
    await page.locator('[data-test=menu-apply-many]').click();
    await page.locator('[data-test=apply-plan]').click();
    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    // The account just published is skipped (it has this menu); the other five official accounts will change.
    await page.locator('[data-test=count-pending]', { hasText: '5' }).waitFor();
    await page.locator('[data-test=count-skipped]', { hasText: '1' }).waitFor();
    await page.locator('[data-test=run-start]').click();
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=count-done]', { hasText: '5' }).waitFor();
    await page.locator('[data-test=run-items]', { hasText: '菜单已发布' }).waitFor();
    expect(await page.locator('[data-test=run-' + (await page.url()).split('id=')[1] + ']').innerText()).toContain('发布菜单');
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('conditional menus: a match rule checked as typed, WeChat\'s refusal explained, made for Android, try-matched, deleted', async () => {
    await page.evaluate((a) => (window.location.hash = `#/menus?appid=${a}`), oa);
    await page.locator('[data-test=cond-none]').waitFor();
    // The rules WeChat enforces are listed with their meanings.
    await page.locator('[data-test=cond-code-65303]', { hasText: '没有默认菜单' }).waitFor();
    // The conditional menu differs from the default one in its first button's name.
    await page.locator('[data-test=node-0]').click();
    await page.locator('[data-test=f-name]').fill('安卓专享');
    await page.locator('[data-test=cond-tag]').fill('12a');
    await page.locator('[data-test=cond-menus]', { hasText: '标签 tag_id 只能是数字，最多 10 位' }).waitFor();
    expect(await page.locator('[data-test=cond-create]').isDisabled()).toBe(true);
    await page.locator('[data-test=cond-tag]').fill('');
    await page.locator('[data-test=cond-menus]', { hasText: '匹配规则不能为空' }).waitFor();
    await page.locator('[data-test=cond-platform]').click();
    await page.locator('[data-test=cond-platform-android]').click();

    // WeChat refuses (the account is at its limit): the meaning is shown and the editor keeps its work.
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/addconditional', appids: [oa], errcode: 65305 }] });
    await page.locator('[data-test=cond-create]').click();
    await page.locator('.el-message', { hasText: '个性化菜单数量受限' }).waitFor();
    expect(await page.locator('[data-test=node-0]').innerText()).toContain('安卓专享');
    stack.sim.setFaults({});

    await page.locator('[data-test=cond-create]').click();
    await page.locator('.el-message', { hasText: '已创建个性化菜单' }).first().waitFor();
    await page.locator('[data-test=cond-rule]', { hasText: '客户端：Android' }).waitFor();
    const atWeChat = await stack.engine.invokeAs(getMenu, oa, {});
    expect(atWeChat.conditionalmenu).toHaveLength(1);
    const menuid = String(atWeChat.conditionalmenu![0]!.menuid);
    expect(atWeChat.conditionalmenu![0]!.matchrule).toEqual({ client_platform_type: '2' });

    await page.locator('[data-test=cond-user]').fill('ab');
    await page.locator('[data-test=cond-menus]', { hasText: 'openid 或微信号：6 到 64 个字母' }).waitFor();
    await page.locator('[data-test=cond-user]').fill(userOn(2));
    await page.locator('[data-test=cond-try]').click();
    await page.locator('[data-test=cond-match]', { hasText: `该粉丝看到的是个性化菜单 ${menuid}（客户端：Android）` }).waitFor();
    expect(await page.locator('[data-test=cond-match]').innerText()).toContain('安卓专享');
    await page.locator('[data-test=cond-user]').fill(userOn(1));
    await page.locator('[data-test=cond-try]').click();
    await page.locator('[data-test=cond-match]', { hasText: '该粉丝看到的是默认菜单' }).waitFor();

    await page.locator(`[data-test=cond-delete-${menuid}]`).click();
    await page.locator('.el-message-box', { hasText: `删除个性化菜单 ${menuid}（客户端：Android）` }).waitFor();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=cond-none]').waitFor();
    expect((await stack.engine.invokeAs(getMenu, oa, {})).conditionalmenu).toBeUndefined();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
  it('a batch run for the rows ticked on the Authorizers screen, or for its current filter', async () => {
    const [a, b] = [2, 4].map((i) => stack.sim.seededAccount(i));
    await page.evaluate(() => (window.location.hash = '#/authorizers'));
    for (const acc of [a!, b!]) await page.locator(`[data-test=authorizer-row][data-appid="${acc.appid}"] [data-test=row-check]`).check();
    await page.evaluate((x) => (window.location.hash = `#/menus?appid=${x}`), oa);
    await page.locator('[data-test=node-form], [data-test=node-0]').first().waitFor();
    await page.locator('[data-test=menu-apply-many]').click();
    await page.locator('[data-test=target-ticked]', { hasText: '勾选的 2 个' }).click();
    await page.locator('[data-test=apply-plan]').click();
    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    const runId = Number(/[?&]id=(\d+)/.exec(page.url().split('#')[1] ?? '')?.[1]);
    expect(stack.store.batch.items(runId, { limit: 50 }).map((x) => x.appid).sort()).toEqual([a!.appid, b!.appid].sort());

    // The screen's filter: a search for one account's name, described in words with its count.
    await page.evaluate(() => (window.location.hash = '#/authorizers'));
    await page.locator('[data-test=authorizers-search]').fill(b!.nickName);
    await page.locator('[data-test=authorizers-search]').press('Enter');
    await page.locator('[data-test=authorizers-total]', { hasText: '1' }).waitFor();
    await page.evaluate((x) => (window.location.hash = `#/menus?appid=${x}`), oa);
    await page.locator('[data-test=menu-apply-many]').click();
    await page.locator('[data-test=target-filter]').click();
    await page.locator('[data-test=target-filter-words]', { hasText: `搜索“${b!.nickName}” · 1 个账号` }).waitFor();
    await page.locator('[data-test=target-list]').click();
    await page.locator('[data-test=target-appids]').fill('wx123');
    await page.locator('[data-test=target-problem]', { hasText: '第 1 个不是 appid' }).waitFor();
    expect(await page.locator('[data-test=apply-plan]').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
  }, 60_000);
});
