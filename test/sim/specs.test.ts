/**
 * The endpoint specs and the simulator stay one list: every spec has a simulator route and every route has a spec
 * (routes are registered against specs, so a route for a spec missing from ENDPOINTS shows up here too). Also the
 * layout the simulator README promises: one folder per API family with routes, no source file over 500 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, specPath } from '../../src/wechat';
import { SIM_CONTROL_HEADERS, startSimulator, type Simulator } from '../../src/sim';
import { repoRoot as root } from '../helpers/paths';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ accounts: 0, candidates: 0, ticketIntervalSeconds: 0, pushTicketAtStart: false });
});
afterAll(() => sim.close());

describe('endpoint specs and simulator routes', () => {
  it('every spec has a simulator route and every route has a spec', () => {
    const specs = ENDPOINTS.map((s) => s.name).sort();
    const served = sim.endpoints().map((e) => e.name).sort();
    const unserved = specs.filter((n) => !served.includes(n));
    const unspecified = served.filter((n) => !specs.includes(n));
    expect({ unserved, unspecified }).toEqual({ unserved: [], unspecified: [] });
    expect(served).toHaveLength(ENDPOINTS.length);
  });

  it('names and method + path (+ fixed query) are unique; the facts of each spec agree', () => {
    expect(new Set(ENDPOINTS.map((s) => s.name)).size).toBe(ENDPOINTS.length);
    expect(new Set(ENDPOINTS.map((s) => `${s.method} ${specPath(s)}`)).size).toBe(ENDPOINTS.length);
    for (const s of ENDPOINTS) {
      expect(s.path, s.name).toMatch(/^\/(cgi-bin|wxa)\//);
      expect(s.token === 'none', s.name).toBe(s.tokenParam === null);
      expect(s.request === 'multipart', s.name).toBe(s.upload !== undefined);
      if (s.method === 'GET') expect(['query', 'none'], s.name).toContain(s.request);
    }
  });

  it('GET /__sim/endpoints lists them with family, method, path and token', async () => {
    const res = (await (await fetch(`${sim.url}/__sim/endpoints`, { headers: SIM_CONTROL_HEADERS })).json()) as { endpoints: Record<string, string>[] };
    expect(res.endpoints).toContainEqual({ name: 'wxa/get_qrcode', family: 'mp/code', method: 'GET', path: '/wxa/get_qrcode', token: 'authorizer', answer: 'binary' });
    expect(res.endpoints).toContainEqual(expect.objectContaining({ name: 'fastregisterweapp?action=create', path: '/cgi-bin/component/fastregisterweapp?action=create', token: 'component' }));
  });
});

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('simulator layout', () => {
  const simDir = join(root, 'src/sim');

  it('has one folder per API family that has routes, and no other', () => {
    const families = [...new Set(ENDPOINTS.map((s) => s.family))].sort();
    const folders = files(join(simDir, 'apis'))
      .filter((f) => f.endsWith('/index.ts'))
      .map((f) => relative(join(simDir, 'apis'), f).replace(/\/index\.ts$/, ''))
      .sort();
    expect(folders).toEqual(families);
  });

  it('keeps every source file under 500 lines', () => {
    const long = files(simDir)
      .map((f) => ({ file: relative(root, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 500);
    expect(long).toEqual([]);
  });
});
