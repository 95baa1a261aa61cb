import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_METHODS, APP_EVENTS, type ApiEnvelope, type AppEventName } from '../../src/shared/contract';
import { createRouter, type Router } from '../../src/main/ipc/router';
import { argSchemas } from '../../src/main/ipc/schemas';
import { isTrustedIpcSender } from '../../src/main/ipc/sender';
import type { SenderInfo } from '../../src/main/ipc/types';
import { createHandlers } from '../../src/main/services/handlers';
import { FAKE_AUTHORIZER_APPID, FAKE_PLATFORM_APPID, createFakeHost, type FakeHostFixture } from './fake-runtime';

const WINDOW_ID = 7;
const TRUSTED: SenderInfo = { transport: 'ipc', frameUrl: 'app://renderer/index.html', isMainFrame: true, webContentsId: WINDOW_ID };
const expected = { webContentsId: WINDOW_ID, allowedOrigins: ['app://renderer'] };

let fx: FakeHostFixture;
let router: Router;
let events: { event: AppEventName; payload: unknown }[];

async function call(method: unknown, args?: unknown, sender: SenderInfo = TRUSTED): Promise<ApiEnvelope<any>> {
  return router.dispatch(method, args, sender);
}

async function ok(method: string, args?: unknown): Promise<any> {
  const envelope = await call(method, args);
  if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result;
}

async function setup(opts?: Parameters<typeof createFakeHost>[0]) {
  fx = await createFakeHost(opts);
  events = [];
  fx.host.subscribe((event, payload) => events.push({ event, payload }));
  router = createRouter({ handlers: createHandlers(fx.host), trustSender: (s) => isTrustedIpcSender(s, expected) });
}

afterEach(async () => {
  await fx?.cleanup();
});

describe('contract coverage', () => {
  beforeEach(() => setup());

  it('has exactly one handler and one schema per contract method', () => {
    const handlers = createHandlers(fx.host);
    expect(Object.keys(handlers).sort()).toEqual([...API_METHODS].sort());
    expect(Object.keys(argSchemas).sort()).toEqual([...API_METHODS].sort());
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    for (const m of API_METHODS) expect(m).toMatch(/^[a-z]+\/[a-zA-Z]+$/);
    for (const e of APP_EVENTS) expect(e).toMatch(/^[a-z]+:[a-z]+$/);
  });

  it('rejects an unknown method with a clear error', async () => {
    const envelope = await call('events/destroyEverything', {});
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: expect.stringContaining('"events/destroyEverything"'), messageZh: expect.stringContaining('未知的方法 "events/destroyEverything"') },
    });
    const notString = await call(42, {});
    expect(notString.ok).toBe(false);
    if (!notString.ok) expect(notString.error.code).toBe('unknown_method');
  });
});

describe('sender check', () => {
  beforeEach(() => setup());

  const foreign: [string, SenderInfo][] = [
    ['another origin', { ...TRUSTED, frameUrl: 'https://evil.example/' } as SenderInfo],
    ['an iframe of the window', { ...TRUSTED, isMainFrame: false } as SenderInfo],
    ['another window', { ...TRUSTED, webContentsId: WINDOW_ID + 1 } as SenderInfo],
    ['an unparseable frame URL', { ...TRUSTED, frameUrl: 'not a url' } as SenderInfo],
    ['the HTTP transport', { transport: 'http', token: 'whatever' }],
  ];
  for (const [name, sender] of foreign) {
    it(`refuses ${name} before running anything`, async () => {
      const envelope = await call('platform/save', { componentAppid: 'wx1111111111111111', name: 'intruder' }, sender);
      expect(envelope.ok).toBe(false);
      if (!envelope.ok) expect(envelope.error.code).toBe('forbidden');
      expect(fx.store.platforms.get('wx1111111111111111')).toBeNull();
    });
  }

  it('accepts the main window', async () => {
    const result = await ok('app/info');
    expect(result).toMatchObject({ mode: 'console', selectedAppid: FAKE_PLATFORM_APPID, version: '0.0.0-test' });
  });
});

describe('argument validation', () => {
  beforeEach(() => setup());

  it('names the field that is out of range', async () => {
    const envelope = await call('events/list', { limit: 9999 });
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('invalid_arguments');
    expect(envelope.error.message).toMatch(/^Invalid arguments for events\/list: limit: /);
    expect(envelope.error.messageZh).toMatch(/^events\/list 的参数无效：limit：数值过大/);
    expect(envelope.error.details).toEqual({ issues: [{ path: 'limit', message: expect.any(String), messageZh: expect.stringMatching(/^数值过大/) }] });
  });

  it('names unexpected keys, missing fields and nested fields', async () => {
    const extra = await call('events/get', { id: 1, sql: 'drop table' });
    expect(!extra.ok && extra.error.message).toContain('sql');
    const missing = await call('events/get', {});
    expect(!missing.ok && (missing.error.details as any).issues[0].path).toBe('id');
    const nested = await call('setup/test', {
      check: 'decrypt',
      sample: { timestamp: '1', nonce: 'n', msgSignature: 'short', body: '<xml/>' },
    });
    expect(!nested.ok && nested.error.message).toContain('sample.msgSignature: must be the 40-hex-digit msg_signature');
    const badAppid = await call('platform/select', { componentAppid: 'not-an-appid' });
    expect(!badAppid.ok && badAppid.error.message).toContain('componentAppid: must be a WeChat appid');
    // A schema's own "English / 中文" message gives each language its half.
    expect(!badAppid.ok && badAppid.error.message).not.toMatch(/[\u4e00-\u9fff]/);
    expect(!badAppid.ok && badAppid.error.messageZh).toBe('platform/select 的参数无效：componentAppid：须为微信 appid：wx 加 16 位十六进制字符');
  });

  it('refuses arguments that are not an object', async () => {
    for (const args of ['text', 5, [1, 2]]) {
      const envelope = await call('events/list', args);
      expect(!envelope.ok && envelope.error.code).toBe('invalid_arguments');
    }
    // Methods without arguments accept an absent argument.
    expect((await call('dashboard/get')).ok).toBe(true);
  });
});

describe('platforms and secrets', () => {
  beforeEach(() => setup());

  it('never returns secret values, only which secrets are set', async () => {
    const saved = await ok('platform/save', {
      componentAppid: 'wx2222222222222222',
      name: 'Second',
      appSecret: 'abcdefabcdefabcdefabcdefabcdef12',
      token: 'MessageToken1',
      encodingAesKey: 'a'.repeat(43),
    });
    expect(saved).toMatchObject({ hasAppSecret: true, hasToken: true, hasEncodingAesKey: true, hasDeskKey: false });
    const listed = await ok('platform/list');
    const got = await ok('platform/get', { componentAppid: 'wx2222222222222222' });
    const wire = JSON.stringify([saved, listed, got]);
    for (const secret of ['abcdefabcdefabcdefabcdefabcdef12', 'MessageToken1', 'a'.repeat(43), 'secret-value-1234567890abcdef']) {
      expect(wire).not.toContain(secret);
    }
    expect(listed.platforms.map((p: any) => p.componentAppid).sort()).toEqual([FAKE_PLATFORM_APPID, 'wx2222222222222222']);
  });

  it('explains a malformed secret', async () => {
    const envelope = await call('platform/save', { componentAppid: 'wx2222222222222222', name: 'x', encodingAesKey: 'short' });
    expect(!envelope.ok && envelope.error.message).toContain('encodingAesKey: must be the 43-character EncodingAESKey');
  });

  it('selects a platform, stopping the previous runtime', async () => {
    await ok('platform/save', { componentAppid: 'wx2222222222222222', name: 'Second' });
    const selected = await ok('platform/select', { componentAppid: 'wx2222222222222222' });
    expect(selected.componentAppid).toBe('wx2222222222222222');
    expect(fx.runtimes[0]!.stopped).toBe(true);
    expect(fx.runtimes.at(-1)!.componentAppid).toBe('wx2222222222222222');
    expect(events).toContainEqual({ event: 'platform:changed', payload: { selectedAppid: 'wx2222222222222222' } });
    const missing = await call('platform/select', { componentAppid: 'wx3333333333333333' });
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });
});

describe('insecure secret storage (Linux basic_text)', () => {
  beforeEach(() => setup({ insecureSecretStorage: true }));

  it('refuses to store secrets until the user opts in', async () => {
    const info = await ok('app/info');
    expect(info.secretStorage).toMatchObject({ insecure: true, secretsAllowed: false, warning: expect.stringContaining('keyring') });
    const refused = await call('platform/save', { componentAppid: FAKE_PLATFORM_APPID, name: 'x', token: 'NewToken' });
    expect(!refused.ok && refused.error.code).toBe('secret_storage');
    expect(fx.store.platforms.get(FAKE_PLATFORM_APPID)!.hasToken).toBe(false);
    // Saving without secrets still works.
    expect((await call('platform/save', { componentAppid: FAKE_PLATFORM_APPID, name: 'renamed' })).ok).toBe(true);

    expect(await ok('settings/set', { allowInsecureSecretStorage: true })).toMatchObject({ allowInsecureSecretStorage: true });
    await ok('platform/save', { componentAppid: FAKE_PLATFORM_APPID, name: 'x', token: 'NewToken' });
    expect(fx.store.platforms.get(FAKE_PLATFORM_APPID)!.hasToken).toBe(true);
  });
});

describe('use cases over the store and runtime', () => {
  beforeEach(() => setup());

  it('keeps the time-zone setting, refuses an unknown zone in English and Chinese, and loses nothing', async () => {
    expect(await ok('settings/get')).toMatchObject({ timeZone: null });
    expect(await ok('settings/set', { timeZone: 'Europe/Berlin' })).toMatchObject({ timeZone: 'Europe/Berlin' });
    const bad = await call('settings/set', { timeZone: 'Mars/Olympus', language: 'en' });
    expect(!bad.ok && bad.error.code).toBe('invalid_arguments');
    expect(!bad.ok && bad.error.message).toContain('Mars/Olympus');
    expect(!bad.ok && bad.error.messageZh).toContain('未知时区');
    // The refused call changed nothing, not even its valid part.
    expect(await ok('settings/get')).toMatchObject({ timeZone: 'Europe/Berlin', language: null });
    expect(await ok('settings/set', { timeZone: null })).toMatchObject({ timeZone: null });
  });

  it('reports no_platform with a way forward when nothing is configured', async () => {
    await fx.cleanup();
    await setup({ withPlatform: false });
    const envelope = await call('dashboard/get');
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'no_platform', message: expect.stringContaining('Setup'), messageZh: expect.stringContaining('设置') },
    });
  });

  it('turns a WeChat errcode into wechat_error explained in Chinese and English', async () => {
    const envelope = await call('setup/test', { check: 'componentToken' });
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('wechat_error');
    expect(envelope.error.message).toContain('61004');
    expect(envelope.error.details).toMatchObject({
      errcode: 61004,
      path: '/cgi-bin/component/api_component_token',
      explanation: { code: 61004, zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.any(String) },
    });
    const relay = await ok('setup/test', { check: 'relay' });
    expect(relay).toMatchObject({ check: 'relay', ok: false, message: 'the relay refused the desk key' });
  });

  it('syncs authorizers with progress events, lists, exports CSV safely', async () => {
    const sync = await ok('authorizers/sync');
    expect(sync).toMatchObject({ total: 2, added: 2 });
    const progress = events.filter((e) => e.event === 'sync:progress').map((e) => e.payload);
    expect(progress.at(-1)).toEqual({ phase: 'done', done: 2, total: 2 });

    const list = await ok('authorizers/list', { kind: 'OA' });
    expect(list.total).toBe(1);
    expect(list.rows[0].appid).toBe(FAKE_AUTHORIZER_APPID);
    expect(list.counts.total).toBe(2);
    expect(JSON.stringify(list)).not.toContain('refresh-');

    const csv = await ok('authorizers/export', { format: 'csv' });
    expect(csv.rows).toBe(2);
    expect(csv.content.startsWith('\uFEFFappid,kind,')).toBe(true);
    expect(csv.content).toContain('"测试公众号, ""quoted"""');
    expect(csv.content).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.content).not.toContain('refresh-');
    expect(events.filter((e) => e.event === 'export:progress').at(-1)?.payload).toEqual({ done: 2, total: 2 });

    const json = await ok('authorizers/export', { format: 'json', kind: 'MP' });
    expect(JSON.parse(json.content)).toHaveLength(1);
  });

  it('exports chosen columns of selected rows, and XLSX as base64 of a real workbook', async () => {
    await ok('authorizers/sync');
    const picked = await ok('authorizers/export', { format: 'csv', columns: ['nickName', 'appid'], appids: [FAKE_AUTHORIZER_APPID] });
    expect(picked.rows).toBe(1);
    const lines = picked.content.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('nick_name,appid');
    expect(lines[1]!.endsWith(`,${FAKE_AUTHORIZER_APPID}`)).toBe(true);
    expect(lines).toHaveLength(2);

    const xlsx = await ok('authorizers/export', { format: 'xlsx', columns: ['appid', 'status'] });
    expect(xlsx.encoding).toBe('base64');
    expect(xlsx.fileName.endsWith('.xlsx')).toBe(true);
    const { unzipSync, strFromU8 } = await import('fflate');
    const sheet = strFromU8(unzipSync(Buffer.from(xlsx.content, 'base64'))['xl/worksheets/sheet1.xml']!);
    expect(sheet.match(/<row /g)).toHaveLength(3);
    expect(sheet).toContain(FAKE_AUTHORIZER_APPID);

    const noColumns = await call('authorizers/export', { format: 'csv', columns: [] });
    expect(!noColumns.ok && noColumns.error.message).toContain('columns');
    const badColumn = await call('authorizers/export', { format: 'xlsx', columns: ['refreshToken'] });
    expect(!badColumn.ok && badColumn.error.code).toBe('invalid_arguments');
  });

  it('sets and reads authorizer options, refusing unknown authorizers', async () => {
    await ok('authorizers/sync');
    await ok('authorizers/setOption', { appid: FAKE_AUTHORIZER_APPID, optionName: 'voice_recognize', optionValue: '1' });
    expect(await ok('authorizers/getOption', { appid: FAKE_AUTHORIZER_APPID, optionName: 'voice_recognize' })).toEqual({
      appid: FAKE_AUTHORIZER_APPID,
      optionName: 'voice_recognize',
      optionValue: '1',
    });
    const unknown = await call('authorizers/getOption', { appid: 'wxbbbbbbbbbbbbbbbb', optionName: 'voice_recognize' });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const badName = await call('authorizers/getOption', { appid: FAKE_AUTHORIZER_APPID, optionName: 'rm -rf' });
    expect(!badName.ok && badName.error.message).toContain('optionName');
  });

  it('lists events without bodies, gets one in full, reruns it', async () => {
    const { id } = fx.store.events.insert({
      componentAppid: FAKE_PLATFORM_APPID,
      kind: 'authorizer',
      receivedAt: Date.now(),
      rawBody: '<xml><Encrypt>abc</Encrypt></xml>',
      plaintext: '<xml><Content>你好</Content></xml>',
      status: 'failed',
      failReason: 'reply failed: errcode 45047',
      msgType: 'text',
    });
    const page = await ok('events/list', {});
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).not.toHaveProperty('rawBody');
    expect(page.rows[0]).not.toHaveProperty('plaintext');
    const detail = await ok('events/get', { id });
    expect(detail.plaintext).toContain('你好');
    expect(detail.explanation).toMatchObject({ code: 45047 });
    const rerun = await ok('events/rerun', { id });
    expect(rerun.handledNote).toBe('rerun by fake');
    const missing = await call('events/get', { id: id + 100 });
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });

  it('creates an authorization link and lists it', async () => {
    const link = await ok('auth/createLink', { authType: 3 });
    expect(link).toMatchObject({ authType: 3, status: 'pending', componentAppid: FAKE_PLATFORM_APPID });
    const links = await ok('auth/listLinks', {});
    expect(links.map((l: any) => l.id)).toEqual([link.id]);
    const bad = await call('auth/createLink', { authType: 9 });
    expect(!bad.ok && bad.error.message).toContain('authType');
  });

  it('builds the dashboard from the store and the runtime status', async () => {
    fx.store.tickets.add(FAKE_PLATFORM_APPID, 'ticket@@@x', Math.floor(Date.now() / 1000), Date.now() - 1000);
    const dash = await ok('dashboard/get');
    expect(dash).toMatchObject({
      componentAppid: FAKE_PLATFORM_APPID,
      ticket: { overdue: false },
      relay: { state: 'connected', cursor: 7 },
      componentToken: { present: false, msLeft: null },
      authorizers: { total: 0 },
    });
    expect(dash.ticket.nextExpectedAt - dash.ticket.lastReceivedAt).toBe(30_000);
  });

  it('opens only allow-listed external links', async () => {
    const evil = await call('shell/openExternal', { url: 'https://evil.example/phish' });
    expect(!evil.ok && evil.error.code).toBe('forbidden');
    const plain = await call('shell/openExternal', { url: 'http://mp.weixin.qq.com/' });
    expect(!plain.ok && plain.error.code).toBe('forbidden');
    // Console mode has no openExternal: the browser opens it itself.
    expect(await ok('shell/openExternal', { url: 'https://mp.weixin.qq.com/cgi-bin/componentloginpage' })).toEqual({ opened: false });
  });

  it('explains errcodes directly', async () => {
    const known = await ok('errcode/explain', { errcode: 40001 });
    expect(known).toMatchObject({ code: 40001, known: true });
  });
});

describe('error mapping of the engine\'s errors', () => {
  it('maps the API client\'s errors to wechat_error / unavailable with their own scrubbed messages', async () => {
    const { toApiError } = await import('../../src/main/ipc/router');
    const { WeChatApiError, WeChatTransportError } = await import('../../src/main/api');
    const api = toApiError(
      new WeChatApiError(61004, 'access clientip is not registered requestIP: 1.2.3.4 rid: 1', 'rid-1', '/cgi-bin/component/api_component_token'),
    );
    expect(api.code).toBe('wechat_error');
    expect(api.message).toContain('1.2.3.4');
    expect(api.messageZh).toMatch(/^微信接口 \/cgi-bin\/component\/api_component_token 返回错误码 61004：调用方 IP 不在/);
    expect(api.details).toMatchObject({ errcode: 61004, rid: 'rid-1', explanation: { code: 61004, known: true } });
    const transport = toApiError(new WeChatTransportError('network', '/cgi-bin/component/api_component_token', 'connect ECONNREFUSED'));
    expect(transport).toEqual({ code: 'unavailable', message: expect.stringContaining('ECONNREFUSED'), messageZh: expect.stringContaining('无法连接微信接口') });
    expect(toApiError(new Error('boom'))).toEqual({ code: 'internal', message: 'Unexpected failure: boom', messageZh: '意外错误：boom' });
  });
});
