/**
 * Authorization links end to end: the simulator's authorization page, a real relay, the engine. One link id
 * everywhere (redirect_uri, relay, store), both arrival paths (the redirect alone, the push alone) completing the
 * link, expiry while the desk runs, and what the component events and the UI events say about it.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvents, EventSummary } from '../../src/shared/contract';
import type { AuthLink } from '../../src/shared/domain';
import type { PlatformEngine } from '../../src/main/engine';
import type { Store } from '../../src/main/store';
import { AuthorizationService } from '../../src/main/authorization/authorization';
import type { Simulator } from '../../src/sim';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx2222333344445555';
const SECRET = 'authlinks-test-secret-0123456789';
const TOKEN = 'authLinksTestToken';
const AES_KEY = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789aBcDeFg';
const DESK_KEY = 'desk-key-for-the-auth-links-test-0123456789';

describe('authorization links through the simulator and a real relay', () => {
  let stack: Stack;
  let store: Store;
  let sim: Simulator;
  let engine: PlatformEngine;

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY },
      sim: { accounts: 2, candidates: 5 },
      engineClock: 'simulator',
      authLinkCheckMs: 50,
    });
    ({ store, sim, engine } = stack);
    await until('the first ticket', () => store.tickets.latest(APPID));
  });

  afterAll(() => stack?.close());

  const queryAuthCalls = () => sim.getCalls('/cgi-bin/component/api_query_auth').length;
  function emitted<E extends keyof AppEvents>(event: E): AppEvents[E][] {
    return stack.emitted.filter((e) => e.event === event).map((e) => e.payload as AppEvents[E]);
  }

  /** The admin approves `appid` on the simulator's page; returns where the browser would go next (not followed). */
  async function approve(link: AuthLink, appid: string): Promise<string> {
    const form = new URLSearchParams(new URL(link.pcUrl).search);
    form.set('appid', appid);
    const res = await request(`${sim.url}/cgi-bin/componentloginpage/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    return String(res.headers.location);
  }

  async function follow(landing: string): Promise<void> {
    const res = await request(landing);
    await res.body.dump();
    expect(res.statusCode).toBe(200);
  }

  it('the desk chooses the link id: the redirect_uri carries it, the store holds the link under it, the start page works', async () => {
    const link = await engine.createAuthLink({ authType: 3 });
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const redirect = new URL(new URL(link.pcUrl).searchParams.get('redirect_uri')!);
    expect(redirect.pathname).toBe('/authorized');
    expect(redirect.searchParams.get('link')).toBe(link.id);
    expect(store.authLinks.get(link.id)?.status).toBe('pending');
    const start = await request(link.relayStartUrl!);
    expect(start.statusCode).toBe(200);
    expect(await start.body.text()).toContain('componentloginpage');
  });

  it('the redirect alone (the push is lost) completes the link, with one exchange, and tells the UI', async () => {
    const link = await engine.createAuthLink({ authType: 3 });
    const appid = sim.candidateProfiles()[0]!.appid;
    sim.setFaults({ dropPushShare: 1 });
    let landing: string;
    try {
      landing = await approve(link, appid);
    } finally {
      sim.setFaults({});
    }
    expect(sim.getPushes({ type: 'authorized', appid })[0]?.outcome).toBe('dropped');
    const before = queryAuthCalls();
    await follow(landing);
    await until('the link completed', () => store.authLinks.get(link.id)?.status === 'completed');
    await engine.inbox.idle();
    expect(store.authLinks.get(link.id)?.authorizerAppid).toBe(appid);
    expect(store.authorizers.get(APPID, appid)?.status).toBe('active');
    expect(queryAuthCalls()).toBe(before + 1);
    expect(emitted('auth:completed').filter((c) => c.linkId === link.id)).toEqual([expect.objectContaining({ authorizerAppid: appid })]);
    expect(emitted('link:changed').filter((l) => l.id === link.id).map((l) => l.status)).toEqual(['completed']);
  });

  let pushOnly: { link: AuthLink; appid: string; landing: string };

  it('the push alone (the browser never comes back) completes the link and tells the UI', async () => {
    const link = await engine.createAuthLink({ authType: 3 });
    const appid = sim.candidateProfiles()[1]!.appid;
    const landing = await approve(link, appid);
    await until('the link completed', () => store.authLinks.get(link.id)?.status === 'completed');
    await engine.inbox.idle();
    expect(store.authLinks.get(link.id)?.authorizerAppid).toBe(appid);
    expect(emitted('auth:completed').filter((c) => c.linkId === link.id)).toHaveLength(1);
    expect(emitted('link:changed').filter((l) => l.id === link.id).map((l) => l.status)).toEqual(['completed']);
    pushOnly = { link, appid, landing };
  });

  it('a link is exchanged once: its late redirect makes no second api_query_auth, even after a restart', async () => {
    const { link, appid, landing } = pushOnly;
    const before = queryAuthCalls();
    await follow(landing);
    const redirect = await until('the redirect event', () => store.events.list({ componentAppid: APPID, kind: 'auth_redirect' }).rows.find((e) => e.plaintext?.includes(link.id)));
    await engine.inbox.idle();
    expect(store.events.get(redirect.id)?.handledNote).toMatch(/^authorized /);
    // A restarted desk has forgotten which codes it spent; the completed link still answers.
    const restarted = new AuthorizationService({ store, client: engine.client, tokens: engine.tokens, componentAppid: APPID });
    const code = new URL(landing).searchParams.get('auth_code')!;
    expect((await restarted.exchangeRedirect(code, link.id)).appid).toBe(appid);
    expect(queryAuthCalls()).toBe(before);
  });

  it('a redirect naming a link this desk never made causes no WeChat call and says why', async () => {
    const before = queryAuthCalls();
    const r = await engine.inbox.process({
      seq: null,
      kind: 'auth_redirect',
      appid: null,
      receivedAt: Date.now(),
      query: {},
      body: JSON.stringify({ auth_code: 'queryauthcode@@@forged', expires_in: 600, link: 'nosuchlink0000000000' }),
    });
    await engine.inbox.idle();
    expect(queryAuthCalls()).toBe(before);
    // Its effect did not happen, so it is a failed event (listed under failed-only), with the reason.
    const e = store.events.get(r.eventId);
    expect(e?.status).toBe('failed');
    expect(e?.failReason).toMatch(/link nosuchlink0000000000, which this desk did not make/);
  });

  it('an unused link turns expired while the desk runs; an approval made before expiry still completes it', async () => {
    const link = await engine.createAuthLink({ authType: 3 });
    const appid = sim.candidateProfiles()[2]!.appid;
    sim.setFaults({ dropPushShare: 1 });
    let landing: string;
    try {
      landing = await approve(link, appid);
    } finally {
      sim.setFaults({});
    }
    sim.advanceClock(601); // the pre_auth_code lives 600 s
    await until('the link expired', () => store.authLinks.get(link.id)?.status === 'expired');
    expect(emitted('link:changed').filter((l) => l.id === link.id).map((l) => l.status)).toEqual(['expired']);
    // The redirect waited (the relay's own expiry check uses the real clock, which the test did not move).
    await follow(landing);
    await until('the link completed', () => store.authLinks.get(link.id)?.status === 'completed');
    expect(emitted('link:changed').filter((l) => l.id === link.id).map((l) => l.status)).toEqual(['expired', 'completed']);
  });

  it('component events carry their account, so filtering by appid finds them', async () => {
    const { appid } = pushOnly;
    expect(store.events.list({ componentAppid: APPID, appid, infoType: 'authorized' }).rows).toHaveLength(1);
    await sim.unauthorize(appid).push;
    await until('the unauthorized event', () => store.events.list({ componentAppid: APPID, appid, infoType: 'unauthorized' }).rows.length === 1);
    const registered = sim.fastRegister({ status: 0 });
    await registered.push;
    await until('the fast-registration event', () => store.events.list({ componentAppid: APPID, appid: registered.appid!, infoType: 'notify_third_fasteregister' }).rows.length === 1);
    // A failed registration names no account: its appid stays empty rather than ''.
    await sim.fastRegister({ status: 89250, msg: 'task not found' }).push;
    const failed = await until('the failed registration', () =>
      store.events.list({ componentAppid: APPID, infoType: 'notify_third_fasteregister' }).rows.find((e) => e.plaintext?.includes('89250')),
    );
    expect(failed.appid).toBeNull();
    // Tickets belong to the platform, not an account.
    expect(store.events.list({ componentAppid: APPID, infoType: 'component_verify_ticket' }).rows[0]!.appid).toBeNull();
  });

  it('event:new is sent once per new event; a note set later, or a re-run, is event:updated', async () => {
    await engine.inbox.idle();
    const { appid } = pushOnly;
    const authorized = store.events.list({ componentAppid: APPID, appid, infoType: 'authorized' }).rows[0]!;
    const news = emitted('event:new').filter((e) => e.id === authorized.id);
    expect(news).toHaveLength(1);
    expect(news[0]!.handledNote).toBeNull(); // announced as stored, before the exchange finished
    const updates = emitted('event:updated').filter((e: EventSummary) => e.id === authorized.id);
    expect(updates.at(-1)?.handledNote).toMatch(/^authorized /);
    // A re-run of a stored event is never announced as new.
    const newBefore = emitted('event:new').length;
    const ticket = store.events.list({ componentAppid: APPID, infoType: 'component_verify_ticket' }).rows[0]!;
    await engine.rerunEvent(ticket.id);
    expect(emitted('event:new').slice(newBefore).filter((e) => e.id === ticket.id)).toEqual([]);
  });
});
