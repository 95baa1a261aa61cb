/** The watchdog's rules on an injected clock: when it asks for a ticket, how often, and what it tells the operator. */
import { describe, expect, it } from 'vitest';
import { TicketWatchdog } from '../../src/main/tokens/ticket-watchdog';

function rig(lastTicketAt: number | null, fail = false) {
  let now = 1_700_000_000_000;
  const state = { last: lastTicketAt, asks: 0, alerts: [] as string[] };
  const dog = new TicketWatchdog({
    lastTicketAt: () => state.last,
    startPushTicket: async () => {
      state.asks++;
      if (fail) throw new Error('errcode 61004');
    },
    alert: (m) => state.alerts.push(m),
    now: () => now,
  });
  return { dog, state, advance: (ms: number) => (now += ms), now: () => now };
}

describe('TicketWatchdog', () => {
  it('leaves a fresh ticket alone', async () => {
    const r = rig(1_700_000_000_000 - 5 * 60_000);
    await r.dog.check();
    expect(r.state.asks).toBe(0);
    expect(r.state.alerts).toEqual([]);
  });

  it('asks once when no ticket ever arrived, then at most every 10 minutes', async () => {
    const r = rig(null);
    await r.dog.check();
    await r.dog.check();
    expect(r.state.asks).toBe(1);
    expect(r.state.alerts[0]).toMatch(/no component_verify_ticket has arrived yet/);
    r.advance(9 * 60_000);
    await r.dog.check();
    expect(r.state.asks).toBe(1);
    r.advance(2 * 60_000);
    await r.dog.check();
    expect(r.state.asks).toBe(2);
  });

  it('asks when the newest ticket is older than 20 minutes, and says how old', async () => {
    const r = rig(1_700_000_000_000 - 21 * 60_000);
    await r.dog.check();
    expect(r.state.asks).toBe(1);
    expect(r.state.alerts[0]).toMatch(/21 minutes old/);
  });

  it('reports a failed api_start_push_ticket in the alert instead of throwing', async () => {
    const r = rig(null, true);
    await r.dog.check();
    expect(r.state.alerts[0]).toMatch(/api_start_push_ticket failed: errcode 61004/);
  });

  it('concurrent checks share one call', async () => {
    const r = rig(null);
    await Promise.all([r.dog.check(), r.dog.check(), r.dog.check()]);
    expect(r.state.asks).toBe(1);
  });
});
