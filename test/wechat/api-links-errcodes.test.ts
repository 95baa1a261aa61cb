import { describe, expect, it } from 'vitest';
import { buildMobileAuthUrl, buildPcAuthUrl, WeChatInputError } from '../../src/main/api';
import { ERRCODES, explainErrcode, isTokenInvalidErrcode } from '../../src/shared/errcodes';

const base = {
  componentAppid: 'wx1111111111111111',
  preAuthCode: 'preauthcode@@@abc+/=',
  redirectUri: 'https://relay.example.com/authorized?link=L1&x=1',
};

describe('buildPcAuthUrl', () => {
  it('builds the componentloginpage URL with every parameter encoded', () => {
    const url = new URL(buildPcAuthUrl({ ...base, authType: 2, bizAppid: 'wx2222222222222222', categoryIdList: [17, 18, 19] }));
    expect(url.origin + url.pathname).toBe('https://mp.weixin.qq.com/cgi-bin/componentloginpage');
    expect(url.searchParams.get('component_appid')).toBe(base.componentAppid);
    expect(url.searchParams.get('pre_auth_code')).toBe(base.preAuthCode);
    expect(url.searchParams.get('redirect_uri')).toBe(base.redirectUri);
    expect(url.searchParams.get('auth_type')).toBe('2');
    expect(url.searchParams.get('biz_appid')).toBe('wx2222222222222222');
    expect(url.searchParams.get('category_id_list')).toBe('17|18|19');
    // The redirect's own query must not leak into the outer query.
    expect(url.searchParams.get('link')).toBeNull();
  });

  it('leaves out optional parameters and accepts another base (the simulator)', () => {
    const url = new URL(buildPcAuthUrl(base, 'http://127.0.0.1:9999/'));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:9999/cgi-bin/componentloginpage');
    expect([...url.searchParams.keys()].sort()).toEqual(['component_appid', 'pre_auth_code', 'redirect_uri']);
  });

  it('rejects bad input with a message naming the field', () => {
    expect(() => buildPcAuthUrl({ ...base, preAuthCode: '' })).toThrow(/preAuthCode/);
    expect(() => buildPcAuthUrl({ ...base, redirectUri: '/relative' })).toThrow(/redirectUri/);
    expect(() => buildPcAuthUrl({ ...base, redirectUri: 'javascript:alert(1)' })).toThrow(/http/);
    expect(() => buildPcAuthUrl({ ...base, authType: 9 as never })).toThrow(/authType/);
    expect(() => buildPcAuthUrl({ ...base, categoryIdList: [1, -2] })).toThrow(/categoryIdList/);
    expect(() => buildPcAuthUrl({ ...base, categoryIdList: [] })).toThrow(WeChatInputError);
    expect(() => buildPcAuthUrl({ ...base, bizAppid: '' })).toThrow(/bizAppid/);
  });
});

describe('buildMobileAuthUrl', () => {
  it('builds the bindcomponent link with action, no_scan and #wechat_redirect', () => {
    const s = buildMobileAuthUrl({ ...base, authType: 3, bizAppid: 'wx2222222222222222' });
    expect(s.endsWith('#wechat_redirect')).toBe(true);
    const url = new URL(s);
    expect(url.origin + url.pathname).toBe('https://open.weixin.qq.com/wxaopen/safe/bindcomponent');
    expect(url.hash).toBe('#wechat_redirect');
    expect(url.searchParams.get('action')).toBe('bindcomponent');
    expect(url.searchParams.get('no_scan')).toBe('1');
    expect(url.searchParams.get('component_appid')).toBe(base.componentAppid);
    expect(url.searchParams.get('pre_auth_code')).toBe(base.preAuthCode);
    expect(url.searchParams.get('redirect_uri')).toBe(base.redirectUri);
    expect(url.searchParams.get('auth_type')).toBe('3');
    expect(url.searchParams.get('biz_appid')).toBe('wx2222222222222222');
  });

  it('rejects bad input', () => {
    expect(() => buildMobileAuthUrl({ ...base, componentAppid: ' ' })).toThrow(/componentAppid/);
  });
});

describe('errcode table', () => {
  it('explains known codes in both languages with an action', () => {
    const e = explainErrcode(45009);
    expect(e).toMatchObject({ code: 45009, known: true, action: 'clear_quota' });
    expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(e.en).toMatch(/quota/i);
    expect(explainErrcode(61023).action).toBe('reauthorize');
    expect(explainErrcode(-1).action).toBe('retry');
  });

  it('61004 explains the whitelist and the egress-via-relay option', () => {
    const e = explainErrcode(61004);
    expect(e.zh).toContain('白名单');
    expect(e.zh).toContain('egress: via relay');
    expect(e.en).toMatch(/whitelist/i);
    expect(e.en).toContain('egress: via relay');
    expect(e.action).toBe('fix_whitelist');
  });

  it('covers the crypto codes of §1.4', () => {
    for (let code = -40011; code <= -40001; code++) {
      expect(explainErrcode(code)).toMatchObject({ known: true, action: 'check_crypto' });
    }
  });

  it('covers every code of reference §8', () => {
    const section8 = [
      -1, 0, 40001, 40013, 40014, 40029, 40125, 40164, 41001, 41002, 41004, 42001, 42002, 45009, 45011, 47001, 48001,
      48006, 61003, 61004, 61005, 61006, 61007, 61011, 61023, 61024, 61058, 61070, 85009, 85013, 85014, 85015, 85016,
      85017, 85018, 85019, 85020, 85023, 85043, 85044, 85045, 85046, 85047, 85048, 85052, 85064, 85065, 85077, 85079,
      85080, 85081, 85082, 85085, 85086, 85087, 86000, 86001, 86002, 86007, 86008, 87012, 89019, 89020, 89021, 89231,
      89247, 89248, 89249, 89250, 89251, 89252, 89253, 89254, 89255, 89402, 89403, 89404, 9402202,
    ];
    const missing = section8.filter((c) => !ERRCODES[c]);
    expect(missing).toEqual([]);
    for (const c of section8) {
      expect(ERRCODES[c]!.zh.length).toBeGreaterThan(0);
      expect(ERRCODES[c]!.en.length).toBeGreaterThan(0);
    }
  });

  it('gives unknown codes a fallback that says how to look them up', () => {
    const e = explainErrcode(12345);
    expect(e.known).toBe(false);
    expect(e.action).toBeUndefined();
    expect(e.en).toContain('12345');
    expect(e.en).toContain('rid');
    expect(e.zh).toContain('12345');
    expect(explainErrcode(Number.NaN).known).toBe(false);
  });

  it('marks exactly 40001/40014/42001 as token-invalid', () => {
    expect([40001, 40014, 42001].every(isTokenInvalidErrcode)).toBe(true);
    expect([40013, 41001, 42002, 61023, -1].some(isTokenInvalidErrcode)).toBe(false);
  });
});
