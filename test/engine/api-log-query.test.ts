/**
 * Calls whose path keeps a query string without tokens (wxa/get_qrcode?path=…, fastregisterweapp?action=…) land in
 * the API log like every other call; a path carrying a token is still refused by the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrialQrcode } from '../../src/wechat/endpoints/mp-code';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx2121343465658787';

describe('API log: paths with a query string', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: 'api-log-query-secret-0123456789ab', token: 'apiLogQueryToken', aesKey: 'ApIlOgQuErYkEy0123456789abcdefghijklmnopqrs', deskKey: 'desk-key-for-the-api-log-query-test-0123' },
      sim: { accounts: 2 },
    });
    await until('the first ticket', () => stack.store.tickets.latest(APPID));
    await stack.engine.syncAuthorizers(() => undefined);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a get_qrcode call is logged with its path parameter and without the token', async () => {
    const mp = stack.sim.seededAccount(1).appid;
    await stack.engine.invokeAs(getTrialQrcode, mp, { path: 'pages/index/index' }).catch(() => undefined);
    const rows = stack.store.apiLog.list({ componentAppid: APPID, limit: 50 }).rows.filter((r) => r.path.startsWith('/wxa/get_qrcode'));
    expect(rows.map((r) => r.path)).toEqual(['/wxa/get_qrcode?path=pages%2Findex%2Findex']);
    expect(rows[0]!.appid).toBe(mp);
  });

  it('the store still refuses a path that carries a token', () => {
    const insert = (path: string) => stack.store.apiLog.insert({ componentAppid: APPID, at: Date.now(), path, appid: null, errcode: 0, errmsg: 'ok', rid: null, latencyMs: 1, attempt: 1 });
    expect(() => insert('/cgi-bin/menu/get?access_token=abc')).toThrow(/token/);
    expect(() => insert('/wxa/get_qrcode?path=x&component_access_token=abc')).toThrow(/token/);
    expect(insert('/cgi-bin/component/fastregisterweapp?action=create')).toBeGreaterThan(0);
  });
});
