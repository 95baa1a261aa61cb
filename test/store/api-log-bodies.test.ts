/** The API log's bodies (apilog/get) and the nickname lookup the events and API-log pages use. Real SQLite files. */
import { describe, expect, test } from 'vitest';
import { tempStore } from './temp-store';

const C = 'wx00000000000000c1';

describe('API log detail and nicknames', () => {
  test('get returns the bodies; list leaves them out; another platform sees nothing', () => {
    const { store } = tempStore();
    const id = store.apiLog.insert({
      componentAppid: C,
      at: 1_700_000_000_000,
      path: '/cgi-bin/component/api_create_preauthcode',
      errcode: 0,
      errmsg: 'ok',
      latencyMs: 12,
      method: 'POST',
      tokenParam: 'component_access_token',
      requestBody: '{"component_appid":"wx00000000000000c1"}',
      responseBody: '{"pre_auth_code":"***","expires_in":600}',
    });
    const full = store.apiLog.get(C, id)!;
    expect(full).toMatchObject({ id, method: 'POST', tokenParam: 'component_access_token', responseBinary: false, latencyMs: 12 });
    expect(full.requestBody).toContain('component_appid');
    expect(full.responseBody).toContain('expires_in');
    const listed = store.apiLog.list({ componentAppid: C }).rows[0]!;
    expect('requestBody' in listed).toBe(false);
    expect(store.apiLog.get('wx00000000000000c2', id)).toBeNull();

    const bin = store.apiLog.insert({ componentAppid: C, at: 1, path: '/wxa/getwxacode', latencyMs: 1, method: 'POST', responseBody: 'image/jpeg, 1234 bytes', responseBinary: true });
    expect(store.apiLog.get(C, bin)).toMatchObject({ responseBinary: true, responseBody: 'image/jpeg, 1234 bytes' });
    // Calls logged before bodies were kept read as null.
    const old = store.apiLog.insert({ componentAppid: C, at: 2, path: '/x', latencyMs: 1 });
    expect(store.apiLog.get(C, old)).toMatchObject({ method: null, tokenParam: null, requestBody: null, responseBody: null });
  });

  test('nickNames looks up a page of appids at once and leaves unknown ones out', () => {
    const { store } = tempStore();
    store.authorizers.upsertMany([
      { componentAppid: C, appid: 'wx00000000000000a1', kind: 'OA', nickName: '深圳天气' },
      { componentAppid: C, appid: 'wx00000000000000a2', kind: 'MP', nickName: 'Travel mini program' },
      { componentAppid: C, appid: 'wx00000000000000a3', kind: 'MP' },
      { componentAppid: 'wx00000000000000c2', appid: 'wx00000000000000a4', kind: 'OA', nickName: 'other platform' },
    ]);
    const names = store.authorizers.nickNames(C, ['wx00000000000000a1', 'wx00000000000000a2', 'wx00000000000000a1', 'wx00000000000000a3', 'wx00000000000000a4', '', 'wx00000000000000ff']);
    expect(Object.fromEntries(names)).toEqual({ wx00000000000000a1: '深圳天气', wx00000000000000a2: 'Travel mini program' });
    expect(store.authorizers.nickNames(C, []).size).toBe(0);
    expect(() => store.authorizers.nickNames(C, Array.from({ length: 1001 }, () => 'wx00000000000000a1'))).toThrow(/at most 1000/);
  });
});
