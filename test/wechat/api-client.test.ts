import { afterEach, describe, expect, it } from 'vitest';
import {
  WeChatApiError,
  WeChatClient,
  WeChatInputError,
  WeChatTransportError,
  parseRequestIp,
  parseRid,
  sanitizePath,
  scrubSecrets,
  type ApiCallRecord,
  type TokenSource,
} from '../../src/main/api';
import { startFakeWeChat, type FakeWeChat } from '../helpers/fake-wechat-server';

const COMPONENT = 'wx1111111111111111';
const AUTHORIZER = 'wx2222222222222222';
const SECRET_TOKEN = 'TOKEN_SECRET_abc123';
const RID = '6512a3b4-2c1d5e6f-7a8b9c0d';

let server: FakeWeChat | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function client(url: string, records: ApiCallRecord[] = [], extra: Partial<ConstructorParameters<typeof WeChatClient>[0]> = {}) {
  return new WeChatClient({
    baseUrl: url,
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    timeoutMs: 2_000,
    onCall: (r) => records.push(r),
    ...extra,
  });
}

const error = (code: number, msg: string) => ({ json: { errcode: code, errmsg: `${msg} rid: ${RID}` } });

describe('WeChatClient: JSON in and out', () => {
  it('posts the body as JSON with the component token in the query and returns the answer', async () => {
    server = await startFakeWeChat({
      '/cgi-bin/component/api_create_preauthcode': () => ({ json: { pre_auth_code: 'preauthcode@@@x', expires_in: 600 } }),
    });
    const res = await client(server.url).createPreAuthCode(SECRET_TOKEN, { component_appid: COMPONENT });
    expect(res).toEqual({ pre_auth_code: 'preauthcode@@@x', expires_in: 600 });
    const seen = server.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toMatch(/^application\/json/);
    expect(seen.query.get('component_access_token')).toBe(SECRET_TOKEN);
    expect(seen.body).toEqual({ component_appid: COMPONENT });
  });

  it('sends authorizer-token calls with access_token= and custom messages as given', async () => {
    server = await startFakeWeChat({ '/cgi-bin/message/custom/send': () => ({ json: { errcode: 0, errmsg: 'ok' } }) });
    const msg = { touser: 'openid1', msgtype: 'text' as const, text: { content: '查询_from_api' } };
    await client(server.url).sendCustomMessage('AUTH_TOKEN', msg);
    expect(server.requests[0]!.query.get('access_token')).toBe('AUTH_TOKEN');
    expect(server.requests[0]!.body).toEqual(msg);
  });

  it('supports GET through the generic call', async () => {
    server = await startFakeWeChat({ '/wxa/get_page': () => ({ json: { errcode: 0, page_list: ['pages/index'] } }) });
    const res = await client(server.url).call<{ page_list: string[] }>({ path: '/wxa/get_page', method: 'GET', token: 'T' });
    expect(res.page_list).toEqual(['pages/index']);
    expect(server.requests[0]!.method).toBe('GET');
    expect(server.requests[0]!.rawBody).toBe('');
  });
});

describe('WeChatClient: get_latest_auditstatus', () => {
  it('gives screenshot whichever spelling WeChat sent (screenshot now, ScreenShot in older samples)', async () => {
    let spelling = 'screenshot';
    server = await startFakeWeChat({
      '/wxa/get_latest_auditstatus': () => ({ json: { errcode: 0, errmsg: 'ok', auditid: 7, status: 1, reason: '名称不符', [spelling]: 'm1|m2' } }),
    });
    const c = client(server.url);
    expect(await c.getLatestAuditStatus('T')).toMatchObject({ auditid: 7, status: 1, screenshot: 'm1|m2' });
    spelling = 'ScreenShot';
    expect(await c.getLatestAuditStatus('T')).toMatchObject({ auditid: 7, status: 1, screenshot: 'm1|m2' });
    expect(server.requests.map((r) => [r.method, r.query.get('access_token')])).toEqual([['GET', 'T'], ['GET', 'T']]);
  });
});

describe('WeChatClient: errors', () => {
  it('turns errcode ≠ 0 into WeChatApiError with errcode, errmsg, rid, path and explanation', async () => {
    server = await startFakeWeChat({ '/cgi-bin/component/api_query_auth': () => error(40029, 'invalid code') });
    const err = await client(server.url)
      .queryAuth(SECRET_TOKEN, { component_appid: COMPONENT, authorization_code: 'bad' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeChatApiError);
    const e = err as WeChatApiError;
    expect(e.errcode).toBe(40029);
    expect(e.errmsg).toBe(`invalid code rid: ${RID}`);
    expect(e.rid).toBe(RID);
    expect(e.path).toBe('/cgi-bin/component/api_query_auth');
    expect(e.explanation.known).toBe(true);
    expect(e.explanation.en).toMatch(/code/);
    expect(e.message).not.toContain(SECRET_TOKEN);
    expect(e.message).toContain('40029');
  });

  it('explains 61004 with the whitelist and the egress-via-relay setting', async () => {
    server = await startFakeWeChat({
      '/cgi-bin/component/api_component_token': () => error(61004, 'access clientip is not registered requestIP: 1.2.3.4'),
    });
    const e = (await client(server.url)
      .componentToken({ component_appid: COMPONENT, component_appsecret: 's3cret', component_verify_ticket: 'ticket@@@t' })
      .catch((x: unknown) => x)) as WeChatApiError;
    expect(e).toBeInstanceOf(WeChatApiError);
    expect(e.message).toMatch(/whitelist/i);
    expect(e.message).toContain('白名单');
    expect(e.message).toContain('egress: via relay');
    expect(e.explanation.zh).toContain('白名单');
    expect(e.explanation.action).toBe('fix_whitelist');
    expect(e.requestIp).toBe('1.2.3.4');
    expect(e.message).toContain('coming from 1.2.3.4');
    expect(e.message).not.toContain('s3cret');
    expect(server.count('/cgi-bin/component/api_component_token')).toBe(1);
  });

  it('does not retry 45009 or 45011', async () => {
    for (const code of [45009, 45011]) {
      server = await startFakeWeChat({ '/cgi-bin/component/api_get_authorizer_info': () => error(code, 'quota') });
      const e = await client(server.url)
        .getAuthorizerInfo('T', { component_appid: COMPONENT, authorizer_appid: AUTHORIZER })
        .catch((x: unknown) => x);
      expect((e as WeChatApiError).errcode).toBe(code);
      expect(server.count('/cgi-bin/component/api_get_authorizer_info')).toBe(1);
      await server.close();
      server = null;
    }
  });

  it('calls onNeedsReauth with the authorizer appid on 61023, and not for other errors', async () => {
    const reauth: string[] = [];
    server = await startFakeWeChat({
      '/cgi-bin/component/api_authorizer_token': (r) =>
        r.nth === 1 ? error(61023, 'refresh_token is invalid') : error(40013, 'invalid appid'),
    });
    const c = client(server.url, [], { onNeedsReauth: (appid) => reauth.push(appid) });
    const body = { component_appid: COMPONENT, authorizer_appid: AUTHORIZER, authorizer_refresh_token: 'refreshtoken@@@r' };
    const e1 = (await c.authorizerToken('T', body).catch((x: unknown) => x)) as WeChatApiError;
    expect(e1.errcode).toBe(61023);
    expect(e1.appid).toBe(AUTHORIZER);
    expect(e1.message).not.toContain('refreshtoken@@@r');
    expect(reauth).toEqual([AUTHORIZER]);
    await c.authorizerToken('T', body).catch(() => undefined);
    expect(reauth).toEqual([AUTHORIZER]);
  });

  it('reports a non-JSON 200 as bad_response without retrying', async () => {
    server = await startFakeWeChat({ '/cgi-bin/component/api_get_authorizer_info': () => ({ text: '<html>oops</html>' }) });
    const e = (await client(server.url)
      .getAuthorizerInfo('T', { component_appid: COMPONENT, authorizer_appid: AUTHORIZER })
      .catch((x: unknown) => x)) as WeChatTransportError;
    expect(e).toBeInstanceOf(WeChatTransportError);
    expect(e.kind).toBe('bad_response');
    expect(server.count('/cgi-bin/component/api_get_authorizer_info')).toBe(1);
  });
});

describe('WeChatClient: retries', () => {
  it('retries -1 with backoff and succeeds on the third try; each attempt is logged', async () => {
    const records: ApiCallRecord[] = [];
    server = await startFakeWeChat({
      '/cgi-bin/component/api_get_authorizer_list': (r) =>
        r.nth < 3 ? error(-1, 'system error') : { json: { total_count: 0, list: [] } },
    });
    const res = await client(server.url, records).getAuthorizerList('T', { component_appid: COMPONENT, offset: 0, count: 500 });
    expect(res.total_count).toBe(0);
    expect(server.count('/cgi-bin/component/api_get_authorizer_list')).toBe(3);
    expect(records.map((r) => [r.attempt, r.errcode])).toEqual([
      [1, -1],
      [2, -1],
      [3, 0],
    ]);
  });

  it('gives up on -1 after maxAttempts and surfaces the error', async () => {
    server = await startFakeWeChat({ '/cgi-bin/clear_quota': () => error(-1, 'system error') });
    const e = (await client(server.url, [], { retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 } })
      .clearQuota('T', { appid: AUTHORIZER })
      .catch((x: unknown) => x)) as WeChatApiError;
    expect(e.errcode).toBe(-1);
    expect(server.count('/cgi-bin/clear_quota')).toBe(4);
  });

  it('retries a dropped connection for an idempotent call', async () => {
    server = await startFakeWeChat({
      '/cgi-bin/component/api_get_authorizer_info': (r) =>
        r.nth === 1 ? { destroy: true } : { json: { authorizer_info: {}, authorization_info: {} } },
    });
    const records: ApiCallRecord[] = [];
    await client(server.url, records).getAuthorizerInfo('T', { component_appid: COMPONENT, authorizer_appid: AUTHORIZER });
    expect(server.count('/cgi-bin/component/api_get_authorizer_info')).toBe(2);
    expect(records[0]!.errcode).toBeNull();
    expect(records[1]!.errcode).toBe(0);
  });

  it('does not resend a non-idempotent call (custom message) after a dropped connection', async () => {
    server = await startFakeWeChat({ '/cgi-bin/message/custom/send': () => ({ destroy: true }) });
    const e = (await client(server.url)
      .sendCustomMessage('T', { touser: 'o1', msgtype: 'text', text: { content: 'hi' } })
      .catch((x: unknown) => x)) as WeChatTransportError;
    expect(e).toBeInstanceOf(WeChatTransportError);
    expect(e.kind).toBe('network');
    expect(server.count('/cgi-bin/message/custom/send')).toBe(1);
  });

  it('retries a refused connection even for a non-idempotent call (nothing reached WeChat)', async () => {
    const probe = await startFakeWeChat({});
    const deadUrl = probe.url;
    await probe.close();
    const records: ApiCallRecord[] = [];
    const e = (await client(deadUrl, records)
      .sendCustomMessage('T', { touser: 'o1', msgtype: 'text', text: { content: 'hi' } })
      .catch((x: unknown) => x)) as WeChatTransportError;
    expect(e.kind).toBe('network');
    expect(e.code).toBe('ECONNREFUSED');
    expect(records.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('times out a call that never answers; a non-idempotent one is not resent', async () => {
    server = await startFakeWeChat({ '/cgi-bin/component/api_query_auth': () => ({ hang: true }) });
    const e = (await client(server.url, [], { timeoutMs: 150 })
      .queryAuth('T', { component_appid: COMPONENT, authorization_code: 'c' })
      .catch((x: unknown) => x)) as WeChatTransportError;
    expect(e).toBeInstanceOf(WeChatTransportError);
    expect(e.kind).toBe('timeout');
    expect(server.count('/cgi-bin/component/api_query_auth')).toBe(1);
  });

  it('retries HTTP 502 without a WeChat body for idempotent calls', async () => {
    server = await startFakeWeChat({
      '/cgi-bin/openapi/quota/get': (r) =>
        r.nth === 1 ? { status: 502, text: 'Bad Gateway' } : { json: { quota: { daily_limit: 10, used: 1, remain: 9 } } },
    });
    const res = await client(server.url).getApiQuota('T', { cgi_path: '/cgi-bin/message/custom/send' });
    expect(res.quota.remain).toBe(9);
    expect(server.count('/cgi-bin/openapi/quota/get')).toBe(2);
  });
});

describe('WeChatClient: token refresh on 40001/40014/42001', () => {
  /** A token source over a mutable "current token", recording what was invalidated. */
  function source(tokens: string[]): TokenSource & { invalidated: string[]; current: () => string } {
    let i = 0;
    const invalidated: string[] = [];
    return {
      appid: AUTHORIZER,
      invalidated,
      current: () => tokens[i]!,
      get: async () => tokens[i]!,
      invalidate(token: string) {
        invalidated.push(token);
        if (tokens[i] === token) i++;
      },
    };
  }

  for (const code of [40001, 40014, 42001]) {
    it(`errcode ${code}: invalidates exactly the token used and retries once with a fresh one`, async () => {
      server = await startFakeWeChat({
        '/cgi-bin/component/get_authorizer_option': (r) =>
          r.query.get('access_token') === 'OLD'
            ? error(code, 'token problem')
            : { json: { option_name: 'voice_recognize', option_value: '1' } },
      });
      const src = source(['OLD', 'NEW']);
      const records: ApiCallRecord[] = [];
      const res = await client(server.url, records).getAuthorizerOption(src, { option_name: 'voice_recognize' });
      expect(res.option_value).toBe('1');
      expect(src.invalidated).toEqual(['OLD']);
      expect(server.requests.map((r) => r.query.get('access_token'))).toEqual(['OLD', 'NEW']);
      expect(records.map((r) => [r.attempt, r.errcode, r.appid])).toEqual([
        [1, code, AUTHORIZER],
        [2, 0, AUTHORIZER],
      ]);
    });
  }

  it('retries only once: a second 40001 surfaces', async () => {
    server = await startFakeWeChat({ '/cgi-bin/component/get_authorizer_option': () => error(40001, 'invalid credential') });
    const src = source(['A', 'B', 'C']);
    const e = (await client(server.url)
      .getAuthorizerOption(src, { option_name: 'location_report' })
      .catch((x: unknown) => x)) as WeChatApiError;
    expect(e.errcode).toBe(40001);
    expect(server.count('/cgi-bin/component/get_authorizer_option')).toBe(2);
    expect(src.invalidated).toEqual(['A']);
  });

  it('does not retry a bare string token: the error surfaces for the caller to handle', async () => {
    server = await startFakeWeChat({ '/cgi-bin/component/get_authorizer_option': () => error(42001, 'expired') });
    const e = (await client(server.url)
      .getAuthorizerOption('BARE', { option_name: 'location_report' })
      .catch((x: unknown) => x)) as WeChatApiError;
    expect(e.errcode).toBe(42001);
    expect(server.count('/cgi-bin/component/get_authorizer_option')).toBe(1);
  });
});

describe('WeChatClient: logging without secrets', () => {
  it('logs the path without access_token/component_access_token and never the token or secret', async () => {
    server = await startFakeWeChat({
      '/cgi-bin/component/fastregisterweapp': () => error(89249, 'task running'),
      '/cgi-bin/component/api_component_token': () => ({ json: { component_access_token: 'CAT_VALUE', expires_in: 7200 } }),
    });
    const records: ApiCallRecord[] = [];
    const errors: string[] = [];
    const c = client(server.url, records);
    await c
      .call({ path: '/cgi-bin/component/fastregisterweapp?action=create', token: SECRET_TOKEN, tokenParam: 'component_access_token' })
      .catch((e: Error) => errors.push(e.message));
    await c.componentToken({ component_appid: COMPONENT, component_appsecret: 'APPSECRET_VALUE', component_verify_ticket: 'TICKET' });
    expect(server.requests[0]!.query.get('action')).toBe('create');
    expect(records.map((r) => r.path)).toEqual([
      '/cgi-bin/component/fastregisterweapp?action=create',
      '/cgi-bin/component/api_component_token',
    ]);
    expect(records[0]!.rid).toBe(RID);
    expect(records[1]!.appid).toBe(COMPONENT);
    const logged = JSON.stringify(records) + errors.join('\n');
    for (const secret of [SECRET_TOKEN, 'APPSECRET_VALUE', 'CAT_VALUE', 'TICKET']) expect(logged).not.toContain(secret);
    expect(records.every((r) => typeof r.latencyMs === 'number' && r.latencyMs >= 0 && r.at > 0)).toBe(true);
  });

  it('a throwing onCall hook does not break the call', async () => {
    server = await startFakeWeChat({ '/cgi-bin/openapi/rid/get': () => ({ json: { request: { invoke_time: 1 } } }) });
    const c = client(server.url, [], {
      onCall: () => {
        throw new Error('log disk full');
      },
    });
    await expect(c.getRid('T', { rid: RID })).resolves.toMatchObject({ request: { invoke_time: 1 } });
  });

  it('sanitizePath strips both token names and keeps other parameters', () => {
    expect(sanitizePath('/a?access_token=X&action=create&component_access_token=Y')).toBe('/a?action=create');
    expect(sanitizePath('/a?access_token=X')).toBe('/a');
    expect(sanitizePath('/a')).toBe('/a');
  });

  it('scrubSecrets hides token and secret values in free text', () => {
    const text = 'url /x?access_token=abc&b=1 body {"component_appsecret":"zzz","authorizer_refresh_token": "r1"}';
    const out = scrubSecrets(text);
    for (const s of ['abc', 'zzz', '"r1"']) expect(out).not.toContain(s);
    expect(out).toContain('b=1');
    expect(scrubSecrets('invalid credential, access_token is invalid or not latest')).toBe(
      'invalid credential, access_token is invalid or not latest',
    );
  });
});

describe('parseRequestIp', () => {
  it('reads plain and masked IPs from 61004 errmsgs', () => {
    expect(parseRequestIp(`access clientip is not registered requestIP: 1.2.3.4 rid: ${RID}`)).toBe('1.2.3.4');
    expect(parseRequestIp('access clientip is not registered requestIP: 47.106.*.* rid: x')).toBe('47.106.*.*');
    expect(parseRequestIp('invalid credential')).toBeNull();
  });
});

describe('parseRid', () => {
  it('reads the rid WeChat appends to errmsg', () => {
    expect(parseRid(`invalid credential, access_token is invalid or not latest rid: ${RID}`)).toBe(RID);
    expect(parseRid('access clientip is not registered requestIP: 1.2.3.4 rid: 64f0a1b2-0c1d2e3f-12345678')).toBe(
      '64f0a1b2-0c1d2e3f-12345678',
    );
    expect(parseRid('rid:abc-def')).toBe('abc-def');
  });
  it('returns null when there is none', () => {
    expect(parseRid('invalid appid hint: [abc]')).toBeNull();
    expect(parseRid('')).toBeNull();
    expect(parseRid(undefined)).toBeNull();
    expect(parseRid('valid: x')).toBeNull();
  });
});

describe('WeChatClient: input validation', () => {
  it('rejects bad options', () => {
    expect(() => new WeChatClient({ baseUrl: 'not a url' })).toThrow(WeChatInputError);
    expect(() => new WeChatClient({ baseUrl: 'ftp://x' })).toThrow(/http/);
    expect(() => new WeChatClient({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new WeChatClient({ retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
  });

  it('rejects bad request bodies before sending anything', async () => {
    server = await startFakeWeChat({});
    const c = client(server.url);
    await expect(
      c.componentToken({ component_appid: COMPONENT, component_appsecret: '', component_verify_ticket: 't' }),
    ).rejects.toThrow(/component_appsecret/);
    await expect(c.getAuthorizerList('T', { component_appid: COMPONENT, offset: 0, count: 501 })).rejects.toThrow(/1–500/);
    await expect(c.getAuthorizerList('T', { component_appid: COMPONENT, offset: -1, count: 5 })).rejects.toThrow(/offset/);
    await expect(c.getApiQuota('T', { cgi_path: 'cgi-bin/x' })).rejects.toThrow(/cgi_path/);
    await expect(
      c.sendCustomMessage('T', { touser: 'o', msgtype: 'text' } as never),
    ).rejects.toThrow(/"text" object/);
    await expect(c.createPreAuthCode('', { component_appid: COMPONENT })).rejects.toThrow(/token is empty/);
    await expect(c.call({ path: 'no-slash' })).rejects.toThrow(WeChatInputError);
    expect(server.requests).toHaveLength(0);
  });
});
