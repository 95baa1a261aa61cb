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
import { FIELDS_OF_TYPE, MENU_BUTTON_TYPES, type MenuButton } from '../../src/shared/oa/menu';
import type { RuntimeHost } from '../../src/main/services/host';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { getMenu } from '../../src/wechat/endpoints/oa-menu';
import { ensureRendererBuilt, haveChromium, launchChromium, rendererDir } from '../helpers/browser';
import { startConsoleStack, type Stack } from '../helpers/stack';

const APPID = 'wx4444555566667777';

/** A follower id the simulator puts on this client platform (it derives 1 iOS, 2 Android, 3 others from the id). */
function userOn(platform: 1 | 2 | 3): string {
  for (let i = 0; ; i++) {
    const id = `follower_${i}`;
    if ((createHash('sha1').update(id).digest()[0]! % 3) + 1 === platform) return id;
  }
}
const UI_TIMEOUT = 20_000;

function everyTypeMenu(): { button: MenuButton[] } {
  const leaf = (type: string, i: number): MenuButton => {
    const b: Record<string, string> = { type, name: `${type.slice(0, 6)}${i}` };
    for (const f of FIELDS_OF_TYPE[type as keyof typeof FIELDS_OF_TYPE]) b[f] = f === 'url' ? `https://example.com/${i}` : f === 'appid' ? 'wx286b93c14bbf93aa' : `${f}_${i}`;
    return b as unknown as MenuButton;
  };
  const types = [...MENU_BUTTON_TYPES];
  return { button: [0, 1, 2].map((g) => ({ name: `菜单${g}`, sub_button: types.slice(g * 5, g * 5 + 5).map((t, i) => leaf(t, g * 5 + i)) })) };
}

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
    await ensureRendererBuilt();
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'ui-menus-secret-0123456789abcdef0', token: 'uiMenusToken', aesKey: 'UiMeNuSkEy0123456789abcdefghijklmnopqrstuvw', deskKey: 'desk-key-for-the-ui-menus-test-0123456789' },
      sim: { accounts: 12 },
    }));
    server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: rendererDir, log: () => undefined });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    oa = stack.sim.seededAccount(0).appid;
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
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
  }, 60_000);

  it('imports a menu with every button type, publishes it, and WeChat has it identical', async () => {
    const menu = everyTypeMenu();
    const file = join(dir, 'menu.json');
    writeFileSync(file, JSON.stringify(menu));
    await page.locator('[data-test=menu-import-file]').setInputFiles(file);
    await page.locator('[data-test=node-2-2]').waitFor();
    await page.locator('[data-test=menu-publish]').click();
    await page.locator('.el-message', { hasText: '已发布，回读的菜单与发布的一致' }).waitFor();
    const atWeChat = await stack.engine.invokeAs(getMenu, oa, {});
    expect(atWeChat.menu.button).toEqual(menu.button);
    await page.locator('[data-test=menu-source]', { hasText: '当前菜单由接口发布' }).waitFor();
    await page.locator('[data-test=menu-history] .el-table__row').first().waitFor();
    await page.locator('[data-test=preview-top-1]').click();
    expect(await page.locator('[data-test=preview-sub-1]').innerText()).toContain(menu.button[1]!.sub_button![0]!.name);
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
});
