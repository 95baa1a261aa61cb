import { afterEach, describe, expect, it, vi } from 'vitest';
import { WeChatApiError, WeChatClient, WeChatInputError } from '../../src/main/api';
import {
  NoRefreshTokenError,
  NoTicketError,
  TokenManager,
  type TokenManagerOptions,
  type TokenTarget,
} from '../../src/main/tokens/token-manager';
import { startFakeWeChat, type FakeWeChat, type SeenRequest } from '../helpers/fake-wechat-server';
import { MemoryTokenStorage } from '../helpers/memory-token-storage';

const COMPONENT = 'wx1111111111111111';
const SECRET = 'component-secret-value';
const A = 'wxaaaaaaaaaaaaaaaa';
const B = 'wxbbbbbbbbbbbbbbbb';
const MIN = 60_000;
const T0 = 1_800_000_000_000;

const COMPONENT_TOKEN_PATH = '/cgi-bin/component/api_component_token';
const AUTHORIZER_TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';

let server: FakeWeChat | null = null;
let manager: TokenManager | null = null;
afterEach(async () => {
  manager?.stop();
  manager = null;
  await server?.close();
  server = null;
});

/** A fake WeChat that hands out numbered tokens; answers can be delayed so callers really overlap. */
async function wechatIssuingTokens(opts: { delayMs?: number; rotateRefreshToken?: boolean } = {}) {
  let componentSeq = 0;
  const authorizerSeq = new Map<string, number>();
  const pause = () => new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
  return startFakeWeChat({
    [COMPONENT_TOKEN_PATH]: async () => {
      await pause();
      return { json: { component_access_token: `CAT-${++componentSeq}`, expires_in: 7200 } };
    },
    [AUTHORIZER_TOKEN_PATH]: async (r: SeenRequest) => {
      await pause();
      const appid = String(r.body?.authorizer_appid);
      const n = (authorizerSeq.get(appid) ?? 0) + 1;
      authorizerSeq.set(appid, n);
      return {
        json: {
          authorizer_access_token: `AT-${appid}-${n}`,
          expires_in: 7200,
          authorizer_refresh_token: opts.rotateRefreshToken ? `refreshtoken@@@${appid}-${n}` : r.body?.authorizer_refresh_token,
        },
      };
    },
  });
}

function setup(
  url: string,
  storage: MemoryTokenStorage,
  clock: { now: number },
  extra: Partial<TokenManagerOptions> = {},
  clientOpts: ConstructorParameters<typeof WeChatClient>[0] = {},
): TokenManager {
  const client = new WeChatClient({ baseUrl: url, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...clientOpts });
  manager = new TokenManager({
    client,
    storage,
    componentAppid: COMPONENT,
    componentSecret: SECRET,
    now: () => clock.now,
    ...extra,
  });
  return manager;
}

function storageWithTicket(): MemoryTokenStorage {
  const s = new MemoryTokenStorage();
  s.ticket = 'ticket@@@latest';
  return s;
}

describe('TokenManager: component token', () => {
  it('serves the stored token while more than the margin remains, without asking WeChat', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    storage.componentToken = { token: 'STORED', expiresAt: T0 + 11 * MIN };
    const tm = setup(server.url, storage, { now: T0 });
    expect(await tm.getComponentToken()).toBe('STORED');
    expect(server.requests).toHaveLength(0);
  });

  it('refreshes once the margin is reached, sending appid, secret and the latest ticket; stores the expiry', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    storage.componentToken = { token: 'STORED', expiresAt: T0 + 10 * MIN };
    const clock = { now: T0 };
    const tm = setup(server.url, storage, clock);
    expect(await tm.getComponentToken()).toBe('CAT-1');
    expect(server.requests[0]!.body).toEqual({
      component_appid: COMPONENT,
      component_appsecret: SECRET,
      component_verify_ticket: 'ticket@@@latest',
    });
    expect(storage.componentToken).toEqual({ token: 'CAT-1', expiresAt: T0 + 7200_000 });
    // Advance the clock (no sleeping): still fresh at +1 h, due again at 7200 s − 10 min.
    clock.now = T0 + 60 * MIN;
    expect(await tm.getComponentToken()).toBe('CAT-1');
    clock.now = T0 + 7200_000 - 10 * MIN;
    expect(await tm.getComponentToken()).toBe('CAT-2');
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(2);
  });

  it('1,000 concurrent callers at expiry share exactly one api_component_token request', async () => {
    server = await wechatIssuingTokens({ delayMs: 30 });
    const storage = storageWithTicket();
    storage.componentToken = { token: 'EXPIRED', expiresAt: T0 - 1 };
    const tm = setup(server.url, storage, { now: T0 });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => tm.getComponentToken()));
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['CAT-1']));
    expect(storage.writes.componentToken).toBe(1);
  });

  it('without a ticket throws NoTicketError and sends nothing', async () => {
    server = await wechatIssuingTokens();
    const tm = setup(server.url, new MemoryTokenStorage(), { now: T0 });
    const err = await tm.getComponentToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoTicketError);
    expect((err as Error).message).toMatch(/^no component_verify_ticket yet: /);
    expect(server.requests).toHaveLength(0);
  });

  it('keeps serving a still-valid token when an early refresh fails, and reports the failure', async () => {
    server = await startFakeWeChat({
      [COMPONENT_TOKEN_PATH]: () => ({ json: { errcode: 61004, errmsg: 'access clientip is not registered requestIP: 1.2.3.4' } }),
    });
    const storage = storageWithTicket();
    storage.componentToken = { token: 'STILL_VALID', expiresAt: T0 + 5 * MIN };
    const failures: [unknown, TokenTarget][] = [];
    const clock = { now: T0 };
    const tm = setup(server.url, storage, clock, { onRefreshError: (e, t) => failures.push([e, t]) });
    expect(await tm.getComponentToken()).toBe('STILL_VALID');
    expect((failures[0]![0] as WeChatApiError).errcode).toBe(61004);
    expect(failures[0]![1]).toEqual({ kind: 'component' });
    // Once it has really expired, the caller gets the error itself.
    clock.now = T0 + 5 * MIN;
    const err = (await tm.getComponentToken().catch((e: unknown) => e)) as WeChatApiError;
    expect(err.errcode).toBe(61004);
    expect(err.message).toContain('egress: via relay');
  });

  it('withComponentToken: on 40001 invalidates that token, fetches a fresh one and retries once', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    storage.componentToken = { token: 'REVOKED', expiresAt: T0 + 100 * MIN };
    const tm = setup(server.url, storage, { now: T0 });
    const used: string[] = [];
    const result = await tm.withComponentToken(async (token) => {
      used.push(token);
      if (token === 'REVOKED') throw new WeChatApiError(40001, 'invalid credential', null, '/x');
      return 'done';
    });
    expect(result).toBe('done');
    expect(used).toEqual(['REVOKED', 'CAT-1']);
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(1);
  });

  it('compare-before-invalidate: a token someone else already refreshed is not thrown away', async () => {
    const storage = storageWithTicket();
    storage.componentToken = { token: 'T1', expiresAt: T0 + 100 * MIN };
    server = await startFakeWeChat({
      [COMPONENT_TOKEN_PATH]: () => ({ json: { component_access_token: 'SHOULD_NOT_BE_FETCHED', expires_in: 7200 } }),
      '/cgi-bin/component/api_create_preauthcode': (r) => {
        if (r.query.get('component_access_token') === 'T1') {
          // Meanwhile another process refreshed the token: T2 is now the stored one, T1 is dead.
          storage.componentToken = { token: 'T2', expiresAt: T0 + 120 * MIN };
          return { json: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } };
        }
        return { json: { pre_auth_code: 'pac', expires_in: 600 } };
      },
    });
    const tm = setup(server.url, storage, { now: T0 });
    const client = new WeChatClient({ baseUrl: server.url });
    const res = await client.createPreAuthCode(tm.componentTokenSource, { component_appid: COMPONENT });
    expect(res.pre_auth_code).toBe('pac');
    expect(storage.componentToken).toEqual({ token: 'T2', expiresAt: T0 + 120 * MIN });
    expect(storage.writes.invalidations).toBe(0);
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(0);
    expect(server.requests.map((r) => r.query.get('component_access_token'))).toEqual(['T1', 'T2']);
  });

  it('1,000 concurrent callers all hitting 40001 with the same token cause one refresh', async () => {
    server = await wechatIssuingTokens({ delayMs: 10 });
    const storage = storageWithTicket();
    storage.componentToken = { token: 'REVOKED', expiresAt: T0 + 100 * MIN };
    const tm = setup(server.url, storage, { now: T0 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, () =>
        tm.withComponentToken(async (token) => {
          await new Promise((r) => setImmediate(r));
          if (token === 'REVOKED') throw new WeChatApiError(40014, 'invalid access_token', null, '/x');
          return token;
        }),
      ),
    );
    expect(new Set(results)).toEqual(new Set(['CAT-1']));
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(1);
  });
});

describe('TokenManager: authorizer tokens', () => {
  it('single-flight per appid: 1,000 callers over two authorizers → one refresh each, one component token', async () => {
    server = await wechatIssuingTokens({ delayMs: 20 });
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@a');
    storage.refreshTokens.set(B, 'refreshtoken@@@b');
    const tm = setup(server.url, storage, { now: T0 });
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => tm.getAuthorizerToken(i % 2 ? A : B)));
    expect(new Set(tokens)).toEqual(new Set([`AT-${A}-1`, `AT-${B}-1`]));
    expect(server.count(AUTHORIZER_TOKEN_PATH)).toBe(2);
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(1);
    const bodies = server.requests.filter((r) => r.pathname === AUTHORIZER_TOKEN_PATH).map((r) => r.body);
    expect(bodies).toContainEqual({ component_appid: COMPONENT, authorizer_appid: A, authorizer_refresh_token: 'refreshtoken@@@a' });
    expect(storage.authorizerTokens.get(A)).toEqual({ token: `AT-${A}-1`, expiresAt: T0 + 7200_000 });
  });

  it('writes a rotated refresh token back through storage', async () => {
    server = await wechatIssuingTokens({ rotateRefreshToken: true });
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@old');
    const tm = setup(server.url, storage, { now: T0 });
    await tm.getAuthorizerToken(A);
    expect(storage.refreshTokens.get(A)).toBe(`refreshtoken@@@${A}-1`);
    expect(storage.writes.refreshToken).toBe(1);
    // The next refresh sends the new refresh token.
    await tm.refreshAuthorizerToken(A);
    const last = server.requests.filter((r) => r.pathname === AUTHORIZER_TOKEN_PATH).at(-1)!;
    expect(last.body?.authorizer_refresh_token).toBe(`refreshtoken@@@${A}-1`);
  });

  it('a refresh answered after a re-authorization stored a newer refresh token keeps the newer one and its token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => (entered = r));
    server = await startFakeWeChat({
      [COMPONENT_TOKEN_PATH]: () => ({ json: { component_access_token: 'CAT', expires_in: 7200 } }),
      [AUTHORIZER_TOKEN_PATH]: async () => {
        entered();
        await gate; // the answer of the old authorization is slow to arrive
        return { json: { authorizer_access_token: 'AT-from-R1', expires_in: 7200, authorizer_refresh_token: 'refreshtoken@@@R1-rotated' } };
      },
    });
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@R1');
    const tm = setup(server.url, storage, { now: T0 });
    const refresh = tm.refreshAuthorizerToken(A);
    await inFlight;
    // Meanwhile the admin authorizes again: api_query_auth gives a new refresh token and access token.
    tm.saveAuthorization({ authorizer_appid: A, authorizer_access_token: 'AT-from-R2', expires_in: 7200, authorizer_refresh_token: 'refreshtoken@@@R2' } as never, T0);
    release();
    expect(await refresh).toBe('AT-from-R2');
    expect(storage.refreshTokens.get(A)).toBe('refreshtoken@@@R2');
    expect(storage.authorizerTokens.get(A)?.token).toBe('AT-from-R2');
  });

  it('does not rewrite an unchanged refresh token', async () => {
    server = await wechatIssuingTokens({ rotateRefreshToken: false });
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@same');
    const tm = setup(server.url, storage, { now: T0 });
    await tm.getAuthorizerToken(A);
    expect(storage.writes.refreshToken).toBe(0);
  });

  it('without a refresh token throws NoRefreshTokenError and sends nothing', async () => {
    server = await wechatIssuingTokens();
    const tm = setup(server.url, storageWithTicket(), { now: T0 });
    const err = await tm.getAuthorizerToken(A).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoRefreshTokenError);
    expect((err as NoRefreshTokenError).authorizerAppid).toBe(A);
    expect(server.requests).toHaveLength(0);
  });

  it('61023 on refresh calls onNeedsReauth(appid) and surfaces the error', async () => {
    server = await startFakeWeChat({
      [COMPONENT_TOKEN_PATH]: () => ({ json: { component_access_token: 'CAT', expires_in: 7200 } }),
      [AUTHORIZER_TOKEN_PATH]: () => ({ json: { errcode: 61023, errmsg: 'refresh_token is invalid rid: 1-2-3' } }),
    });
    const reauth: string[] = [];
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@revoked');
    const tm = setup(server.url, storage, { now: T0 }, {}, { onNeedsReauth: (appid, refused) => reauth.push(`${appid} ${refused}`) });
    const err = (await tm.getAuthorizerToken(A).catch((e: unknown) => e)) as WeChatApiError;
    expect(err.errcode).toBe(61023);
    expect(err.rid).toBe('1-2-3');
    expect(err.message).not.toContain('refreshtoken@@@revoked');
    expect(reauth).toEqual([`${A} refreshtoken@@@revoked`]); // the refused token, so a replaced one is told apart
  });

  it('withAuthorizerToken: 42001 → invalidate that exact token and retry once with a fresh one', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@a');
    storage.authorizerTokens.set(A, { token: 'AT-OLD', expiresAt: T0 + 100 * MIN });
    const tm = setup(server.url, storage, { now: T0 });
    const client = new WeChatClient({ baseUrl: server.url });
    const used: string[] = [];
    const out = await tm.withAuthorizerToken(A, async (token) => {
      used.push(token);
      if (token === 'AT-OLD') throw new WeChatApiError(42001, 'access_token expired', null, '/cgi-bin/menu/get', A);
      return client;
    });
    expect(out).toBe(client);
    expect(used).toEqual(['AT-OLD', `AT-${A}-1`]);
    expect(server.count(AUTHORIZER_TOKEN_PATH)).toBe(1);
  });

  it('saveAuthorization stores the access and refresh tokens from api_query_auth', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    const tm = setup(server.url, storage, { now: T0 });
    tm.saveAuthorization({
      authorizer_appid: A,
      authorizer_access_token: 'AT-FROM-QUERY',
      expires_in: 7200,
      authorizer_refresh_token: 'refreshtoken@@@q',
      func_info: [{ funcscope_category: { id: 1 } }],
    });
    expect(await tm.getAuthorizerToken(A)).toBe('AT-FROM-QUERY');
    expect(storage.refreshTokens.get(A)).toBe('refreshtoken@@@q');
    expect(server.requests).toHaveLength(0);
    expect(() => tm.saveAuthorization({ authorizer_appid: '' })).toThrow(WeChatInputError);
  });
});

describe('TokenManager: refreshing ahead of expiry', () => {
  it('refreshDue refreshes the component token and used authorizers that are inside the margin, and nothing else', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    storage.refreshTokens.set(A, 'refreshtoken@@@a');
    storage.refreshTokens.set(B, 'refreshtoken@@@b');
    const clock = { now: T0 };
    const tm = setup(server.url, storage, clock);
    await tm.getAuthorizerToken(A);
    await tm.getAuthorizerToken(B);
    const before = server.requests.length;
    await tm.refreshDue();
    expect(server.requests.length).toBe(before); // everything fresh
    clock.now = T0 + 7200_000 - 9 * MIN;
    await tm.refreshDue();
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(2);
    expect(server.count(AUTHORIZER_TOKEN_PATH)).toBe(4);
    expect(storage.authorizerTokens.get(A)!.token).toBe(`AT-${A}-2`);
  });

  it('refreshDue reports failures instead of rejecting, and drops authorizers without a refresh token', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    const failures: TokenTarget[] = [];
    const tm = setup(server.url, storage, { now: T0 }, { onRefreshError: (_e, t) => failures.push(t) });
    await tm.getAuthorizerToken(A).catch(() => undefined);
    await expect(tm.refreshDue()).resolves.toBeUndefined();
    expect(failures).toEqual([{ kind: 'authorizer', appid: A }]);
    await tm.refreshDue();
    expect(failures).toHaveLength(1);
  });

  it('refreshDue without a ticket stays quiet (nothing to do until the first push)', async () => {
    server = await wechatIssuingTokens();
    const failures: TokenTarget[] = [];
    const tm = setup(server.url, new MemoryTokenStorage(), { now: T0 }, { onRefreshError: (_e, t) => failures.push(t) });
    await tm.refreshDue();
    expect(failures).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('start() refreshes in the background on an unref’d timer; stop() ends it', async () => {
    server = await wechatIssuingTokens();
    const storage = storageWithTicket();
    const refreshed: TokenTarget[] = [];
    const tm = setup(server.url, storage, { now: T0 }, { checkIntervalMs: 20, onRefreshed: (t) => refreshed.push(t) });
    tm.start();
    tm.start(); // idempotent
    expect(tm.running).toBe(true);
    expect((tm as unknown as { timer: NodeJS.Timeout }).timer.hasRef()).toBe(false);
    await vi.waitFor(() => expect(storage.componentToken).not.toBeNull());
    expect(refreshed).toEqual([{ kind: 'component' }]);
    tm.stop();
    expect(tm.running).toBe(false);
    expect(server.count(COMPONENT_TOKEN_PATH)).toBe(1);
  });
});

describe('TokenManager: input validation', () => {
  it('rejects missing configuration with a clear message', () => {
    const client = new WeChatClient();
    const storage = new MemoryTokenStorage();
    expect(() => new TokenManager({ client, storage, componentAppid: '', componentSecret: 's' })).toThrow(/componentAppid/);
    expect(() => new TokenManager({ client, storage, componentAppid: COMPONENT, componentSecret: '' })).toThrow(/componentSecret/);
    expect(() => new TokenManager({ client, storage, componentAppid: COMPONENT, componentSecret: 's', marginMs: -1 })).toThrow(
      /marginMs/,
    );
    const tm = new TokenManager({ client, storage, componentAppid: COMPONENT, componentSecret: () => 's' });
    expect(() => tm.getAuthorizerToken('')).toThrow(/authorizer appid/);
  });
});
