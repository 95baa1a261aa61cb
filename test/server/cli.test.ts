import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_TOKEN_HEADER } from '../../src/shared/contract';
import { cliBundle, repoRoot } from '../helpers/paths';

describe('wxopen console: usage errors', () => {
  it('exits 2 with one line for a bad port', () => {
    const r = spawnSync(process.execPath, [cliBundle, 'console', '--port', 'eighty', '--no-open'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['wxopen: --port must be a number from 0 to 65535 (0 = any free port), got "eighty"']);
  });

  it('exits 2 for an unknown flag and prints help on --help', () => {
    const bad = spawnSync(process.execPath, [cliBundle, 'demo', '--colour'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--colour');
    const help = spawnSync(process.execPath, [cliBundle, 'console', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--data-dir');
  });
});

describe('wxopen demo (real simulator, relay, engine and console server)', () => {
  let child: ChildProcess;
  let dataDir: string;
  let url: URL;
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wxopen-demo-test-'));
    child = spawn(process.execPath, [cliBundle, 'demo', '--no-open', '--data-dir', dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`wxopen demo exited (${code}) before printing its URL`)));
    });
    url = new URL(firstLine);
    token = url.searchParams.get('token')!;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(method: string, args: unknown = {}): Promise<any> {
    const res = await fetch(new URL(`/api/${method}`, url), {
      method: 'POST',
      headers: { [SESSION_TOKEN_HEADER]: token },
      body: JSON.stringify(args),
    });
    return res.json();
  }

  it('prints the loopback URL with a token first', () => {
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers its first API call with the sandbox already open, so the first screen never shows "no platform"', async () => {
    // Asked right after the URL: the call waits while the sandbox (simulator, relay, engine) starts.
    const first = await api('platform/list');
    expect(first).toMatchObject({ ok: true, result: { platforms: [{ isDemo: true }] } });
    expect(first.result.selectedAppid).toBe(first.result.platforms[0].componentAppid);
  });

  it('refuses the API without the token', async () => {
    const res = await fetch(new URL('/api/platform/list', url), { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('opens the demo platform with a connected relay, a ticket and the 200 seeded accounts', async () => {
    // The URL comes first; the sandbox (its own chunk: simulator, relay, engine) is set up right after it.
    const list = await vi.waitFor(
      async () => {
        const l = await api('platform/list');
        expect(l.ok).toBe(true);
        expect(l.result.platforms).toHaveLength(1);
        return l;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(list.result.platforms[0]).toMatchObject({ isDemo: true, hasAppSecret: true, hasDeskKey: true });
    expect(JSON.stringify(list)).not.toMatch(/"(appSecret|token|encodingAesKey|deskKey)"/);

    // The demo's first ticket and sync take a moment; vi.waitFor fails with the last mismatch.
    const dash = await vi.waitFor(
      async () => {
        const d = await api('dashboard/get');
        expect(d).toMatchObject({ ok: true, result: { relay: { state: 'connected' }, authorizers: { total: 200 } } });
        expect(d.result.ticket.lastReceivedAt).not.toBeNull();
        return d;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(dash.result).toMatchObject({ demo: true, ticket: { overdue: false } });

    const mps = await api('authorizers/list', { kind: 'MP', limit: 1 });
    expect(mps.result.total).toBe(100);
  });
});
