/**
 * Batch release in a browser (console host, relay and simulator on loopback, Chromium, zh-CN): the Batch screen's
 * "批量发布小程序" dialog with a template from the library, an ext_json template refused with the field named until
 * fixed, three mini programs from an imported list; the plan; the run started; the simulator's reviewer approves two
 * and rejects one with a reason and a screenshot; the live counts per stage and the rejected row with its reason and
 * screenshot id. Skipped without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import type { ConsoleServer } from '../../src/server/console-server';
import { haveChromium } from '../helpers/browser';
import { closeConsolePage, openConsolePage } from '../helpers/console-page';
import { until, type Stack } from '../helpers/stack';

const APPID = 'wx5555666677771234';
const UI_TIMEOUT = 20_000;

describe.skipIf(!haveChromium)('batch release in a browser', () => {
  let stack: Stack;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let mps: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    let host: RuntimeHost;
    ({ stack, host, server, browser, page } = await openConsolePage({
      creds: { componentAppid: APPID, secret: 'ui-release-secret-0123456789abcdef', token: 'uiReleaseToken', aesKey: 'UiReLeAsEkEy0123456789abcdefghijklmnopqrstu', deskKey: 'desk-key-for-the-ui-release-test-0123456' },
      sim: { accounts: 8 },
      errors: consoleErrors,
      timeoutMs: UI_TIMEOUT,
    }));
    void host;
    await until('the first ticket', () => stack.store.tickets.latest(APPID), 30_000);
    await stack.engine.syncAuthorizers(() => undefined);
    mps = [1, 3, 5].map((i) => stack.sim.seededAccount(i).appid);
    stack.sim.setAuditSettings({ auditSeconds: null });
    stack.sim.setPrivacyDeclared(null, true);
    await page.goto(`${server.url}#/batch`);
  }, 120_000);

  afterAll(async () => {
    await closeConsolePage({ browser, server, stack });
  });

  it('dialog → plan → run → live counts per stage, the rejected row with its reason and screenshot', async () => {
    await page.locator('[data-test=release-open]').click();
    const dialog = page.locator('[data-test=release-dialog]');
    await dialog.waitFor();
    await page.locator('[data-test=release-template]').click();
    await page.locator('[data-test=release-template-3]').click();
    await page.locator('[data-test=release-version]').fill('5.0.0');
    await page.locator('[data-test=release-desc]').fill('批量发布测试');
    // A variable neither an account field nor a CSV column: refused with the field named, the plan button disabled.
    await page.locator('[data-test=release-ext]').fill('{"ext":{"shop":"${shop}"}}');
    await page.locator('[data-test=release-ext-problem]', { hasText: 'extJson：未知变量 ${shop}' }).waitFor();
    expect(await page.locator('[data-test=release-plan]').isDisabled()).toBe(true);
    await page.locator('[data-test=release-ext]').fill('{"extAppid":"${appid}","ext":{"name":"${nickname}"}}');
    await page.locator('[data-test=release-ext-problem]').waitFor({ state: 'detached' });
    await dialog.locator('[data-test=target-list]').click();
    await dialog.locator('[data-test=target-appids]').fill(mps.join('\n'));
    await page.locator('[data-test=release-poll] input').fill('1');
    await page.locator('[data-test=release-plan]').click();

    await page.locator('[data-test=run-status]', { hasText: '已计划，等待开始' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=count-pending]', { hasText: '3' }).waitFor();
    await page.locator('[data-test=run-start]').click();
    await page.locator('[data-test=stage-submitted]', { hasText: '审核中 3' }).waitFor({ timeout: 30_000 });

    await stack.sim.decideAudit(mps[0]!, { result: 'success' });
    await stack.sim.decideAudit(mps[1]!, { result: 'success' });
    await stack.sim.decideAudit(mps[2]!, { result: 'fail', reason: '功能不完整<br>请补充', screenshots: ['shot-media-1'] });
    await page.locator('[data-test=stage-released]', { hasText: '已发布 2' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-test=stage-rejected]', { hasText: '审核未通过 1' }).waitFor();
    await page.locator('[data-test=run-status]', { hasText: '已完成' }).waitFor();
    const rejected = page.locator(`[data-test=item-row][data-appid=${mps[2]}][data-stage=rejected]`);
    await rejected.waitFor();
    expect(await rejected.innerText()).toContain('功能不完整 请补充');
    expect(await rejected.innerText()).toContain('shot-media-1');
    expect(stack.sim.miniProgram(mps[0]!).live?.userVersion).toBe('5.0.0');
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('hold on approval: "release the approved" runs the held ones; "roll back" takes them back to the version before', async () => {
    const two = [7, 5].map((i) => stack.sim.seededAccount(i).appid); // 5 was rejected above; 7 is new
    const held = await stack.engine.batch.create({
      kind: 'mp.release',
      title: '等待确认',
      params: { templateId: 2, userVersion: '6.0.0', userDesc: '等待确认', extJson: '{"extAppid":"${appid}"}', policy: { onApproval: 'hold', pollSeconds: 1, stopWhenRejectedPercent: 100 } },
      targets: two,
      autoStart: true,
    });
    await until('both submitted', () => stack.engine.batch.get(held.id).stages.submitted === 2, 30_000);
    for (const a of two) await stack.sim.decideAudit(a, { result: 'success' });
    await page.evaluate((id) => (window.location.hash = `#/batch?id=${id}`), held.id);
    await page.locator('[data-test=stage-held]', { hasText: '通过，待确认发布 2' }).waitFor({ timeout: 30_000 });
    expect(two.map((a) => stack.sim.miniProgram(a).live?.userVersion ?? null)).toEqual([null, null]);

    await page.locator('[data-test=run-release-held]', { hasText: '发布已通过的 2 个' }).click();
    await page.locator('h3', { hasText: `发布任务 #${held.id} 中已通过的账号` }).waitFor();
    await page.locator('[data-test=stage-released]', { hasText: '已发布 2' }).waitFor({ timeout: 30_000 });
    expect(two.map((a) => stack.sim.miniProgram(a).live?.userVersion)).toEqual(['6.0.0', '6.0.0']);

    // mps[0] runs 5.0.0 from the first test: a release of 7.0.0 to it, then rolled back to 5.0.0.
    const first = mps[0]!;
    const again = await stack.engine.batch.create({
      kind: 'mp.release',
      title: '回退测试',
      params: { templateId: 2, userVersion: '7.0.0', userDesc: '回退测试', extJson: '{}', policy: { pollSeconds: 1 } },
      targets: [first],
      autoStart: true,
    });
    await until('submitted', () => stack.engine.batch.get(again.id).stages.submitted === 1, 30_000);
    await stack.sim.decideAudit(first, { result: 'success' });
    await until('released', () => stack.engine.batch.get(again.id).status === 'done', 30_000);
    await page.evaluate((id) => (window.location.hash = `#/batch?id=${id}`), again.id);
    await page.locator('[data-test=run-rollback]', { hasText: '回退已发布的 1 个' }).click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=stage-rolled_back]', { hasText: '已回退 1' }).waitFor({ timeout: 30_000 });
    expect(stack.sim.miniProgram(first).live?.userVersion).toBe('5.0.0');
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('gray release: "release to everyone" finishes the gray after a confirmation', async () => {
    const second = mps[1]!; // runs 5.0.0 from the first test
    const gray = await stack.engine.batch.create({
      kind: 'mp.release',
      title: '灰度测试',
      params: { templateId: 2, userVersion: '8.0.0', userDesc: '灰度测试', extJson: '{}', policy: { pollSeconds: 1, grayPercentage: 20 } },
      targets: [second],
      autoStart: true,
    });
    await until('submitted', () => stack.engine.batch.get(gray.id).stages.submitted === 1, 30_000);
    await stack.sim.decideAudit(second, { result: 'success' });
    await until('in gray', () => stack.engine.batch.get(gray.id).status === 'done', 30_000);
    expect(stack.sim.miniProgram(second).gray).toMatchObject({ status: 1, percentage: 20 });
    await page.evaluate((id) => (window.location.hash = `#/batch?id=${id}`), gray.id);
    await page.locator('[data-test=run-release-full]', { hasText: '全量发布灰度中的 1 个' }).click();
    expect(await page.locator('.el-message-box__message').innerText()).toContain('1 个小程序的灰度版本将发布给全部用户');
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('h3', { hasText: `全量发布任务 #${gray.id} 中灰度的账号` }).waitFor();
    await page.locator('[data-test=stage-released]', { hasText: '已发布 1' }).waitFor({ timeout: 30_000 });
    expect(stack.sim.miniProgram(second).live?.userVersion).toBe('8.0.0');
    expect(stack.sim.miniProgram(second).gray).toMatchObject({ status: 3 });
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
