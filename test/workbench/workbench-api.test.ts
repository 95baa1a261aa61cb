/**
 * workbench/* and batch/export through the router (zod schemas, handlers, error envelope) against the real engine,
 * relay and simulator: a call sent with the console's token lands in the API log with the token nowhere; a 40001
 * shows its meaning; a QR code comes back as a JPEG; bad input is refused before anything is sent; the quota read,
 * cleared (the simulator's 45009 stops), and 48006 when the month's clears are used up.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCallDetail, ApiEnvelope, BatchRun, ExportResult, QuotaInfo, WorkbenchEndpointList } from '../../src/shared/contract';
import type { WorkbenchSendResult } from '../../src/shared/workbench';
import { ENDPOINTS } from '../../src/wechat';
import type { Router } from '../../src/main/ipc/router';
import type { RuntimeHost } from '../../src/main/services/host';
import { trustedRouter } from '../helpers/router-calls';
import { startConsoleStack, type Stack } from '../helpers/stack';

const APPID = 'wx7777000011112222';

describe('workbench/* through the router', () => {
  let stack: Stack;
  let host: RuntimeHost;
  let router: Router;
  let oa = '';
  let mp = '';

  beforeAll(async () => {
    ({ stack, host } = await startConsoleStack({
      creds: { componentAppid: APPID, secret: 'workbench-secret-0123456789abcdef0', token: 'workbenchToken', aesKey: 'WoRkBeNcHkEy0123456789abcdefghijklmnopqrstu', deskKey: 'desk-key-for-the-workbench-test-012345678' },
      sim: { accounts: 6 },
    }));
    router = trustedRouter(host);
    oa = stack.sim.seededAccount(0).appid;
    mp = stack.sim.seededAccount(1).appid;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const call = <T>(method: string, args: unknown) => router.dispatch(method as never, args, {} as never) as Promise<ApiEnvelope<T>>;
  async function ok<T>(method: string, args: unknown): Promise<T> {
    const res = await call<T>(method, args);
    if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
    return res.result;
  }
  const tokenOf = (appid: string) => stack.store.tokens.getAuthorizer(APPID, appid)?.token;

  it('lists every spec with an example naming the chosen account, and says which it will not send', async () => {
    const list = await ok<WorkbenchEndpointList>('workbench/endpoints', { appid: oa });
    expect(list.endpoints.map((e) => e.name)).toEqual(ENDPOINTS.map((s) => s.name));
    expect(list.baseUrl).toBe(stack.sim.url);
    const info = list.endpoints.find((e) => e.name === 'api_get_authorizer_info')!;
    expect(JSON.parse(info.example)).toEqual({ component_appid: APPID, authorizer_appid: oa });
    expect(list.endpoints.find((e) => e.name === 'api_component_token')!.unavailable?.en).toContain('secrets are never typed');
    expect(list.endpoints.find((e) => e.name === 'api_authorizer_token')!.unavailable).not.toBeNull();
    expect(list.endpoints.find((e) => e.name === 'media/upload')!.unavailable?.zh).toContain('-F media=@FILE');
    expect(list.endpoints.find((e) => e.name === 'menu/create')!.unavailable).toBeNull();
  });

  it('sends with the account\'s own token: the answer, latency, and the API log row, the token nowhere', async () => {
    const list = await ok<WorkbenchEndpointList>('workbench/endpoints', { appid: oa });
    const example = list.endpoints.find((e) => e.name === 'menu/create')!.example;
    const res = await ok<WorkbenchSendResult>('workbench/send', { name: 'menu/create', appid: oa, body: example });
    expect(res).toMatchObject({ outcome: 'ok', errcode: 0, explanation: null, binary: null });
    expect(res.request.url).toBe('/cgi-bin/menu/create?access_token=ACCESS_TOKEN');
    expect(JSON.parse(res.request.body!)).toEqual(JSON.parse(example));
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.apiLogIds).toHaveLength(1);
    const row = await ok<ApiCallDetail>('apilog/get', { id: res.apiLogIds[0]! });
    expect(row).toMatchObject({ path: '/cgi-bin/menu/create', appid: oa, errcode: 0, method: 'POST', tokenParam: 'access_token' });
    const token = tokenOf(oa);
    expect(token).toBeTruthy();
    expect(JSON.stringify(res)).not.toContain(token!);
    expect(JSON.stringify(row)).not.toContain(token!);
    // WeChat has the menu.
    const got = await ok<WorkbenchSendResult>('workbench/send', { name: 'menu/get', appid: oa, body: '' });
    expect(JSON.parse(got.response!).menu.button[0].name).toBe('今日歌曲');
  });

  it('a component API goes with the platform token whichever account is picked; its answer\'s tokens are redacted', async () => {
    const res = await ok<WorkbenchSendResult>('workbench/send', { name: 'api_get_authorizer_info', appid: oa, body: JSON.stringify({ component_appid: APPID, authorizer_appid: oa }) });
    expect(res.request.url).toBe('/cgi-bin/component/api_get_authorizer_info?component_access_token=COMPONENT_ACCESS_TOKEN');
    const answer = JSON.parse(res.response!);
    expect(answer.authorization_info.authorizer_refresh_token).toBe('***');
    expect(res.apiLogIds).toHaveLength(1);
    const quota = await ok<WorkbenchSendResult>('workbench/send', { name: 'openapi/quota/get', appid: null, body: '{"cgi_path": "/cgi-bin/menu/get"}' });
    expect(quota.request.url).toBe('/cgi-bin/openapi/quota/get?access_token=COMPONENT_ACCESS_TOKEN');
    expect(quota.apiLogIds).toHaveLength(1);
    expect((await ok<ApiCallDetail>('apilog/get', { id: quota.apiLogIds[0]! })).appid).toBe(APPID);
  });

  it('a 40001 comes back with its meaning and rid; both attempts (refresh and retry) are in the log', async () => {
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/get', appids: [oa], errcode: 40001 }] });
    try {
      const res = await ok<WorkbenchSendResult>('workbench/send', { name: 'menu/get', appid: oa, body: '{}' });
      expect(res).toMatchObject({ outcome: 'wechat_error', errcode: 40001, explanation: { code: 40001, known: true } });
      expect(res.explanation!.zh).toMatch(/令牌|access_token/);
      expect(res.rid).toMatch(/^[0-9a-f-]+$/);
      expect(res.apiLogIds).toHaveLength(2);
    } finally {
      stack.sim.setFaults({});
    }
  });

  it('a binary answer (the trial QR code) comes back as the JPEG', async () => {
    const res = await ok<WorkbenchSendResult>('workbench/send', { name: 'wxa/get_qrcode', appid: mp, body: '{"path": "pages/index/index"}' });
    expect(res.outcome).toBe('ok');
    expect(res.request.url).toBe('/wxa/get_qrcode?path=pages%2Findex%2Findex&access_token=ACCESS_TOKEN');
    expect(res.binary).toMatchObject({ contentType: 'image/jpeg', filename: 'QRCode.jpg' });
    const bytes = Buffer.from(res.binary!.base64, 'base64');
    expect(bytes.byteLength).toBe(res.binary!.size);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(res.response).toBeNull();
  });

  it('refuses before sending: bad JSON (line and column), a typed token, a broken rule, the wrong caller, a secret-taking API', async () => {
    const before = stack.sim.getCalls().length;
    const bad = await call('workbench/send', { name: 'menu/create', appid: oa, body: '{\n  "button": [}' });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'invalid_arguments', details: { line: 2, column: 15 } });
    expect(!bad.ok && bad.error.message).toContain('line 2, column 15');
    expect(!bad.ok && bad.error.messageZh).toContain('第 2 行第 15 列');
    const typed = await call('workbench/send', { name: 'menu/get', appid: oa, body: '{"access_token": "abc"}' });
    expect(!typed.ok && typed.error.message).toContain('"access_token"');
    const rule = await call('workbench/send', { name: 'menu/create', appid: oa, body: '{"button": []}' });
    expect(!rule.ok && rule.error.message).toContain('button must be a list of 1–3 buttons');
    const platform = await call('workbench/send', { name: 'menu/get', appid: null, body: '{}' });
    expect(!platform.ok && platform.error.messageZh).toContain('请选择一个授权账号');
    const secret = await call('workbench/send', { name: 'api_component_token', appid: null, body: '{}' });
    expect(!secret.ok && secret.error.code).toBe('invalid_arguments');
    const upload = await call('workbench/send', { name: 'media/upload', appid: oa, body: '{"type": "image"}' });
    expect(!upload.ok && upload.error.message).toContain('Copy as curl');
    const unknown = await call('workbench/send', { name: 'no/such', appid: oa, body: '{}' });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    expect(stack.sim.getCalls().length).toBe(before);
  });

  it('reads the quota, clears it (the simulator\'s 45009 stops) and counts the clears', async () => {
    const target = stack.sim.seededAccount(2).appid;
    stack.sim.setQuota({ dailyQuota: { '/cgi-bin/get_current_selfmenu_info': 2 } });
    for (let i = 0; i < 2; i++) expect((await ok<WorkbenchSendResult>('workbench/send', { name: 'get_current_selfmenu_info', appid: target, body: '{}' })).errcode).toBe(0);
    const hit = await ok<WorkbenchSendResult>('workbench/send', { name: 'get_current_selfmenu_info', appid: target, body: '{}' });
    expect(hit).toMatchObject({ outcome: 'wechat_error', errcode: 45009, explanation: { action: 'clear_quota' } });
    const q = await ok<QuotaInfo>('workbench/getQuota', { appid: target, cgiPath: '/cgi-bin/get_current_selfmenu_info' });
    expect(q).toMatchObject({ appid: target, quota: { dailyLimit: 2, used: 2, remain: 0 }, clearsPerMonth: 10, clearsThisMonth: 0 });
    const cleared = await ok<QuotaInfo>('workbench/clearQuota', { appid: target });
    expect(cleared).toMatchObject({ appid: target, clearsThisMonth: 1 });
    const after = await ok<QuotaInfo>('workbench/getQuota', { appid: target, cgiPath: '/cgi-bin/get_current_selfmenu_info' });
    expect(after.quota).toMatchObject({ used: 0, remain: 2 });
    expect((await ok<WorkbenchSendResult>('workbench/send', { name: 'get_current_selfmenu_info', appid: target, body: '{}' })).errcode).toBe(0);
    // The platform's own quota, with the component token.
    expect(await ok<QuotaInfo>('workbench/clearQuota', { appid: null })).toMatchObject({ appid: APPID, clearsThisMonth: 1 });
  });

  it('48006: the month\'s clears used up (fault injection, then the real count) comes back explained', async () => {
    const target = stack.sim.seededAccount(4).appid;
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/clear_quota', appids: [target], errcode: 48006 }] });
    const injected = await call('workbench/clearQuota', { appid: target });
    stack.sim.setFaults({});
    expect(!injected.ok && injected.error).toMatchObject({ code: 'wechat_error', details: { errcode: 48006 } });
    expect(!injected.ok && injected.error.messageZh).toContain('48006');
    for (let i = 0; i < 10; i++) await ok('workbench/clearQuota', { appid: target });
    const eleventh = await call('workbench/clearQuota', { appid: target });
    expect(!eleventh.ok && eleventh.error).toMatchObject({ code: 'wechat_error', details: { errcode: 48006, explanation: { known: true } } });
    expect((await ok<QuotaInfo>('workbench/getQuota', { appid: target })).clearsThisMonth).toBe(10);
  });

  it('batch/export: the run report as XLSX, read back with exceljs (types, words, Chinese, dates), and as CSV', async () => {
    const targets = [0, 2, 1].map((i) => stack.sim.seededAccount(i).appid); // two official accounts and a mini program
    stack.sim.setFaults({ rules: [{ path: '/cgi-bin/menu/create', appids: [targets[1]!], errcode: 48001 }] });
    const run = await ok<BatchRun>('batch/create', {
      kind: 'oa.menu.apply',
      title: '报表',
      params: { menu: { button: [{ type: 'click', name: '报表', key: 'report' }] } },
      target: { by: 'appids', appids: targets },
      ratePerSecond: 100,
      autoStart: true,
    });
    await stack.engine.batch.idle(run.id);
    await ok('batch/start', { id: run.id }).catch(() => undefined);
    await stack.engine.batch.idle(run.id);
    stack.sim.setFaults({});
    const x = await ok<ExportResult>('batch/export', { id: run.id, format: 'xlsx', headerStyle: 'zh-CN', timeZone: 'Asia/Shanghai' });
    expect(x).toMatchObject({ rows: 3, encoding: 'base64' });
    expect(x.fileName).toMatch(new RegExp(`^batch-run-${run.id}-${APPID}-\\d{14}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(x.content, 'base64') as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'AppID',
      '名称',
      '账号类型',
      '状态',
      '错误码',
      '错误码含义',
      '微信返回信息',
      '变更 / 结果',
      '原因',
      '发送次数',
      '开始时间 (Asia/Shanghai)',
      '结束时间 (Asia/Shanghai)',
    ]);
    const byAppid = new Map([2, 3, 4].map((r) => [ws.getRow(r).getCell(1).value, ws.getRow(r)]));
    const done = byAppid.get(targets[0])!;
    expect(done.getCell(2).value).toBe(stack.store.authorizers.get(APPID, targets[0]!)!.nickName);
    expect(done.getCell(3).value).toBe('公众号');
    expect(done.getCell(4).value).toBe('完成');
    expect(done.getCell(8).value).toBe('菜单已发布。');
    expect(done.getCell(11).type).toBe(ExcelJS.ValueType.Date);
    expect(done.getCell(12).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    const finished = stack.store.batch.item(run.id, targets[0]!)!.finishedAt!;
    // The cell holds the Shanghai wall-clock time (exceljs reads the serial as UTC), to the second.
    expect((done.getCell(12).value as Date).getTime()).toBe(Math.floor(finished / 1000) * 1000 + 8 * 3_600_000);
    const failed = byAppid.get(targets[1])!;
    expect(failed.getCell(4).value).toBe('失败');
    expect(failed.getCell(5).type).toBe(ExcelJS.ValueType.Number);
    expect(failed.getCell(5).value).toBe(48001);
    expect(String(failed.getCell(6).value)).toMatch(/[\u4e00-\u9fff]/);
    expect(byAppid.get(targets[2])!.getCell(3).value).toBe('小程序');
    expect(byAppid.get(targets[2])!.getCell(4).value).toBe('跳过');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:L4');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(18);

    const csv = await ok<ExportResult>('batch/export', { id: run.id, format: 'csv' });
    const lines = csv.content.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('appid,nick_name,kind,state,errcode,errcode_meaning,errmsg,summary,reason,attempts,started_at,finished_at');
    expect(lines.find((l) => l.startsWith(targets[1]!))).toMatch(/,OA,failed,48001,/);
    expect(lines.find((l) => l.startsWith(targets[0]!))).toMatch(/,done,,.*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const unknown = await call('batch/export', { id: 9999, format: 'csv' });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
  });
});
