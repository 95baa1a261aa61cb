/**
 * Background failures reach the operator: a stale ticket, a failing component or authorizer token refresh raise an
 * alert (English and Chinese, with what WeChat's errcode means) once, and the alert is resolved when the ticket comes
 * or the refresh works again. Faults come from the simulator's fault injection, through a real relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvents } from '../../src/shared/contract';
import type { PlatformEngine } from '../../src/main/engine';
import type { Store } from '../../src/main/store';
import type { Simulator } from '../../src/sim';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx6666777788889999';
const SECRET = 'alerts-test-secret-0123456789abc';
const TOKEN = 'alertsTestToken';
const AES_KEY = 'ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210zYxWvUt';
const DESK_KEY = 'desk-key-for-the-alerts-test-0123456789abcd';

describe('background failures raise alerts, and recoveries resolve them', () => {
  let stack: Stack;
  let store: Store;
  let sim: Simulator;
  let engine: PlatformEngine;

  beforeAll(async () => {
    stack = await startStack({
      creds: { componentAppid: APPID, secret: SECRET, token: TOKEN, aesKey: AES_KEY, deskKey: DESK_KEY },
      // No ticket at start, and the first one the watchdog asks for is lost on the way.
      sim: { accounts: 2, candidates: 1, pushTicketAtStart: false },
      engineClock: 'simulator',
      watchdogCheckMs: 100,
      watchdogGraceMs: 300,
    });
    ({ store, sim, engine } = stack);
    sim.setFaults({ dropPushShare: 1 });
  });

  afterAll(() => stack?.close());

  function emitted<E extends keyof AppEvents>(event: E): AppEvents[E][] {
    return stack.emitted.filter((e) => e.event === event).map((e) => e.payload as AppEvents[E]);
  }
  const open = () => engine.status().alerts ?? [];
  // Moving the clock two hours makes the ticket look stale too, so the watchdog may have an alert of its own open.
  const openTokenAlerts = () => open().filter((a) => a.code === 'token_refresh_failed');

  it('a stale ticket raises one alert; the ticket arriving resolves it', async () => {
    const raised = await until('the stale-ticket alert', () => emitted('alert:new').find((a) => a.code === 'ticket_stale'));
    expect(raised.messageZh).toContain('component_verify_ticket');
    expect(open().map((a) => a.key)).toEqual(['ticket_stale']);
    sim.setFaults({});
    await sim.pushTicket();
    const resolved = await until('the resolution', () => emitted('alert:resolved').find((a) => a.key === 'ticket_stale'));
    expect(resolved.code).toBe('ticket_stale');
    expect(open()).toEqual([]);
    expect(emitted('alert:new').filter((a) => a.code === 'ticket_stale')).toHaveLength(1);
  });

  it('a failing component token refresh raises one alert with the errcode meaning; a later success resolves it', async () => {
    await engine.tokens.getComponentToken();
    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_component_token', quotaErrorShare: 1 }] });
    sim.advanceClock(7200 - 60); // inside the refresh margin: the timer's sweep refreshes it
    await engine.tokens.refreshDue();
    await engine.tokens.refreshDue(); // still failing: not announced twice
    const raised = emitted('alert:new').filter((a) => a.code === 'token_refresh_failed');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ level: 'error', key: 'token_refresh_failed:component' });
    expect(raised[0]!.message).toMatch(/component_access_token failed \(errcode 45009: Daily API quota reached/);
    expect(raised[0]!.messageZh).toMatch(/^刷新 component_access_token 失败（errcode 45009：/);
    expect(openTokenAlerts().map((a) => a.key)).toEqual(['token_refresh_failed:component']);
    const stored = store.events.list({ componentAppid: APPID, kind: 'alert', search: '45009' }).rows;
    expect(stored).toHaveLength(1);

    sim.setFaults({});
    await engine.tokens.refreshDue();
    expect(emitted('alert:resolved').filter((a) => a.key === 'token_refresh_failed:component')).toHaveLength(1);
    expect(openTokenAlerts()).toEqual([]);
  });

  it('a failing authorizer token refresh raises its own alert; a later success resolves it', async () => {
    const appid = sim.seededAccount(0).appid;
    await engine.syncAuthorizers(() => undefined);
    await engine.tokens.getAuthorizerToken(appid); // the timer keeps tokens in use fresh
    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_authorizer_token', systemErrorShare: 1 }] });
    sim.advanceClock(7200 - 60);
    await engine.tokens.getComponentToken(); // the component token is due too; keep that refresh out of the way
    await engine.tokens.refreshDue();
    const key = `token_refresh_failed:${appid}`;
    const raised = emitted('alert:new').filter((a) => a.key === key);
    expect(raised).toHaveLength(1);
    expect(raised[0]!.level).toBe('warning');
    expect(raised[0]!.message).toContain(appid);
    expect(raised[0]!.message).toContain('errcode -1');
    expect(raised[0]!.messageZh).toContain('errcode -1：');

    sim.setFaults({});
    await engine.tokens.refreshDue();
    expect(emitted('alert:resolved').filter((a) => a.key === key)).toHaveLength(1);
    expect(openTokenAlerts()).toEqual([]);
  });
});
