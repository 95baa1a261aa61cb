/**
 * A platform set to egress 'relay': its WeChat calls leave through the relay's CONNECT tunnel, so they come from the
 * relay's whitelisted IP. Real relay (allowing only the simulator as a target), real simulator, the engine as the
 * console runs it: the tunnel's agent is handed to the API client while undici is still loading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx5e1a7c0b3d2f4e6a';
const creds = {
  componentAppid: APPID,
  secret: 'egress-secret-0123456789abcdef01',
  token: 'egressTestToken',
  aesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  deskKey: 'desk-key-for-the-egress-test-0123456789ab',
};

describe('engine with its API calls through the relay', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ creds, egress: 'relay' });
  });

  afterAll(() => stack?.close());

  it('gets the component token through the relay tunnel', async () => {
    const { store, relay, sim, engine } = stack;
    await until('the first ticket', () => store.tickets.latest(APPID));
    await until('the desk connected', () => relay.health().deskConnected);
    const open = relay.health().connections.open; // the desk's WebSocket
    expect(await engine.tokens.getComponentToken()).toBeTruthy();
    expect(sim.getCalls('/cgi-bin/component/api_component_token')).toHaveLength(1);
    // The call went over a tunnel the relay holds open (kept alive for the next call), not straight to the simulator.
    expect(relay.health().connections.open).toBe(open + 1);
    expect(relay.health().refusals.total).toBe(0);
    const logged = store.apiLog.list({ componentAppid: APPID }).rows.find((r) => r.path.includes('api_component_token'));
    expect(logged).toMatchObject({ errcode: 0 });
  });

  it('closes the tunnel when the engine stops', async () => {
    const { relay, engine } = stack;
    const open = relay.health().connections.open; // the desk's WebSocket and the kept-alive tunnel
    await engine.stop();
    // Both go at once, not after undici's keep-alive timeout.
    await until('the desk socket and the tunnel closed', () => relay.health().connections.open === open - 2, 2000);
  });
});
