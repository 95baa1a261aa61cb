/**
 * The console speaks the operator's language on its failure paths, in a real browser (Chromium through playwright-core)
 * against a real stack on loopback: store, relay, simulator, engine and console server. The test sends what goes
 * wrong in practice: a push encrypted with another EncodingAESKey, a push encrypted for another appid, an
 * authorization event whose code WeChat refuses, a push the relay refuses (bad signature), and an API error (the
 * simulator's fault injection answers 45009). In zh-CN every verdict, note and message shown must contain Chinese
 * and no English sentence; in en the same places show English. Skipped when Chromium is not installed.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src/main/services/host';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';
import { MsgCrypt } from '../../src/wechat/crypto';
import { ensureRendererBuilt, haveChromium, launchChromium, rendererDir } from '../helpers/browser';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5a5b5c5d5e5f6071';
const SECRET = 'ui-language-secret-0123456789abc';
const TOKEN = 'uiLanguageToken';
const AES_KEY = 'LaNgUaGeTeStKeY0123456789abcdefghijklmnopqr';
const OTHER_AES_KEY = 'OtHeRkEy0123456789abcdefghijklmnopqrstuvwxy';
const DESK_KEY = 'desk-key-for-the-ui-language-test-0123456789';
const UI_TIMEOUT = 30_000;

const CJK = /[\u3400-\u9fff]/;
/**
 * An English sentence: three or more English words in a row, separated by spaces or commas. A word is a whole
 * token of letters, lower case after its first (a, Token, platform's); anything glued to digits, underscores,
 * slashes, dots or hyphens is a code, path or identifier (api_query_auth, /cgi-bin/component, EncodingAESKey,
 * wx5a5b…, 61004), so it neither counts nor joins a run. Upper-case abbreviations (XML, HTTP, AES) are codes too.
 */
const ENGLISH_SENTENCE = /(?<![\w/.'’-])[A-Za-z][a-z]*(?:['’][a-z]+)?(?:[ ,]+[A-Za-z][a-z]*(?:['’][a-z]+)?){2,}(?![\w/.'’-])/;
/** Chinese names of console settings and WeChat fields that English sentences quote on purpose. */
const QUOTED_CHINESE = ['消息校验Token', '消息加解密Key', '授权事件接收URL', '消息与事件接收URL', '白名单', '修改', '开放平台', '第三方平台'];

function readsChinese(text: string): boolean {
  return CJK.test(text) && !ENGLISH_SENTENCE.test(text);
}
function readsEnglish(text: string): boolean {
  const rest = QUOTED_CHINESE.reduce((t, term) => t.split(term).join(''), text);
  return !CJK.test(rest) && (ENGLISH_SENTENCE.test(text) || /^[A-Za-z][a-z]+(?: [a-z]+)?$/.test(text.trim()));
}

describe('the failure paths speak the operator\'s language', () => {
  it('tells an English sentence from codes and Chinese', () => {
    expect(ENGLISH_SENTENCE.test('解密失败（错误码 -40007）：EncodingAESKey 不匹配，检查开放平台的消息加解密Key')).toBe(false);
    expect(ENGLISH_SENTENCE.test('换取授权信息（api_query_auth）失败：微信接口 /cgi-bin/component/api_query_auth 返回错误码 40029：code 无效或已过期')).toBe(false);
    expect(ENGLISH_SENTENCE.test('已解密，但消息属于 appid “wx0000000000000bad”，不是本平台的 component appid')).toBe(false);
    expect(ENGLISH_SENTENCE.test('decryption failed (errcode -40007): wrong EncodingAESKey or corrupt ciphertext')).toBe(true);
    expect(ENGLISH_SENTENCE.test('WeChat API /cgi-bin/component/api_query_auth failed with errcode 40029')).toBe(true);
    expect(ENGLISH_SENTENCE.test('解密失败：the push could not be opened')).toBe(true);
    expect(ENGLISH_SENTENCE.test("Is the Token the platform's key?")).toBe(true);
    expect(ENGLISH_SENTENCE.test('not a duplicate')).toBe(true);
  });
});

describe.skipIf(!haveChromium)('failure paths in a browser, zh-CN then en', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let server: ConsoleServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  let failedIds: number[] = [];

  /** POSTs a component push to the relay as WeChat would, encrypted with `crypt` (or with a wrong signature). */
  async function pushComponent(plaintext: string, crypt: MsgCrypt, opts: { badSignature?: boolean } = {}): Promise<number> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const encrypt = crypt.encrypt(plaintext);
    const signature = opts.badSignature ? 'f'.repeat(40) : new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID }).sign(timestamp, nonce, encrypt);
    const query = new URLSearchParams({ timestamp, nonce, msg_signature: signature, encrypt_type: 'aes' });
    const res = await request(`${stack.relay.url}/wechat/component?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><AppId><![CDATA[${APPID}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
    await res.body.dump();
    return res.statusCode;
  }

  const ticketXml = (ticket: string) =>
    `<xml><AppId>${APPID}</AppId><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>${ticket}</ComponentVerifyTicket></xml>`;

  beforeAll(async () => {
    await ensureRendererBuilt();
    stack = await startStack({
      creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY },
      sim: { accounts: 2, candidates: 1 },
      emit: (event, payload) => host?.emit(event, payload as never),
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    host = new RuntimeHost({
      store: stack.store,
      mode: 'console',
      dataDir: stack.dir,
      version: 'test',
      secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
      createRuntime: async () => stack.engine,
    });
    await host.select(APPID);
    server = await startConsoleServer({ runtimeHost: host, port: 0, staticDir: rendererDir, log: () => undefined });
    browser = await launchChromium();

    // 1. Encrypted with another EncodingAESKey: the signature passes (same Token), decryption fails.
    expect(await pushComponent(ticketXml('ticket@@@wrong-key'), new MsgCrypt({ token: TOKEN, encodingAesKey: OTHER_AES_KEY, appid: APPID }))).toBe(200);
    // 2. Encrypted for another appid: decrypts, but the trailing appid is not this platform's.
    expect(await pushComponent(ticketXml('ticket@@@wrong-appid'), new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: 'wx0000000000000bad' }))).toBe(200);
    // 3. An authorization event whose code WeChat does not know: the code exchange fails with 40029.
    const authorized =
      `<xml><AppId>${APPID}</AppId><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><InfoType>authorized</InfoType>` +
      '<AuthorizerAppid>wx9999888877776666</AuthorizerAppid><AuthorizationCode>queryauthcode@@@not-issued</AuthorizationCode>' +
      '<AuthorizationCodeExpiredTime>1999999999</AuthorizationCodeExpiredTime><PreAuthCode>preauthcode@@@none</PreAuthCode></xml>';
    expect(await pushComponent(authorized, new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID }))).toBe(200);
    // 4. A push the relay refuses: the signature does not match the Token.
    expect(await pushComponent(ticketXml('ticket@@@bad-signature'), new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID }), { badSignature: true })).not.toBe(200);
    // 5. An API error: the simulator answers every authorizer-list call with 45009 (daily quota reached).
    const fault = await request(`${stack.sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wxopen-sim': '1' },
      body: JSON.stringify({ rules: [{ path: '/cgi-bin/component/api_get_authorizer_list', quotaErrorShare: 1 }] }),
    });
    expect(fault.statusCode).toBe(200);
    await fault.body.dump();

    failedIds = await until(
      'three failed events, the code exchange settled',
      () => {
        const rows = stack.store.events.list({ componentAppid: APPID, failedOnly: true, limit: 10 }).rows;
        return rows.length === 3 ? rows.map((r) => r.id) : null;
      },
      30_000,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
  });

  /** Every verdict, note and message the failure paths show, with where it was read. */
  async function collect(locale: 'zh-CN' | 'en'): Promise<{ where: string; text: string }[]> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: locale === 'en' ? 'en-US' : 'zh-CN' });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const shown: { where: string; text: string }[] = [];
    const add = (where: string, text: string) => {
      if (text.trim()) shown.push({ where, text: text.trim() });
    };
    const go = (hash: string) => page.evaluate((h) => (window.location.hash = h), hash);
    try {
      await page.goto(server.url);
      const zh = locale === 'zh-CN';

      // The dashboard: the refusals warning and every alert line; the refusals dialog's reasons and rows.
      const refusals = page.locator('[data-test=refusals-alert]');
      await refusals.waitFor();
      const alertLines = await page.locator('[data-test=alerts] .alert-line').allInnerTexts();
      // Each line ends with its "view" link or button, a word of the UI's own.
      for (const line of alertLines) add('dashboard alert', line.replace(zh ? /\s*查看$/ : /\s*View$/, ''));
      await refusals.locator('[data-test=alert-view]').click();
      const dialog = page.locator('[data-test=refusals-dialog]');
      await dialog.locator('[data-test=refusals-table] .el-table__row').first().waitFor();
      for (const reason of await dialog.locator('[data-test=refusal-reason]').allInnerTexts()) add('refusal reason', reason);
      const reasonColumn = await dialog.locator('[data-test=refusals-table] .el-table__row td:nth-child(2)').allInnerTexts();
      for (const reason of reasonColumn) add('refusal row reason', reason);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      // The events: each failed push's detail, cell by cell (status with the reason, verdicts, note, explanation).
      await go('#/events');
      await page.locator('[data-test=events-table] .el-table__row').first().waitFor();
      for (const id of failedIds) {
        const row = page.locator('[data-test=events-table] .el-table__row', { has: page.locator(`td:first-child >> text="${id}"`) });
        const reasonCell = (await row.locator('td').allInnerTexts()).at(-2) ?? '';
        add(`event #${id} list reason`, reasonCell);
        await row.click();
        const drawer = page.locator('[data-test=event-detail]');
        await drawer.locator('.el-drawer__title', { hasText: `#${id}` }).waitFor();
        await drawer.locator('.el-descriptions').waitFor();
        const cells = await drawer.evaluate((el) =>
          [...el.querySelectorAll('.el-descriptions__label')].map((label) => [label.textContent?.trim() ?? '', label.nextElementSibling?.textContent?.trim() ?? '']),
        );
        const wanted = zh
          ? ['结果', '签名校验', 'appid 校验', '解析', '去重', '处理说明', '错误说明']
          : ['Result', 'Signature', 'appid check', 'Parse', 'Dedupe', 'Handling note', 'Explanation'];
        for (const [label, content] of cells) {
          if (!wanted.includes(label!)) continue;
          // The result cell is "失败 · <reason>": both parts are checked, the word and the sentence.
          for (const part of content!.split(' · ')) add(`event #${id} ${label}`, part);
        }
        await page.keyboard.press('Escape');
        await drawer.locator('.el-drawer').waitFor({ state: 'hidden' });
      }

      // The authorizers: a sync that WeChat refuses (45009) shows the API error.
      await go('#/authorizers');
      await page.locator('[data-test=sync]').click();
      const syncError = page.locator('[data-test=authorizers] .el-alert--error .el-alert__title');
      await syncError.waitFor();
      add('sync error', await syncError.innerText());

      // The API log: the meaning of each failed call (the 45009 answers, the 40029 of the code exchange), found by
      // its column's header so added columns do not move it.
      await go('#/apilog');
      const apilog = page.locator('[data-test=apilog]');
      await apilog.locator('.el-table__row').first().waitFor();
      const meanings = await apilog.evaluate((el, header) => {
        const heads = [...el.querySelectorAll('.el-table__header th')].map((th) => th.textContent?.trim());
        const col = heads.indexOf(header);
        return [...el.querySelectorAll('.el-table__body .el-table__row')]
          .map((tr) => [tr.children[col]?.textContent?.trim() ?? '', tr.textContent ?? ''])
          .filter(([, row]) => /45009|40029/.test(row!))
          .map(([meaning]) => meaning);
      }, zh ? '含义' : 'Meaning');
      for (const meaning of meanings) add('api log meaning', meaning!);

      // Setup: the decrypt check against the newest push (the authorization event, which decrypts).
      await go('#/setup');
      await page.locator('[data-test=check-decrypt] button').click();
      const result = page.locator('[data-test=check-result-decrypt]');
      await result.waitFor();
      add('setup check', (await result.innerText()).replace(/^[✔✘]\s*/, ''));
    } finally {
      await context.close();
    }
    return shown;
  }

  it('zh-CN: every verdict, note and message on the failure paths is Chinese, with no English sentence', async () => {
    const shown = await collect('zh-CN');
    expect(shown.filter((s) => !readsChinese(s.text))).toEqual([]);
    const where = shown.map((s) => s.where);
    // Each failure path was reached and read.
    for (const needed of ['dashboard alert', 'refusal reason', 'refusal row reason', 'sync error', 'api log meaning', 'setup check']) expect(where).toContain(needed);
    expect(where.filter((w) => /Explanation|错误说明/.test(w))).toHaveLength(3);
    const texts = shown.map((s) => s.text).join('\n');
    expect(texts).toContain('解密失败：EncodingAESKey 不匹配，检查开放平台的消息加解密Key');
    expect(texts).toContain('appid 校验失败');
    expect(texts).toContain('code 无效或已过期');
    expect(texts).toContain('签名不符，请检查 Token');
    expect(texts).toContain('接口调用已达今日上限');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('en: the same places read English', async () => {
    const shown = await collect('en');
    expect(shown.filter((s) => !readsEnglish(s.text))).toEqual([]);
    expect(shown.map((s) => s.where)).toContain('sync error');
    const texts = shown.map((s) => s.text).join('\n');
    expect(texts).toContain('Decryption failed: the EncodingAESKey does not match');
    expect(texts).toContain('Invalid or expired code');
    expect(texts).toContain('signature mismatch, check the Token');
    expect(texts).toContain('Daily API quota reached');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
