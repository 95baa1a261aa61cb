/**
 * The whole engine flow over real HTTP and a real relay: simulator → relay → RelayClient → inbox → SQLite store.
 * ticket push → component token → pre-auth link → approval on the simulator's page → authorized push and redirect →
 * authorizer stored with tokens → expiry (clock advanced) → refresh → revoke → needs_reauth on 61023.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformEngine } from '../../src/main/engine';
import type { Store } from '../../src/main/store';
import type { RunningRelay } from '../../src/relay/server';
import type { Simulator } from '../../src/sim';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx0123456789abcdef';
const SECRET = 'componentsecret0123456789abcdef0';
const TOKEN = 'flowTestToken';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const DESK_KEY = 'desk-key-for-the-flow-test-0123456789abcdef';

describe('engine flow against the simulator through a real relay', () => {
  let stack: Stack;
  let store: Store;
  let relay: RunningRelay;
  let sim: Simulator;
  let engine: PlatformEngine;

  beforeAll(async () => {
    stack = await startStack({ creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY }, sim: { accounts: 4, candidates: 3 }, engineClock: 'simulator' });
    ({ store, relay, sim, engine } = stack);
  });

  afterAll(() => stack?.close());

  it('stores the ticket pushed at start and gets exactly one component token for concurrent callers', async () => {
    const ticket = await until('the first ticket', () => store.tickets.latest(APPID));
    expect(ticket.ticket).toBe(sim.latestTicket());
    const tokens = await Promise.all(Array.from({ length: 50 }, () => engine.tokens.getComponentToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(sim.getCalls('/cgi-bin/component/api_component_token')).toHaveLength(1);
    const ev = store.events.list({ componentAppid: APPID, infoType: 'component_verify_ticket' }).rows[0]!;
    expect(ev.status).toBe('ok');
    expect(ev.verdicts).toEqual({ signatureOk: true, appidOk: true });
    expect(ev.seq).toBeGreaterThan(0);
  });

  it('authorizes a candidate through the relay start page and the simulator page; push and redirect both land once', async () => {
    const link = await engine.createAuthLink({ authType: 3 });
    expect(link.pcUrl.startsWith(`${sim.url}/cgi-bin/componentloginpage?`)).toBe(true);
    expect(link.relayStartUrl).toMatch(/\/authorize\//);
    // The relay's start page links to the registered componentloginpage URL.
    const start = await request(link.relayStartUrl!);
    expect(await start.body.text()).toContain('componentloginpage');
    const page = await request(link.pcUrl);
    const html = await page.body.text();
    const candidate = sim.candidateProfiles()[0]!;
    expect(html).toContain(candidate.appid);
    const form = new URLSearchParams(new URL(link.pcUrl).search);
    form.set('appid', candidate.appid);
    const approve = await request(`${sim.url}/cgi-bin/componentloginpage/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(approve.statusCode).toBe(302);
    await approve.body.dump();
    const landing = new URL(String(approve.headers.location));
    expect(landing.searchParams.get('auth_code')).toBeTruthy();
    // The browser lands on the relay's /authorized page (its host in the redirect is the relay's public URL).
    expect(landing.origin).toBe(relay.url);
    const landed = await request(landing.toString());
    expect(landed.statusCode).toBe(200);
    await landed.body.dump();

    const a = await until('the authorizer', () => {
      const x = store.authorizers.get(APPID, candidate.appid);
      return x?.status === 'active' && x.hasRefreshToken ? x : null;
    });
    // The push and the redirect travel separately: wait for both before counting.
    await until('the redirect event', () => store.events.list({ componentAppid: APPID, kind: 'auth_redirect' }).rows.length > 0);
    await engine.inbox.idle();
    expect(a.kind).toBe(candidate.kind === 'mp' ? 'MP' : 'OA');
    expect(a.nickName).toBe(candidate.nickName);
    expect(a.funcInfo.length).toBeGreaterThan(0);
    expect(store.tokens.getAuthorizer(APPID, candidate.appid)?.token).toBeTruthy();
    expect(store.authorizers.getRefreshToken(APPID, candidate.appid)).toBe(sim.authorizer(candidate.appid)?.refreshToken);
    expect(store.authLinks.get(link.id)?.status).toBe('completed');
    const completed = stack.emitted.filter((e) => e.event === 'auth:completed');
    expect(completed.length).toBeGreaterThanOrEqual(1);
    // The push and the redirect carry the same single-use code: one exchange succeeded, nothing failed loudly.
    const authEvents = store.events.list({ componentAppid: APPID, infoType: 'authorized' }).rows;
    expect(authEvents).toHaveLength(1);
    const redirects = store.events.list({ componentAppid: APPID, kind: 'auth_redirect' }).rows;
    expect(redirects).toHaveLength(1);
    // Whichever path came second found the code already exchanged, and says so without a failure.
    for (const e of [...authEvents, ...redirects]) expect(store.events.get(e.id)?.handledNote).toMatch(/^authorized /);
  });

  it('refreshes the component and authorizer tokens after the clock passes their expiry', async () => {
    const appid = sim.candidateProfiles()[0]!.appid;
    const oldComponent = store.tokens.getComponent(APPID)!.token;
    const oldAuthorizer = store.tokens.getAuthorizer(APPID, appid)!.token;
    sim.advanceClock(7200 - 60); // inside the 10-minute margin: both are due
    const newComponent = await engine.tokens.getComponentToken();
    expect(newComponent).not.toBe(oldComponent);
    const newAuthorizer = await engine.tokens.getAuthorizerToken(appid);
    expect(newAuthorizer).not.toBe(oldAuthorizer);
    expect(sim.getCalls('/cgi-bin/component/api_component_token')).toHaveLength(2);
    expect(sim.getCalls('/cgi-bin/component/api_authorizer_token').length).toBeGreaterThanOrEqual(1);
  });

  it('syncs the seeded authorizers from api_get_authorizer_list', async () => {
    const phases: string[] = [];
    const report = await engine.syncAuthorizers((p) => phases.push(p.phase));
    expect(report.total).toBe(5); // 4 seeded + the one authorized above
    expect(report.added).toBe(4);
    expect(report.failed).toEqual([]);
    expect(phases).toContain('done');
    const counts = store.authorizers.countsByStatus(APPID);
    expect(counts.active).toBe(5);
    expect(store.authorizers.list({ componentAppid: APPID, kind: 'MP' }).total).toBe(2 + (sim.candidateProfiles()[0]!.kind === 'mp' ? 1 : 0));
  });

  it('a sync does not revoke an account authorized while it was reading the list', async () => {
    const late = sim.candidateProfiles()[1]!;
    const report = await engine.syncAuthorizers((p) => {
      // The list has been read; an authorization lands before the sync looks for accounts WeChat no longer lists.
      if (p.phase === 'list') store.authorizers.upsert({ componentAppid: APPID, appid: late.appid, kind: 'OA', status: 'active', refreshToken: 'refreshtoken@@@late' });
    });
    expect(report.revoked).toBe(0);
    expect(store.authorizers.get(APPID, late.appid)?.status).toBe('active');
    expect(store.authorizers.getRefreshToken(APPID, late.appid)).toBe('refreshtoken@@@late');
  });

  it('a code already exchanged gives the same authorizer again, without a second api_query_auth', async () => {
    const candidate = sim.candidateProfiles()[2]!;
    const { authCode } = sim.authorize(candidate.appid, { push: false });
    const calls = () => sim.getCalls('/cgi-bin/component/api_query_auth').length;
    const before = calls();
    const first = await engine.authorization.exchangeCode(authCode);
    // The redirect arriving after the push: no appid hint, and the code is spent at WeChat.
    const second = await engine.authorization.exchangeCode(authCode);
    expect(second.appid).toBe(first.appid);
    expect(calls()).toBe(before + 1);
  });

  it('sets and reads an authorizer option through the simulator, and refuses an unknown option name', async () => {
    const appid = sim.seededAccount(1).appid;
    await engine.setAuthorizerOption(appid, 'voice_recognize', '1');
    expect(await engine.getAuthorizerOption(appid, 'voice_recognize')).toBe('1');
    await engine.setAuthorizerOption(appid, 'voice_recognize', '0');
    expect(await engine.getAuthorizerOption(appid, 'voice_recognize')).toBe('0');
    await expect(engine.getAuthorizerOption(appid, 'no_such_option')).rejects.toMatchObject({ errcode: expect.any(Number) });
  });

  it('revokes on unauthorized and drops the tokens', async () => {
    const appid = sim.candidateProfiles()[0]!.appid;
    await sim.unauthorize(appid).push;
    await until('the revocation', () => store.authorizers.get(APPID, appid)?.status === 'revoked');
    expect(store.authorizers.getRefreshToken(APPID, appid)).toBeNull();
    expect(store.tokens.getAuthorizer(APPID, appid)).toBeNull();
  });

  it('marks needs_reauth when WeChat refuses the refresh token with 61023, and raises an alert', async () => {
    const appid = sim.seededAccount(0).appid;
    expect(store.authorizers.get(APPID, appid)?.status).toBe('active');
    // Re-authorizing elsewhere supersedes the refresh token this desk holds.
    sim.authorize(appid, { push: false });
    const health = await engine.checkRefreshToken(appid);
    expect(health.ok).toBe(false);
    expect(health.errcode).toBe(61023);
    expect(health.status).toBe('needs_reauth');
    expect(store.events.list({ componentAppid: APPID, kind: 'alert' }).rows.some((e) => e.rawBody.includes('61023'))).toBe(true);
    const logged = store.apiLog.list({ componentAppid: APPID, errcode: 61023 }).rows;
    expect(logged.length).toBeGreaterThan(0);
  });

  it('stores a push that fails to verify as a failed event with the reason, never dropping it', async () => {
    const before = store.events.count({ componentAppid: APPID, failedOnly: true });
    const r = await engine.inbox.process({
      seq: null,
      kind: 'component',
      appid: null,
      receivedAt: Date.now(),
      query: { timestamp: '1', nonce: '2', msg_signature: 'deadbeef' },
      body: '<xml><AppId><![CDATA[x]]></AppId><Encrypt><![CDATA[AAAA]]></Encrypt></xml>',
    });
    expect(r.status).toBe('failed');
    expect(store.events.count({ componentAppid: APPID, failedOnly: true })).toBe(before + 1);
    expect(store.events.get(r.eventId)?.failReason).toMatch(/signature/);
  });
});
