/**
 * The API client and token manager against the simulator over real HTTP on loopback: a ticket pushed (encrypted) to a
 * receiver, the component token, a pre-auth code, an authorization via the simulator's control API, api_query_auth,
 * and authorizer token refreshes (with refresh-token rotation), plus the errors the simulator can be told to produce.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIM_CONTROL_HEADERS, startSimulator, type Simulator } from '../../src/sim';
import { MsgCrypt } from '../../src/wechat/crypto';
import { field, parseXml } from '../../src/wechat/xml';
import {
  WeChatApiError,
  WeChatClient,
  buildPcAuthUrl,
  type ApiCallRecord,
} from '../../src/main/api';
import { TokenManager } from '../../src/main/tokens/token-manager';
import { MemoryTokenStorage } from '../helpers/memory-token-storage';

/** A minimal 授权事件接收URL: verifies and decrypts pushes, keeps the latest ticket and the authorization events. */
async function startAuthEventReceiver(crypt: () => MsgCrypt, storage: MemoryTokenStorage) {
  const events: Record<string, string | undefined>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const q = new URL(req.url ?? '/', 'http://x').searchParams;
        const outer = parseXml(Buffer.concat(chunks).toString('utf8'));
        const encrypt = field(outer, 'Encrypt') ?? '';
        crypt().verify(q.get('msg_signature') ?? '', q.get('timestamp') ?? '', q.get('nonce') ?? '', encrypt);
        const inner = parseXml(crypt().decrypt(encrypt).plaintext);
        const infoType = field(inner, 'InfoType');
        if (infoType === 'component_verify_ticket') storage.ticket = field(inner, 'ComponentVerifyTicket') ?? null;
        events.push({ infoType, appid: field(inner, 'AuthorizerAppid'), code: field(inner, 'AuthorizationCode') });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
      } catch (err) {
        res.writeHead(400).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wechat/component`,
    events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function control<T = Record<string, unknown>>(sim: Simulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(sim.url + path, {
    method,
    headers: body === undefined ? SIM_CONTROL_HEADERS : { ...SIM_CONTROL_HEADERS, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
  return (await res.json()) as T;
}

let sim: Simulator;
let receiver: Awaited<ReturnType<typeof startAuthEventReceiver>>;
let storage: MemoryTokenStorage;
let records: ApiCallRecord[];
let reauth: string[];
let client: WeChatClient;
let tokens: TokenManager;
let clock: { now: number };

beforeEach(async () => {
  storage = new MemoryTokenStorage();
  let crypt: MsgCrypt | null = null;
  receiver = await startAuthEventReceiver(() => crypt!, storage);
  sim = await startSimulator({ authEventUrl: receiver.url, accounts: 4, candidates: 2, ticketIntervalSeconds: 0, pushTicketAtStart: false });
  crypt = new MsgCrypt({ token: sim.config.token, encodingAesKey: sim.config.encodingAesKey, appid: sim.config.componentAppid });
  records = [];
  reauth = [];
  client = new WeChatClient({
    baseUrl: sim.url,
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    onCall: (r) => records.push(r),
    onNeedsReauth: (appid) => reauth.push(appid),
  });
  clock = { now: Date.now() };
  tokens = new TokenManager({
    client,
    storage,
    componentAppid: sim.config.componentAppid,
    componentSecret: sim.config.componentSecret,
    now: () => clock.now,
  });
});

afterEach(async () => {
  tokens.stop();
  await sim.close();
  await receiver.close();
});

describe('client and token manager against the simulator', () => {
  it('ticket → component token → pre-auth code → authorization → query auth → authorizer token refresh', async () => {
    const { componentAppid, componentSecret } = sim.config;
    // Ticket: asked for with api_start_push_ticket, pushed encrypted to our receiver.
    await expect(tokens.getComponentToken()).rejects.toThrow(/^no component_verify_ticket yet/);
    await client.startPushTicket({ component_appid: componentAppid, component_secret: componentSecret });
    await vi.waitFor(() => expect(storage.ticket).not.toBeNull());

    const componentToken = await tokens.getComponentToken();
    expect(componentToken).toBeTruthy();
    expect(await tokens.getComponentToken()).toBe(componentToken);

    const pre = await client.createPreAuthCode(tokens.componentTokenSource, { component_appid: componentAppid });
    expect(pre.expires_in).toBe(600);
    const authUrl = buildPcAuthUrl(
      { componentAppid, preAuthCode: pre.pre_auth_code, redirectUri: 'https://relay.example.com/authorized', authType: 3 },
      sim.url,
    );
    const page = await fetch(authUrl);
    expect(page.status).toBe(200);

    // The admin's approval, through the control API: the authorized push reaches the receiver too.
    const candidates = await control<{ candidates: { appid: string; authorized: boolean }[] }>(sim, 'GET', '/__sim/candidates');
    const appid = candidates.candidates.find((c) => !c.authorized)!.appid;
    const auth = await control<{ authCode: string }>(sim, 'POST', '/__sim/authorize', { appid });
    expect(receiver.events).toContainEqual({ infoType: 'authorized', appid, code: auth.authCode });

    const q = await tokens.withComponentToken((t) =>
      client.queryAuth(t, { component_appid: componentAppid, authorization_code: auth.authCode }),
    );
    expect(q.authorization_info.authorizer_appid).toBe(appid);
    expect(q.authorization_info.func_info?.length).toBeGreaterThan(0);
    tokens.saveAuthorization(q.authorization_info);
    const firstAccessToken = q.authorization_info.authorizer_access_token!;
    expect(await tokens.getAuthorizerToken(appid)).toBe(firstAccessToken);

    // Near expiry the manager refreshes with api_authorizer_token; the simulator rotates refresh tokens.
    sim.setRotateRefreshTokens(true);
    const rtBefore = storage.refreshTokens.get(appid);
    clock.now += 7200_000 - 5 * 60_000;
    const refreshed = await tokens.getAuthorizerToken(appid);
    expect(refreshed).not.toBe(firstAccessToken);
    expect(storage.refreshTokens.get(appid)).not.toBe(rtBefore);
    // The rotated refresh token was written back: a second refresh with it works (the old one is dead).
    const again = await tokens.refreshAuthorizerToken(appid);
    expect(again).not.toBe(refreshed);

    // The new token works for an authorizer-token API.
    const opt = await client.getAuthorizerOption(tokens.authorizerTokenSource(appid), { option_name: 'voice_recognize' });
    expect(typeof opt.option_value).toBe('string');

    // Logs: every call recorded, no token anywhere.
    expect(records.length).toBeGreaterThanOrEqual(8);
    const logged = JSON.stringify(records);
    for (const secret of [componentToken, firstAccessToken, refreshed, componentSecret, rtBefore!]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('a superseded component token (40001 after the grace period) is replaced once and the call goes through', async () => {
    const { componentAppid, componentSecret } = sim.config;
    await client.startPushTicket({ component_appid: componentAppid, component_secret: componentSecret });
    await vi.waitFor(() => expect(storage.ticket).not.toBeNull());
    const old = await tokens.getComponentToken();
    // Another process takes a new token; after the grace period the old one is dead.
    await client.componentToken({ component_appid: componentAppid, component_appsecret: componentSecret, component_verify_ticket: storage.ticket! });
    await control(sim, 'POST', '/__sim/clock/advance', { seconds: 301 });
    records.length = 0;
    const list = await client.getAuthorizerList(tokens.componentTokenSource, { component_appid: componentAppid, offset: 0, count: 10 });
    expect(list.total_count).toBe(4);
    expect(storage.componentToken!.token).not.toBe(old);
    expect(records.map((r) => [r.path, r.errcode])).toEqual([
      ['/cgi-bin/component/api_get_authorizer_list', 40001],
      ['/cgi-bin/component/api_component_token', 0],
      ['/cgi-bin/component/api_get_authorizer_list', 0],
    ]);
  });

  it('-1 from the simulator is retried; 61023 after unauthorize calls the reauth hook', async () => {
    const { componentAppid, componentSecret } = sim.config;
    await client.startPushTicket({ component_appid: componentAppid, component_secret: componentSecret });
    await vi.waitFor(() => expect(storage.ticket).not.toBeNull());
    const list = await client.getAuthorizerList(tokens.componentTokenSource, { component_appid: componentAppid, offset: 0, count: 10 });
    const appid = list.list[0]!.authorizer_appid;
    storage.refreshTokens.set(appid, list.list[0]!.refresh_token);

    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_get_authorizer_info', systemErrorShare: 0.5 }] });
    records.length = 0;
    for (let i = 0; i < 2; i++) {
      const info = await client.getAuthorizerInfo(tokens.componentTokenSource, { component_appid: componentAppid, authorizer_appid: appid });
      expect(info.authorization_info.authorizer_appid).toBe(appid);
    }
    expect(records.map((r) => r.errcode)).toEqual([0, -1, 0]);
    expect(sim.getCalls('/cgi-bin/component/api_get_authorizer_info')).toHaveLength(3);

    await control(sim, 'POST', '/__sim/unauthorize', { appid });
    const err = (await tokens.refreshAuthorizerToken(appid).catch((e: unknown) => e)) as WeChatApiError;
    expect(err).toBeInstanceOf(WeChatApiError);
    expect(err.errcode).toBe(61023);
    expect(err.explanation.action).toBe('reauthorize');
    expect(reauth).toEqual([appid]);
  });

  it('61004 from a whitelisted simulator explains the whitelist and egress via relay', async () => {
    const { componentAppid, componentSecret } = sim.config;
    await client.startPushTicket({ component_appid: componentAppid, component_secret: componentSecret });
    await vi.waitFor(() => expect(storage.ticket).not.toBeNull());
    sim.setAllowIps(['203.0.113.7']);
    const err = (await tokens.getComponentToken().catch((e: unknown) => e)) as WeChatApiError;
    expect(err.errcode).toBe(61004);
    expect(err.rid).toBeTruthy();
    expect(err.message).toContain('白名单');
    expect(err.message).toContain('egress: via relay');
    expect(err.requestIp).toBe('127.0.0.1');
    expect(records.at(-1)!.rid).toBe(err.rid);
  });
});
