/**
 * Authorization events that cross on their way, against the real relay, simulator and engine: a refusal (61023) of a
 * refresh token a re-authorization replaced meanwhile; a code exchange that fails for another reason than a spent
 * code; an unauthorized push while a first sync reads the accounts' details.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, until, type Stack } from '../helpers/stack';

const APPID = 'wx0123456789abcd01';
const creds = { componentAppid: APPID, secret: 'auth-races-secret-0123456789abcdef', token: 'authRacesToken', aesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', deskKey: 'desk-key-for-the-auth-races-test-0123456789' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.close();
  stack = null;
});

async function ready(opts: { sync?: boolean } = {}): Promise<Stack> {
  stack = await startStack({ creds, sim: { accounts: 4, candidates: 3 } });
  await until('the first ticket', () => stack!.store.tickets.latest(APPID));
  if (opts.sync !== false) await stack.engine.syncAuthorizers(() => undefined);
  return stack;
}

describe('authorization races', () => {
  it('a 61023 for the refresh token a re-authorization replaced meanwhile leaves the account active', async () => {
    const { sim, store, engine } = await ready();
    const x = sim.seededAccount(0).appid;
    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_authorizer_token', latencyMs: 1500 }] });
    const check = engine.checkRefreshToken(x); // sends the stored refresh token
    await sleep(100);
    sim.authorize(x); // the admin authorizes again: updateauthorized, a new refresh token
    const renewed = sim.authorizer(x)!.refreshToken!;
    await until('the new authorization stored', () => store.authorizers.getRefreshToken(APPID, x) === renewed, 5000);
    expect((await check).errcode).toBe(61023); // WeChat refused the old one
    expect(store.authorizers.get(APPID, x)!.status).toBe('active');
    expect(store.authorizers.getRefreshToken(APPID, x)).toBe(renewed);
    sim.setFaults({});
    expect((await engine.checkRefreshToken(x)).ok).toBe(true);
    expect(store.authorizers.get(APPID, x)!.status).toBe('active');
  });

  it('an updateauthorized whose code exchange fails (45009) is a failed event to run again, not "authorized"', async () => {
    const { sim, store } = await ready();
    const x = sim.seededAccount(2).appid; // stored by the sync a moment ago
    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_query_auth', quotaErrorShare: 1 }] });
    await sim.authorize(x).push;
    const ev = await until('the updateauthorized event settled', () => {
      const row = store.events.list({ componentAppid: APPID, infoType: 'updateauthorized' }).rows[0];
      const e = row ? store.events.get(row.id) : null;
      return e && e.status === 'failed' ? e : null;
    });
    expect(ev.failReason).toMatch(/45009/);
  });

  it('an unauthorized push while a first sync reads the details: the account is not stored as active', async () => {
    const { sim, store, engine } = await ready({ sync: false });
    const x = sim.seededAccount(3).appid;
    sim.setFaults({ rules: [{ path: '/cgi-bin/component/api_get_authorizer_info', latencyMs: 700 }] });
    const report = await engine.syncAuthorizers((p) => {
      if (p.phase === 'list') void sim.unauthorize(x).push; // the admin cancels while the sync fetches details
    });
    const row = await until('the unauthorized event', () => store.events.list({ componentAppid: APPID, infoType: 'unauthorized' }).rows[0]);
    await until('its note', () => store.events.get(row.id)?.handledNote);
    expect(sim.isAuthorized(x)).toBe(false);
    expect(store.authorizers.get(APPID, x)?.status ?? null).not.toBe('active');
    expect(report.failed.map((f) => f.appid)).toContain(x);
    expect(store.events.get(row.id)?.handledNoteZh).toMatch(/已取消授权/);
  });
});
