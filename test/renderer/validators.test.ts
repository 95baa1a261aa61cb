// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createAppI18n, issueText, messages } from '../../src/renderer/src/i18n';
import {
  validateAppid,
  validateDeskKey,
  validateEncodingAesKey,
  validatePlatformForm,
  validateRelayUrl,
  validateToken,
  type PlatformForm,
} from '../../src/renderer/src/lib/validators';

const GOOD_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'; // the 43-char key from WeChat's docs
const en = createAppI18n('en').global;
const zh = createAppI18n('zh-CN').global;
const textEn = (issue: ReturnType<typeof validateAppid>) => issueText(en.t as never, issue);
const textZh = (issue: ReturnType<typeof validateAppid>) => issueText(zh.t as never, issue);

describe('EncodingAESKey', () => {
  it('accepts exactly 43 base64-alphabet characters, including + and /', () => {
    expect(GOOD_KEY).toHaveLength(43);
    expect(validateEncodingAesKey(GOOD_KEY)).toBeNull();
    expect(validateEncodingAesKey('+/' + GOOD_KEY.slice(2))).toBeNull();
  });

  it('a key one character short says exactly what is expected and the length it got', () => {
    const issue = validateEncodingAesKey(GOOD_KEY.slice(0, 42));
    expect(textEn(issue)).toBe(
      'EncodingAESKey must be exactly 43 characters of the base64 alphabet (A-Z, a-z, 0-9, + and /); this one has 42',
    );
    expect(textZh(issue)).toBe('EncodingAESKey 必须恰好是 43 个 base64 字符（A-Z、a-z、0-9、+、/）；当前为 42 个');
  });

  it('a padded 44-character key is refused with its length', () => {
    expect(textEn(validateEncodingAesKey(GOOD_KEY + '='))).toContain('this one has 44');
  });

  it('a character outside the alphabet is named with its position', () => {
    const bad = GOOD_KEY.slice(0, 10) + '-' + GOOD_KEY.slice(11);
    expect(textEn(validateEncodingAesKey(bad))).toBe(
      'EncodingAESKey must be exactly 43 characters of the base64 alphabet (A-Z, a-z, 0-9, + and /); character 11 ("-") is not in it',
    );
  });

  it('empty is required', () => {
    expect(textEn(validateEncodingAesKey('  '))).toBe('Required');
  });
});

describe('appid', () => {
  it('accepts wx + 16 lower-case hex', () => {
    expect(validateAppid('wx0123456789abcdef')).toBeNull();
  });
  it.each([
    ['ab0123456789abcdef', 'The appid must start with wx'],
    ['wx0123456789abcde', 'The appid is wx followed by 16 hexadecimal characters, 18 in all; this one has 17'],
    ['wx0123456789abcdeg', 'After wx, the appid must be 16 hexadecimal characters (0-9, a-f, lower case)'],
    ['wx0123456789ABCDEF', 'After wx, the appid must be 16 hexadecimal characters (0-9, a-f, lower case)'],
  ])('%s → %s', (value, message) => {
    expect(textEn(validateAppid(value))).toBe(message);
  });
});

describe('Token', () => {
  it('accepts 3–32 letters or digits', () => {
    expect(validateToken('abc')).toBeNull();
    expect(validateToken('a'.repeat(32))).toBeNull();
  });
  it('refuses 2, 33, and punctuation', () => {
    expect(validateToken('ab')).not.toBeNull();
    expect(validateToken('a'.repeat(33))).not.toBeNull();
    expect(textEn(validateToken('abc_def'))).toContain('3 to 32 letters or digits');
  });
});

describe('relay URL and desk key', () => {
  it('https anywhere, http only on loopback', () => {
    expect(validateRelayUrl('https://relay.example.com', true)).toBeNull();
    expect(validateRelayUrl('http://127.0.0.1:8787', true)).toBeNull();
    expect(validateRelayUrl('http://localhost:8787', true)).toBeNull();
    expect(validateRelayUrl('http://relay.example.com', true)?.key).toBe('validation.urlPlaintext');
  });
  it('refuses garbage, other schemes and query strings', () => {
    expect(validateRelayUrl('relay.example.com', true)?.key).toBe('validation.url');
    expect(validateRelayUrl('ftp://relay.example.com', true)?.key).toBe('validation.urlScheme');
    expect(validateRelayUrl('https://relay.example.com/?k=1', true)?.key).toBe('validation.urlQuery');
  });
  it('optional when not required', () => {
    expect(validateRelayUrl('', false)).toBeNull();
    expect(validateRelayUrl('', true)?.key).toBe('validation.relayRequired');
  });
  it('desk key: at least 16 characters, no spaces', () => {
    expect(validateDeskKey('k'.repeat(16), true)).toBeNull();
    expect(textEn(validateDeskKey('short', true))).toBe('The desk key must be at least 16 characters; this one has 5');
    expect(validateDeskKey('with a space inside', true)?.key).toBe('validation.deskKeySpace');
  });
});

describe('the whole form', () => {
  const good: PlatformForm = {
    componentAppid: 'wx0123456789abcdef',
    name: 'Prod',
    appSecret: '0123456789abcdef0123456789abcdef',
    token: 'tok3n',
    encodingAesKey: GOOD_KEY,
    relayUrl: '',
    deskKey: '',
    egress: 'direct',
  };
  it('a complete direct configuration has no issues', () => {
    expect(validatePlatformForm(good)).toEqual({});
  });
  it('egress via relay requires the relay URL and the desk key', () => {
    const issues = validatePlatformForm({ ...good, egress: 'relay' });
    expect(Object.keys(issues).sort()).toEqual(['deskKey', 'relayUrl']);
  });
  it('every bad field is reported at once', () => {
    const issues = validatePlatformForm({ ...good, componentAppid: 'x', encodingAesKey: 'short', token: '!' });
    expect(Object.keys(issues).sort()).toEqual(['componentAppid', 'encodingAesKey', 'token']);
  });
});

describe('messages', () => {
  it('English and Chinese catalogues have the same keys', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort());
  });
});
