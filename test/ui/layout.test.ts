/**
 * Layout at the two laptop sizes operators use (1366×768 and 1440×900), in zh-CN and in English: on every screen,
 * with real data in it (authorizers, a failed event with a long dedupe key, API calls, the setup form), nothing is cut
 * off or spills out of its box, the page never scrolls sideways, and placeholders fit their inputs. Against the real
 * engine in this process (simulator, real relay, console server). Skipped when Chromium is not installed.
 *
 * With WXOPEN_SCREENSHOTS=1 it also refreshes docs/screenshots/<screen>-zh.png and -en.png at 1440×900.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeHost } from '../../src/main/services/host';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { ensureRendererBuilt, haveChromium, launchChromium, rendererDir } from '../helpers/browser';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { MsgCrypt } from '../../src/wechat/crypto';
import { setIndustry as setTemplateIndustry } from '../../src/wechat/endpoints/oa-template';
import type { CallAs } from '../../src/main/oa/menus';
import { addByShortId, sendTest } from '../../src/main/oa/templates';
import * as mpCode from '../../src/main/mp/code';
import { repoRoot } from '../helpers/paths';
import { startConsoleStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx7777888899990000';
const SECRET = 'ui-layout-secret-0123456789abcdef';
const TOKEN = 'uiLayoutToken';
const AES_KEY = 'LaYoUtKeY0123456789abcdefghijklmnopqrstuvwx';
const DESK_KEY = 'desk-key-for-the-ui-layout-test-0123456789';
const UI_TIMEOUT = 20_000;
/** An openid far longer than WeChat's 28 characters, so the dedupe key (FromUserName + CreateTime + Event) is long. */
const LONG_OPENID = 'oLayoutCheck_' + 'x7Kq2Zp9'.repeat(12);

const SHOTS_ON = process.env['WXOPEN_SCREENSHOTS'] === '1';
const SHOTS = SHOTS_ON ? join(repoRoot, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'wxopen-layout-shots-'));

const SIZES = [
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
] as const;
const LANGUAGES = ['zh-CN', 'en'] as const;

/**
 * Runs in the page: what is cut off or spilling. Each problem names the element (tag, data-test, classes, text).
 * - the page scrolls sideways;
 * - a piece of text reaching past its own box (spilling over a neighbour, e.g. a long key or an English button label),
 *   unless its box ends it with an ellipsis and shows the whole text on hover;
 * - a piece of text reaching past any box around it: spilling over (a label wider than its button), cut off, or
 *   hidden until someone scrolls a table or drawer sideways; code blocks (pre) may scroll;
 * - a placeholder wider than its input.
 */
function findLayoutProblems(): string[] {
  const problems: string[] = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
  const name = (el: Element): string => {
    const test = el.getAttribute('data-test');
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean).slice(0, 3).join('.') : '';
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return `${el.tagName.toLowerCase()}${test ? `[data-test=${test}]` : ''}${cls ? '.' + cls : ''} "${text}"`;
  };
  const explainedOnHover = (el: Element) =>
    el.closest('[title]') !== null || el.closest('.el-tooltip') !== null || el.closest('.el-tooltip__trigger') !== null;
  const ellipsized = (el: Element) => getComputedStyle(el).textOverflow === 'ellipsis' && explainedOnHover(el);
  const boxOf = (el: Element): Element => {
    let box: Element = el;
    while (box.parentElement && ['inline', 'contents'].includes(getComputedStyle(box).display)) box = box.parentElement;
    return box;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !(node.textContent ?? '').trim() || !parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    if (parent.closest('script, style, [aria-hidden=true]')) continue;
    range.selectNodeContents(node);
    const text = range.getBoundingClientRect();
    if (text.width === 0 || text.height === 0) continue;
    const box = boxOf(parent);
    const own = box.getBoundingClientRect();
    if ((text.right > own.right + 1 || text.left < own.left - 1) && !ellipsized(box)) {
      problems.push(`text spills ${Math.round(Math.max(text.right - own.right, own.left - text.left))}px out of its box: ${name(box)}`);
      continue;
    }
    // Every box around it must hold it too: a flex item wider than its button, a cell wider than its table.
    for (let a = box.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (['inline', 'contents'].includes(style.display)) continue;
      const outer = a.getBoundingClientRect();
      if (text.right > outer.right + 1 && !ellipsized(box) && a.tagName !== 'PRE') {
        const overflowX = style.overflowX;
        const how =
          overflowX === 'visible' ? 'spills out of' : overflowX === 'auto' || overflowX === 'scroll' ? 'hidden until scrolled sideways in' : 'cut off by';
        problems.push(`text ${how} ${name(a).slice(0, 70)} by ${Math.round(text.right - outer.right)}px: ${name(box)}`);
        break;
      }
      if (style.position === 'fixed') break;
    }
  }
  const canvas = document.createElement('canvas').getContext('2d')!;
  for (const input of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]')) {
    if (!input.placeholder || input.value || !input.checkVisibility() || input.getBoundingClientRect().width === 0) continue;
    const s = getComputedStyle(input);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const need = canvas.measureText(input.placeholder).width;
    if (need > room + 1) problems.push(`placeholder does not fit (${Math.round(need)} > ${Math.round(room)}px): "${input.placeholder}"`);
  }
  return [...new Set(problems)];
}

describe.skipIf(!haveChromium)('layout at 1366×768 and 1440×900, zh-CN and English', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  let firstAppid = '';
  let failedId = 0;
  let longKeyId = 0;
  let batchRunId = 0;
  let mpAppid = '';

  beforeAll(async () => {
    await ensureRendererBuilt();
    mkdirSync(SHOTS, { recursive: true });
    // Authorizers (and API calls in the log) from a sync; an event with a long dedupe key; a push that fails.
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY },
      sim: { accounts: 12, candidates: 3 },
    }));
    firstAppid = stack.sim.seededAccount(0).appid;
    await stack.sim.sendUserMessage({ appid: firstAppid, openid: LONG_OPENID, msgType: 'event', event: 'subscribe' });
    // A text message's dedupe key is AppId + MsgId + FromUserName + CreateTime, shown whole: long with this openid.
    await stack.sim.sendUserMessage({ appid: firstAppid, openid: LONG_OPENID, msgType: 'text', content: '你好' });
    longKeyId = (
      await until('the long-key message', () =>
        stack.store.events.list({ componentAppid: APPID, limit: 5 }).rows.find((e) => e.fromUser === LONG_OPENID && e.msgType === 'text' && (e.dedupeKey?.length ?? 0) > 100),
      )
    ).id;
    // A push WeChat would send with another EncodingAESKey: the relay accepts it (the signature is right), the desk
    // cannot decrypt it and stores it failed, with the reason and its explanation.
    const wrongKey = new MsgCrypt({ token: TOKEN, encodingAesKey: 'WrOnGkEy0123456789abcdefghijklmnopqrstuvwxy', appid: APPID });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const encrypt = wrongKey.encrypt(`<xml><AppId>${APPID}</AppId><CreateTime>${timestamp}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>ticket@@@x</ComponentVerifyTicket></xml>`);
    const signature = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID }).sign(timestamp, nonce, encrypt);
    const pushed = await request(`${stack.relay.url}/wechat/component?${new URLSearchParams({ timestamp, nonce, msg_signature: signature, encrypt_type: 'aes' })}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><AppId><![CDATA[${APPID}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
    await pushed.body.dump();
    failedId = (await until('the failed push stored', () => stack.store.events.list({ componentAppid: APPID, failedOnly: true, limit: 1 }).rows[0])).id;
    // Templates: an industry, a template added by the console, and a test send with its job-finish status.
    await stack.engine.invokeAs(setTemplateIndustry, firstAppid, { industry_id1: '1', industry_id2: '2' });
    const callAs: CallAs = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    const { templateId } = await addByShortId(callAs, stack.store, APPID, firstAppid, 'TM00015', 'console');
    const data = { first: { value: '您的订单已支付' }, orderMoneySum: { value: '30.00元' }, orderProductName: { value: '一本书' }, Remark: { value: '谢谢惠顾' } };
    const sent = await sendTest(callAs, stack.store, APPID, firstAppid, { templateId, touser: LONG_OPENID.slice(0, 64), data });
    await until('the job-finish status', () => stack.store.templates.sends(APPID, firstAppid).find((x) => x.msgid === sent.msgid && x.status));
    // A batch run with an account WeChat refused, so a run's rows (a failed one with its long reason) are measured.
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [stack.sim.seededAccount(4).appid], errcode: 48001 }] });
    batchRunId = stack.engine.batch.create({
      kind: 'oa.menu.apply',
      title: '布局检查 Layout check',
      params: { menu: { button: [{ type: 'click', name: '布局', key: 'LAYOUT' }] } },
      targets: [2, 4, 6].map((i) => stack.sim.seededAccount(i).appid),
      ratePerSecond: 100,
      autoStart: true,
    }).id;
    await until('the batch run done', () => stack.store.batch.getRun(batchRunId)?.status === 'done');
    stack.sim.setFaults({});
    // Registration tasks: a via-OA link waiting (links with QR codes) and an enterprise registration that failed.
    await stack.engine.mpRegister.createViaOa({ oaAppid: firstAppid, copyWxVerify: true });
    const failedReg = await stack.engine.mpRegister.createEnterprise({ name: '深圳市布局检查科技有限公司', code: '91440300MA5F000003', codeType: 1, legalPersonaWechat: 'layout_wx', legalPersonaName: '布局' });
    stack.sim.fastRegister({ name: '深圳市布局检查科技有限公司', status: 61070, msg: 'name, idcard, wechat name not in accordance' });
    await until('the failed registration', () => stack.engine.mpRegister.get(failedReg.id).stage === 'failed');
    // A mini program with a committed version and a rejected audit (a long reason, screenshot ids) in its history.
    mpAppid = stack.sim.seededAccount(1).appid;
    const invoke: mpCode.Invoke = (spec, appid, req) => stack.engine.invokeAs(spec, appid, req);
    await mpCode.commit(invoke, mpAppid, { templateId: 2, userVersion: '1.0.0', userDesc: '布局检查 layout check', ext: { extAppid: mpAppid } });
    stack.store.mpCode.recordCommit(APPID, { appid: mpAppid, templateId: 2, userVersion: '1.0.0', userDesc: '布局检查 layout check', committedAt: Date.now() });
    const { record } = await stack.engine.audits.submit(invoke, mpAppid, {}, { userVersion: '1.0.0', templateId: 2 });
    await stack.sim.decideAudit(mpAppid, { result: 'fail', reason: '小程序首页内容空白，无法体验核心功能；请补充页面内容后重新提交审核。'.repeat(3), screenshots: ['mediaShotA0123456789', 'mediaShotB0123456789'] });
    await until('the rejection recorded', () => stack.store.mpAudits.get(APPID, mpAppid, record.auditid)?.state === 'rejected');
    server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: rendererDir, log: () => undefined });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
    if (!SHOTS_ON) rmSync(SHOTS, { recursive: true, force: true });
  });

  /** Each screen: how to get there and what shows it is ready. */
  const screens: { name: string; open: (page: Page) => Promise<void> }[] = [
    { name: 'dashboard', open: async (p) => void (await p.locator('[data-test=ticket-card]').waitFor()) },
    {
      name: 'events',
      open: async (p) => {
        await p.locator('[data-test=events-table] .el-table__row').first().waitFor();
      },
    },
    {
      name: 'event-detail',
      open: async (p) => {
        await p.locator('[data-test=events-table] .el-table__row').filter({ has: p.locator('td:first-child', { hasText: new RegExp(`^${longKeyId}$`) }) }).click();
        await p.locator('[data-test=event-detail]').waitFor();
        await p.locator('[data-test=dedupe-key]', { hasText: LONG_OPENID.slice(0, 20) }).waitFor();
      },
    },
    {
      name: 'failed-event',
      open: async (p) => {
        await p.locator('[data-test=events-table] .el-table__row').filter({ has: p.locator('td:first-child', { hasText: new RegExp(`^${failedId}$`) }) }).click();
        await p.locator('[data-test=event-detail]', { hasText: '-40007' }).waitFor();
      },
    },
    { name: 'authorizers', open: async (p) => void (await p.locator('[data-test=authorizer-row]').first().waitFor()) },
    {
      name: 'authorizer-detail',
      open: async (p) => {
        await p.locator('[data-test=authorizer-row]').first().click();
        await p.locator('[data-test=authorizer-detail] .el-descriptions').waitFor();
      },
    },
    { name: 'authorize', open: async (p) => void (await p.locator('[data-test=create-link]').waitFor()) },
    { name: 'apilog', open: async (p) => void (await p.locator('[data-test=apilog] .el-table__row').first().waitFor()) },
    { name: 'setup', open: async (p) => void (await p.locator('[data-test=f-appid]').waitFor()) },
    { name: 'menus', open: async (p) => void (await p.locator('[data-test=node-form]').waitFor()) },
    // The account's user with the long openid (pushed above) is a recipient; picking them fills the composer.
    {
      name: 'messages',
      open: async (p) => {
        await p.locator('.recipient-row').first().click();
        await p.locator('[data-test=composer]').waitFor();
      },
    },
    { name: 'batch', open: async (p) => void (await p.locator('[data-test=batch]').waitFor()) },
    {
      name: 'batch-release-dialog',
      open: async (p) => {
        await p.locator('[data-test=release-open]').click();
        await p.locator('[data-test=release-dialog] [data-test=release-template]').waitFor();
      },
    },
    {
      name: 'workbench',
      open: async (p) => {
        // A read-only call with a JSON body, sent: the request, the answer and the quota panel all show.
        await p.locator('[data-test=wb-body-ok]').waitFor();
        await p.locator('[data-test=wb-send]').click();
        await p.locator('[data-test=wb-outcome]').waitFor();
        await p.locator('[data-test=quota-check]').click();
        await p.locator('[data-test=quota-numbers]').waitFor();
      },
    },
    {
      name: 'templates',
      open: async (p) => {
        await p.locator('[data-test=tpl-table] .el-table__row').first().waitFor();
        await p.locator('[data-test=tpl-sends-table] .el-table__row').first().waitFor();
        await p.locator('[data-test^=tpl-send-]').first().click();
        await p.locator('[data-test=send-form]').waitFor();
      },
    },
    {
      name: 'mp-code',
      open: async (p) => {
        await p.locator('[data-test=mpc-versions]').waitFor();
        await p.locator('[data-test=mpc-history] .el-table__row').first().waitFor();
        await p.locator('[data-test=mpc-submit-load]').click();
        await p.locator('[data-test=mpc-item-0]').waitFor();
      },
    },
    { name: 'code-templates', open: async (p) => void (await p.locator('[data-test=ct-runner-2]').first().waitFor()) },
    { name: 'batch-run', open: async (p) => void (await p.locator('[data-test=item-row][data-state=failed]').waitFor()) },
    {
      name: 'mp-register',
      open: async (p) => {
        await p.locator('[data-test=reg-startLink] img').waitFor();
        await p.locator('[data-test=reg-failure]').waitFor();
      },
    },
    // One mini program's settings: the basic info, then the other tabs of the same screen.
    { name: 'mini-programs', open: async (p) => void (await p.locator('[data-test=mp-intro-quota]').waitFor()) },
    ...(['categories', 'domains', 'testers', 'privacy', 'visit'] as const).map((tab) => ({
      name: `mini-programs-${tab}`,
      open: async (p: Page) => {
        await p.locator(`#tab-${tab}`).click();
        await p.locator(`[data-test=${{ categories: 'mp-cat-table', domains: 'mp-save-server', testers: 'mp-tester-bind', privacy: 'mp-privacy-save', visit: 'mp-visit-status' }[tab]}]`).waitFor();
      },
    })),
  ];
  const routeOf: Record<string, string> = {
    dashboard: '#/dashboard',
    events: '#/events',
    'event-detail': '#/events',
    'failed-event': '#/events?failed=1',
    authorizers: '#/authorizers',
    'authorizer-detail': '#/authorizers',
    authorize: '#/authorize',
    apilog: '#/apilog',
    setup: '#/setup',
    menus: '#/menus?appid=__FIRST__',
    messages: '#/messages?appid=__FIRST__',
    batch: '#/batch',
    'batch-release-dialog': '#/batch',
    workbench: '#/workbench?appid=__FIRST__&endpoint=openapi/quota/get',
    templates: '#/templates?appid=__FIRST__',
    'mp-code': '#/mp-code?appid=__MP__',
    'code-templates': '#/code-templates',
    'batch-run': '#/batch?id=__RUN__',
    'mp-register': '#/mp-register',
    'mini-programs': '#/mini-programs?appid=__MP__',
    ...Object.fromEntries(['categories', 'domains', 'testers', 'privacy', 'visit'].map((tab) => [`mini-programs-${tab}`, '#/mini-programs?appid=__MP__'])),
  };

  for (const language of LANGUAGES) {
    for (const size of SIZES) {
      it(`${language} at ${size.width}×${size.height}: nothing cut off or spilling on any screen`, async () => {
        const context = await browser.newContext({ viewport: size, locale: language });
        const page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT);
        const found: string[] = [];
        try {
          await page.goto(server.url);
          for (const screen of screens) {
            await page.keyboard.press('Escape'); // close a drawer left open by the screen before
            await page.evaluate((h) => (window.location.hash = h), routeOf[screen.name]!.replace('__FIRST__', firstAppid).replace('__RUN__', String(batchRunId)).replace('__MP__', mpAppid));
            await screen.open(page);
            // Measure the settled page: fonts loaded, drawers done sliding in.
            await page.evaluate(() => document.fonts.ready);
            await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
            for (const problem of await page.evaluate(findLayoutProblems)) found.push(`${screen.name}: ${problem}`);
            if (size.width === 1440) {
              const suffix = language === 'zh-CN' ? 'zh' : 'en';
              await page.screenshot({ path: join(SHOTS, `${screen.name}-${suffix}.png`) });
            }
          }
        } finally {
          await context.close();
        }
        expect(found).toEqual([]);
      }, 90_000);
    }
  }
});
