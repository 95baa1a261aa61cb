import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StoreError } from '../../src/main/store/index';
import { tempStore } from './temp-store';

const SECRETS = {
  appSecret: 'APPSECRET_f00dbabe_0123456789abcdef',
  token: 'MSGTOKEN_cafe1234',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  deskKey: 'DESKKEY_9f8e7d6c5b4a',
};
const COMPONENT_TOKEN = 'COMPONENT_ACCESS_TOKEN_77aa88bb99cc';
const AUTHORIZER_TOKEN = 'AUTHORIZER_ACCESS_TOKEN_1122334455';
const REFRESH_TOKEN = 'refreshtoken@@@REFRESH_SECRET_5566778899';

function fileBytes(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

describe('secrets at rest', () => {
  test('secrets and tokens never appear in plain text in the database file or its WAL', () => {
    const { store, dbPath } = tempStore();
    store.platforms.upsert({ componentAppid: 'wxcomp1', name: 'VISIBLE_PLATFORM_NAME', ...SECRETS });
    store.tokens.setComponent('wxcomp1', { token: COMPONENT_TOKEN, expiresAt: 2e12, obtainedAt: 1e12 });
    store.tokens.setAuthorizer('wxcomp1', 'wxauth1', { token: AUTHORIZER_TOKEN, expiresAt: 2e12, obtainedAt: 1e12 });
    store.authorizers.upsert({ componentAppid: 'wxcomp1', appid: 'wxauth1', kind: 'OA', refreshToken: REFRESH_TOKEN });

    const bytes = () => Buffer.concat([fileBytes(dbPath), fileBytes(dbPath + '-wal')]);
    // The check can fail: a plain field written the same way is found.
    expect(bytes().includes('VISIBLE_PLATFORM_NAME')).toBe(true);
    for (const secret of [...Object.values(SECRETS), COMPONENT_TOKEN, AUTHORIZER_TOKEN, REFRESH_TOKEN]) {
      expect(bytes().includes(secret), `${secret.slice(0, 8)}… leaked`).toBe(false);
    }
    // Still absent after the WAL is folded into the main file.
    store.checkpoint();
    store.close();
    for (const secret of [...Object.values(SECRETS), COMPONENT_TOKEN, AUTHORIZER_TOKEN, REFRESH_TOKEN]) {
      expect(bytes().includes(secret)).toBe(false);
    }
  });
});

describe('platforms', () => {
  test('get/list return only the public part with flags; getSecrets decrypts', () => {
    const { store } = tempStore({ now: () => 1000 });
    const created = store.platforms.upsert({ componentAppid: 'wxcomp1', name: 'Main', appSecret: SECRETS.appSecret });
    expect(created).toEqual({
      componentAppid: 'wxcomp1',
      name: 'Main',
      relayUrl: null,
      egress: 'direct',
      isDemo: false,
      createdAt: 1000,
      updatedAt: 1000,
      hasAppSecret: true,
      hasToken: false,
      hasEncodingAesKey: false,
      hasDeskKey: false,
    });
    expect(JSON.stringify(store.platforms.list())).not.toContain(SECRETS.appSecret);
    expect(store.platforms.getSecrets('wxcomp1')).toEqual({
      appSecret: SECRETS.appSecret,
      token: null,
      encodingAesKey: null,
      deskKey: null,
    });
  });

  test('update keeps omitted secrets, clears null ones, and several platforms live side by side', () => {
    const { store } = tempStore();
    store.platforms.upsert({ componentAppid: 'wxcomp1', name: 'A', ...SECRETS });
    store.platforms.upsert({ componentAppid: 'wxdemo', name: 'Demo', isDemo: true, token: 't2' });
    const updated = store.platforms.upsert({
      componentAppid: 'wxcomp1',
      name: 'A2',
      relayUrl: 'wss://relay.example.com',
      egress: 'relay',
      deskKey: null,
    });
    expect(updated).toMatchObject({ name: 'A2', egress: 'relay', hasAppSecret: true, hasDeskKey: false });
    expect(store.platforms.getSecrets('wxcomp1')).toMatchObject({ appSecret: SECRETS.appSecret, deskKey: null });
    expect(store.platforms.getSecrets('wxdemo').token).toBe('t2');
    expect(store.platforms.list().map((p) => p.componentAppid)).toEqual(['wxcomp1', 'wxdemo']);
  });

  test('remove deletes everything keyed by the platform, and nothing of others', () => {
    const { store } = tempStore();
    for (const c of ['wxcomp1', 'wxcomp2']) {
      store.platforms.upsert({ componentAppid: c, name: c });
      store.tickets.add(c, 'ticket@@@x', 1);
      store.authorizers.upsert({ componentAppid: c, appid: 'wxauth1', kind: 'MP', funcInfo: [1] });
      store.events.insert({ componentAppid: c, kind: 'component', receivedAt: 1, rawBody: 'b', seq: 1 });
      store.settings.set('x', 1, c);
    }
    expect(store.platforms.remove('wxcomp1')).toBe(true);
    expect(store.platforms.remove('wxcomp1')).toBe(false);
    expect(store.tickets.latest('wxcomp1')).toBeNull();
    expect(store.authorizers.list({ componentAppid: 'wxcomp1', funcId: 1 }).total).toBe(0);
    expect(store.events.count({ componentAppid: 'wxcomp1' })).toBe(0);
    expect(store.relay.getCursor('wxcomp1')).toBe(0);
    expect(store.tickets.latest('wxcomp2')).not.toBeNull();
    expect(store.authorizers.list({ componentAppid: 'wxcomp2', funcId: 1 }).total).toBe(1);
    expect(store.settings.get('x', 'wxcomp2')).toBe(1);
  });

  test('rejects bad input with clear errors', () => {
    const { store } = tempStore();
    expect(() => store.platforms.upsert({ componentAppid: 'bad appid!', name: 'x' })).toThrow(/componentAppid must be an appid/);
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: '' })).toThrow(/platform name must not be empty/);
    // @ts-expect-error: untyped caller
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: 'x', egress: 'proxy' })).toThrow(
      /egress must be one of direct, relay/,
    );
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: 'x', egress: 'relay' })).toThrow(/needs a relayUrl/);
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: 'x', relayUrl: 'ftp://h' })).toThrow(/http\(s\) or ws\(s\)/);
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: 'x', relayUrl: 'http://relay.example.com' })).toThrow(/https or wss .*desk key/);
    expect(() => store.platforms.upsert({ componentAppid: 'wxc', name: 'x', appSecret: '' })).toThrow(/appSecret must not be empty/);
    expect(() => store.platforms.getSecrets('wxnope')).toThrow(StoreError);
    expect(store.platforms.get('wxc')).toBeNull();
  });
});

describe('tickets', () => {
  test('keeps a history and returns the latest', () => {
    const { store } = tempStore({ now: () => 5000 });
    expect(store.tickets.latest('wxcomp1')).toBeNull();
    store.tickets.add('wxcomp1', 'ticket@@@one', 100, 1000);
    store.tickets.add('wxcomp1', 'ticket@@@two', 700);
    store.tickets.add('wxcomp2', 'ticket@@@other', 800);
    expect(store.tickets.latest('wxcomp1')).toMatchObject({ ticket: 'ticket@@@two', createTime: 700, receivedAt: 5000 });
    expect(store.tickets.list('wxcomp1').map((t) => t.ticket)).toEqual(['ticket@@@two', 'ticket@@@one']);
    expect(() => store.tickets.add('wxcomp1', '', 1)).toThrow(/ticket must not be empty/);
    expect(() => store.tickets.add('wxcomp1', 't', -1)).toThrow(/createTime/);
  });
});

describe('tokens', () => {
  test('get/set for the component and per authorizer', () => {
    const { store } = tempStore();
    expect(store.tokens.getComponent('wxcomp1')).toBeNull();
    store.tokens.setComponent('wxcomp1', { token: 'c1', expiresAt: 200, obtainedAt: 100 });
    store.tokens.setAuthorizer('wxcomp1', 'wxa', { token: 'a1', expiresAt: 300, obtainedAt: 150 });
    expect(store.tokens.getComponent('wxcomp1')).toEqual({ token: 'c1', expiresAt: 200, obtainedAt: 100 });
    expect(store.tokens.getAuthorizer('wxcomp1', 'wxa')).toEqual({ token: 'a1', expiresAt: 300, obtainedAt: 150 });
    expect(store.tokens.getAuthorizer('wxcomp1', 'wxb')).toBeNull();
    expect(store.tokens.getComponent('wxcomp2')).toBeNull();
    store.tokens.setComponent('wxcomp1', { token: 'c2', expiresAt: 400, obtainedAt: 300 });
    expect(store.tokens.getComponent('wxcomp1')?.token).toBe('c2');
  });

  test('compare-and-invalidate clears only the exact stored token', () => {
    const { store } = tempStore();
    store.tokens.setComponent('wxcomp1', { token: 'old', expiresAt: 200, obtainedAt: 100 });
    // A refresher replaced it meanwhile: invalidating the stale token must not drop the new one.
    store.tokens.setComponent('wxcomp1', { token: 'new', expiresAt: 400, obtainedAt: 300 });
    expect(store.tokens.invalidateComponent('wxcomp1', 'old')).toBe(false);
    expect(store.tokens.getComponent('wxcomp1')?.token).toBe('new');
    expect(store.tokens.invalidateComponent('wxcomp1', 'new')).toBe(true);
    expect(store.tokens.getComponent('wxcomp1')).toBeNull();
    expect(store.tokens.invalidateComponent('wxcomp1', 'new')).toBe(false);

    store.tokens.setAuthorizer('wxcomp1', 'wxa', { token: 'ta', expiresAt: 1, obtainedAt: 0 });
    store.tokens.setAuthorizer('wxcomp1', 'wxb', { token: 'ta', expiresAt: 1, obtainedAt: 0 });
    expect(store.tokens.invalidateAuthorizer('wxcomp1', 'wxa', 'tb')).toBe(false);
    expect(store.tokens.invalidateAuthorizer('wxcomp1', 'wxa', 'ta')).toBe(true);
    expect(store.tokens.getAuthorizer('wxcomp1', 'wxa')).toBeNull();
    expect(store.tokens.getAuthorizer('wxcomp1', 'wxb')?.token).toBe('ta');
  });

  test('rejects malformed records', () => {
    const { store } = tempStore();
    expect(() => store.tokens.setComponent('wxcomp1', { token: '', expiresAt: 1, obtainedAt: 1 })).toThrow(/token must not be empty/);
    expect(() => store.tokens.setComponent('wxcomp1', { token: 'x', expiresAt: 1.5, obtainedAt: 1 })).toThrow(/expiresAt/);
    // @ts-expect-error: untyped caller
    expect(() => store.tokens.setAuthorizer('wxcomp1', 'wxa', null)).toThrow(/token record must be an object/);
  });
});

describe('settings', () => {
  test('JSON values per platform and global, independent of each other', () => {
    const { store } = tempStore();
    store.settings.set('locale', 'zh-CN');
    store.settings.set('locale', 'en', 'wxcomp1');
    store.settings.set('filters', { kind: 'OA', ids: [1, 2] }, 'wxcomp1');
    expect(store.settings.get('locale')).toBe('zh-CN');
    expect(store.settings.get('locale', 'wxcomp1')).toBe('en');
    expect(store.settings.get<{ ids: number[] }>('filters', 'wxcomp1')?.ids).toEqual([1, 2]);
    expect(store.settings.all('wxcomp1')).toEqual({ filters: { kind: 'OA', ids: [1, 2] }, locale: 'en' });
    expect(store.settings.delete('locale')).toBe(true);
    expect(store.settings.get('locale')).toBeUndefined();
    expect(() => store.settings.set('x', undefined)).toThrow(/use settings.delete/);
    expect(() => store.settings.set('x', 10n)).toThrow(/cannot be stored as JSON/);
    expect(() => store.settings.set('', 1)).toThrow(/setting key must not be empty/);
  });
});
