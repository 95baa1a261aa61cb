/**
 * Authorizer exports for people and for scripts: headers and values in words (zh-CN / en), local times in a chosen
 * zone, and an XLSX read back with a real spreadsheet reader (exceljs).
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../src/main/ipc/router';
import { buildExport, zoneClock } from '../../src/main/services/export';
import { createHandlers } from '../../src/main/services/handlers';
import type { Authorizer } from '../../src/shared/domain';
import type { ApiEnvelope } from '../../src/shared/contract';
import { createFakeHost, type FakeHostFixture } from '../contract/fake-runtime';

function authorizer(over: Partial<Authorizer>): Authorizer {
  return {
    appid: 'wx0000000000000001',
    componentAppid: 'wx0123456789abcdef',
    kind: 'OA',
    nickName: null,
    userName: null,
    principalName: null,
    headImg: null,
    alias: null,
    serviceType: null,
    verifyType: null,
    accountStatus: null,
    info: null,
    funcInfo: [],
    status: 'active',
    hasRefreshToken: true,
    authorizedAt: 0,
    updatedAt: 0,
    revokedAt: null,
    refreshTokenCheckedAt: null,
    refreshTokenMismatch: false,
    ...over,
  };
}

// 2026-01-02 16:30:05 UTC = 2026-01-03 00:30:05 in Shanghai; 2026-07-01 12:00:00 UTC = 08:00:00 in New York (EDT).
const T1 = Date.UTC(2026, 0, 2, 16, 30, 5, 250);
const T2 = Date.UTC(2026, 6, 1, 12, 0, 0);
const ROWS: Authorizer[] = [
  authorizer({
    appid: 'wx0000000000000001',
    kind: 'OA',
    nickName: '测试公众号',
    userName: 'gh_0001',
    principalName: '深圳市某某科技有限公司',
    serviceType: 2,
    verifyType: 0,
    accountStatus: 1,
    funcInfo: [1, 15, 999],
    status: 'active',
    authorizedAt: T1,
  }),
  authorizer({
    appid: 'wx0000000000000002',
    kind: 'MP',
    nickName: 'Travel mini program',
    serviceType: 0,
    verifyType: -1,
    accountStatus: 19,
    funcInfo: [18],
    status: 'revoked',
    authorizedAt: T1,
    revokedAt: T2,
    refreshTokenMismatch: true,
  }),
  authorizer({ appid: 'wx0000000000000003', kind: 'OA', status: 'needs_reauth', serviceType: 7, authorizedAt: T2 }),
];

const base = { componentAppid: 'wx0123456789abcdef', now: new Date(T2), total: ROWS.length };
const csvLines = (content: string) => content.replace(/^\uFEFF/, '').trimEnd().split('\r\n');

async function readXlsx(base64: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

describe('CSV for people', () => {
  it('zh-CN: Chinese headers with the zone, values in words, Shanghai local times; the BOM stays', () => {
    const res = buildExport(ROWS, { ...base, format: 'csv', headerStyle: 'zh-CN' });
    expect(res.content.startsWith('\uFEFF')).toBe(true);
    const lines = csvLines(res.content);
    expect(lines[0]).toBe(
      'AppID,账号类型,名称,原始 ID,主体名称,微信号,授权状态,服务类型,认证类型,账号状态,权限集,授权时间 (Asia/Shanghai),取消授权时间 (Asia/Shanghai),刷新令牌与微信不一致',
    );
    expect(lines[1]).toBe(
      'wx0000000000000001,公众号,测试公众号,gh_0001,深圳市某某科技有限公司,,正常,服务号,微信认证,正常,消息管理 (#1)、自定义菜单 (#15)、未知 (#999),2026-01-03 00:30:05,,否',
    );
    expect(lines[2]).toBe(
      'wx0000000000000002,小程序,Travel mini program,,,,已取消授权,小程序,未认证,已冻结,开发管理与数据分析（小程序） (#18),2026-01-03 00:30:05,2026-07-01 20:00:00,是',
    );
    expect(lines[3]).toContain(',需重新授权,未知 (7),');
  });

  it('en: English headers and words, times in the zone asked for', () => {
    const res = buildExport(ROWS, { ...base, format: 'csv', headerStyle: 'en', timeZone: 'America/New_York', columns: ['kind', 'status', 'serviceType', 'revokedAt'] });
    expect(csvLines(res.content)).toEqual([
      'Account kind,Authorization status,Service type,Revoked at (America/New_York)',
      'Official account,Active,Service account,',
      'Mini program,Revoked,Mini program,2026-07-01 08:00:00',
      'Official account,Needs re-authorization,Unknown (7),',
    ]);
  });

  it('snake_case: the stable headers, codes and UTC ISO times scripts read, as before', () => {
    const res = buildExport(ROWS, { ...base, format: 'csv', headerStyle: 'snake_case', timeZone: 'Asia/Tokyo' });
    // The default (no style) is the same file.
    expect(buildExport(ROWS, { ...base, format: 'csv' }).content).toBe(res.content);
    const lines = csvLines(res.content);
    expect(lines[0]).toBe(
      'appid,kind,nick_name,user_name,principal_name,alias,status,service_type,verify_type,account_status,func_info,authorized_at,revoked_at,refresh_token_mismatch',
    );
    expect(lines[2]).toBe('wx0000000000000002,MP,Travel mini program,,,,revoked,0,-1,19,18,2026-01-02T16:30:05.250Z,2026-07-01T12:00:00.000Z,true');
  });
});

describe('XLSX read back with exceljs', () => {
  it('zh-CN: date cells in the zone, numbers and words, Chinese text, frozen header, autofilter, fitted widths', async () => {
    const res = buildExport(ROWS, { ...base, format: 'xlsx', headerStyle: 'zh-CN' });
    const ws = await readXlsx(res.content);
    expect(ws.rowCount).toBe(4);
    expect(ws.getRow(1).getCell(12).value).toBe('授权时间 (Asia/Shanghai)');
    expect(ws.getRow(2).getCell(2).value).toBe('公众号');
    expect(ws.getRow(2).getCell(5).value).toBe('深圳市某某科技有限公司');
    expect(ws.getRow(3).getCell(7).value).toBe('已取消授权');
    // Dates are date cells holding the Shanghai wall-clock time (exceljs reads the serial as UTC), to the second.
    const authorized = ws.getRow(2).getCell(12);
    expect(authorized.type).toBe(ExcelJS.ValueType.Date);
    expect((authorized.value as Date).toISOString()).toBe('2026-01-03T00:30:05.000Z');
    expect(authorized.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect((ws.getRow(3).getCell(13).value as Date).toISOString()).toBe('2026-07-01T20:00:00.000Z');
    expect(ws.getRow(2).getCell(13).value).toBeNull();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:N4');
    // Widths fit the widest cell; CJK characters count double (11 characters of 深圳市某某科技有限公司 = 22).
    expect(ws.getColumn(5).width).toBe(23);
    expect(ws.getColumn(1).width).toBe('wx0000000000000001'.length + 1);
    expect(ws.getColumn(12).width).toBe('授权时间 (Asia/Shanghai)'.length + 4 + 2 + 1); // 4 CJK, the filter button
  });

  it('snake_case: codes stay numbers and ISO strings, as before', async () => {
    const res = buildExport(ROWS, { ...base, format: 'xlsx', headerStyle: 'snake_case', columns: ['appid', 'serviceType', 'verifyType', 'authorizedAt', 'refreshTokenMismatch'] });
    const ws = await readXlsx(res.content);
    expect(ws.getRow(1).values).toEqual([undefined, 'appid', 'service_type', 'verify_type', 'authorized_at', 'refresh_token_mismatch']);
    const row = ws.getRow(3);
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(row.getCell(3).value).toBe(-1);
    expect(row.getCell(4).value).toBe('2026-01-02T16:30:05.250Z');
    expect(row.getCell(5).value).toBe(true);
    expect(ws.autoFilter).toBe('A1:E4');
  });
});

describe('time zones', () => {
  it('follows daylight-saving changes within a day', () => {
    const berlin = zoneClock('Europe/Berlin');
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
    expect(new Date(berlin(Date.UTC(2026, 2, 29, 0, 59, 59))).toISOString()).toBe('2026-03-29T01:59:59.000Z');
    expect(new Date(berlin(Date.UTC(2026, 2, 29, 1, 0, 0))).toISOString()).toBe('2026-03-29T03:00:00.000Z');
    expect(new Date(zoneClock('Asia/Kathmandu')(Date.UTC(2026, 0, 1))).toISOString()).toBe('2026-01-01T05:45:00.000Z');
  });
});

describe('authorizers/export arguments through the router', () => {
  let fx: FakeHostFixture | undefined;
  afterEach(async () => fx?.cleanup());

  async function dispatch(args: unknown): Promise<ApiEnvelope<any>> {
    fx = await createFakeHost();
    const router = createRouter({ handlers: createHandlers(fx.host), trustSender: () => true });
    await router.dispatch('authorizers/sync', {}, { transport: 'http', token: null });
    return router.dispatch('authorizers/export', args, { transport: 'http', token: null });
  }

  it('refuses an unknown time zone, in English and Chinese', async () => {
    const env = await dispatch({ format: 'csv', headerStyle: 'zh-CN', timeZone: 'Mars/Olympus' });
    expect(env.ok).toBe(false);
    if (env.ok) return;
    expect(env.error.code).toBe('invalid_arguments');
    expect(env.error.message).toContain('timeZone: unknown time zone "Mars/Olympus"');
    expect(env.error.messageZh).toContain('未知时区');
  });

  it('refuses an unknown header style, in English and Chinese', async () => {
    const env = await dispatch({ format: 'xlsx', headerStyle: 'fr' });
    expect(env.ok).toBe(false);
    if (env.ok) return;
    expect(env.error.code).toBe('invalid_arguments');
    expect(env.error.message).toContain('headerStyle: must be "zh-CN" or "en"');
    expect(env.error.messageZh).toContain('表头样式');
  });

  it('exports in words with the zone defaulting to Asia/Shanghai for zh-CN', async () => {
    const env = await dispatch({ format: 'csv', headerStyle: 'zh-CN', columns: ['kind', 'status', 'authorizedAt'] });
    expect(env.ok).toBe(true);
    if (!env.ok) return;
    const lines = csvLines(env.result.content);
    expect(lines[0]).toBe('账号类型,授权状态,授权时间 (Asia/Shanghai)');
    expect(lines.slice(1).every((l) => /^(公众号|小程序),(正常|需重新授权|已取消授权),\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(l))).toBe(true);
  });
});
