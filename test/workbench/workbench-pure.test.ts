/**
 * The workbench's pure parts: "copy as curl" (token as a placeholder, quoting, query and upload forms), the body read
 * as typed (line and column of a JSON mistake), the typed-token guard, and every spec's example body (JSON that
 * passes the spec's own check).
 */
import { describe, expect, it } from 'vitest';
import { curlCommand, handTypedCredential, parseJsonBody, shellQuote, type WorkbenchEndpoint } from '../../src/shared/workbench';
import { ENDPOINTS, specPath } from '../../src/wechat';
import { exampleFor } from '../../src/wechat/examples';

const BASE = 'https://api.weixin.qq.com';
const ep = (e: Partial<WorkbenchEndpoint>): WorkbenchEndpoint => ({
  name: 'x',
  family: 'oa/menu',
  method: 'POST',
  path: '/cgi-bin/menu/create',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  idempotent: true,
  uploadField: null,
  unavailable: null,
  ...e,
});

describe('curlCommand', () => {
  it('a JSON POST: the authorizer token as ${ACCESS_TOKEN}, the body single-quoted', () => {
    const cmd = curlCommand({ baseUrl: BASE + '/', endpoint: ep({}), caller: { as: 'authorizer', appid: 'wx0000000000000001' }, body: { button: [{ type: 'click', name: "Tom's", key: 'K' }] } });
    expect(cmd).toBe(
      `curl -sS -X POST "https://api.weixin.qq.com/cgi-bin/menu/create?access_token=\${ACCESS_TOKEN}" -H 'Content-Type: application/json; charset=utf-8' --data-raw '{"button":[{"type":"click","name":"Tom'\\''s","key":"K"}]}'`,
    );
  });

  it('a component API: ${COMPONENT_ACCESS_TOKEN} under the spec\'s parameter name, the fixed query kept', () => {
    const cmd = curlCommand({
      baseUrl: BASE,
      endpoint: ep({ path: '/cgi-bin/component/fastregisterweapp?action=create', token: 'component', tokenParam: 'component_access_token' }),
      caller: { as: 'authorizer', appid: 'wx0000000000000001' },
      body: { name: 'n' },
    });
    expect(cmd).toContain('"https://api.weixin.qq.com/cgi-bin/component/fastregisterweapp?action=create&component_access_token=${COMPONENT_ACCESS_TOKEN}"');
  });

  it('either token: the platform gets the component placeholder, an authorizer the other', () => {
    const e = ep({ path: '/cgi-bin/openapi/quota/get', token: 'component_or_authorizer' });
    expect(curlCommand({ baseUrl: BASE, endpoint: e, caller: { as: 'platform' }, body: {} })).toContain('access_token=${COMPONENT_ACCESS_TOKEN}');
    expect(curlCommand({ baseUrl: BASE, endpoint: e, caller: { as: 'authorizer', appid: 'wx1' }, body: {} })).toContain('access_token=${ACCESS_TOKEN}"');
  });

  it('a GET with query fields: URL-encoded into the URL (nothing the shell expands), no body', () => {
    const cmd = curlCommand({ baseUrl: BASE, endpoint: ep({ method: 'GET', path: '/wxa/get_qrcode', request: 'query', answer: 'binary' }), caller: { as: 'authorizer', appid: 'wx1' }, body: { path: 'pages/a?x=$HOME&y="`' } });
    expect(cmd).toBe(`curl -sS -X GET "https://api.weixin.qq.com/wxa/get_qrcode?path=pages%2Fa%3Fx%3D%24HOME%26y%3D%22%60&access_token=\${ACCESS_TOKEN}"`);
  });

  it('an upload: the file as -F field=@FILE, the other fields in the query', () => {
    const cmd = curlCommand({ baseUrl: BASE, endpoint: ep({ path: '/cgi-bin/media/upload', request: 'multipart', uploadField: 'media' }), caller: { as: 'authorizer', appid: 'wx1' }, body: { type: 'image' } });
    expect(cmd).toBe(`curl -sS -X POST "https://api.weixin.qq.com/cgi-bin/media/upload?type=image&access_token=\${ACCESS_TOKEN}" -F 'media=@FILE'`);
  });

  it('never carries a token value: only the placeholder names', () => {
    for (const spec of ENDPOINTS) {
      if (spec.token === 'none') continue;
      const endpoint = { method: spec.method, path: specPath(spec), token: spec.token, tokenParam: spec.tokenParam, request: spec.request, uploadField: spec.upload?.field ?? null };
      const cmd = curlCommand({ baseUrl: BASE, endpoint, caller: { as: 'platform' }, body: exampleFor(spec, { componentAppid: 'wx0123456789abcdef', authorizerAppid: null }).body as Record<string, unknown> });
      expect(cmd.match(/access_token=([^"&]*)/)?.[1], spec.name).toMatch(/^\$\{(COMPONENT_)?ACCESS_TOKEN\}$/);
    }
  });

  it('shellQuote survives quotes and newlines', () => {
    expect(shellQuote("a'b\nc")).toBe(`'a'\\''b\nc'`);
  });
});

describe('parseJsonBody', () => {
  it('names the line and column of a mistake', () => {
    const r = parseJsonBody('{\n  "button": [\n    {"type": "click",, "name": "x"}\n  ]\n}');
    expect(r).toMatchObject({ ok: false, line: 3, column: 22 });
    if (!r.ok) {
      expect(r.en).toContain('line 3, column 22');
      expect(r.zh).toContain('第 3 行第 22 列');
    }
  });

  it('places an unfinished body at its end, refuses a non-object, reads an empty body as {}', () => {
    expect(parseJsonBody('{\n  "a": 1')).toMatchObject({ ok: false, line: 2, column: 9 });
    expect(parseJsonBody('[1]')).toMatchObject({ ok: false, line: 1, column: 1 });
    expect(parseJsonBody('  ')).toEqual({ ok: true, value: {} });
    expect(parseJsonBody('{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
  });
});

describe('handTypedCredential', () => {
  it('finds a token or secret at any depth; ordinary fields pass', () => {
    expect(handTypedCredential({ access_token: 'x' })).toBe('access_token');
    expect(handTypedCredential({ a: [{ b: { component_access_token: 'x' } }] })).toBe('a[0].b.component_access_token');
    expect(handTypedCredential({ authorizer_refresh_token: 'x' })).toBe('authorizer_refresh_token');
    expect(handTypedCredential({ appsecret: 'x' })).toBe('appsecret');
    expect(handTypedCredential({ touser: 'o', template_id: 't', data: { first: { value: 'token' } } })).toBeNull();
  });
});

describe('example bodies', () => {
  const ctx = { componentAppid: 'wx0123456789abcdef', authorizerAppid: 'wx570bc396a51b8ff8' };
  it('every JSON and query endpoint has one; it survives JSON and passes the spec\'s check', () => {
    for (const spec of ENDPOINTS) {
      if (spec.request === 'multipart') continue;
      const { body, derived } = exampleFor(spec, ctx);
      expect(derived, `${spec.name} has no example`).toBe(false);
      const text = JSON.stringify(body, null, 2);
      const parsed = parseJsonBody(text);
      expect(parsed.ok, spec.name).toBe(true);
      expect(spec.check?.((parsed as { value: unknown }).value) ?? null, spec.name).toBeNull();
    }
  });

  it('names the chosen accounts; the platform when no authorizer is picked', () => {
    const spec = ENDPOINTS.find((s) => s.name === 'api_get_authorizer_info')!;
    expect(exampleFor(spec, ctx).body).toEqual({ component_appid: ctx.componentAppid, authorizer_appid: ctx.authorizerAppid });
    const clear = ENDPOINTS.find((s) => s.name === 'clear_quota')!;
    expect(exampleFor(clear, { ...ctx, authorizerAppid: null }).body).toEqual({ appid: ctx.componentAppid });
  });
});
