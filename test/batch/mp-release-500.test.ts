/**
 * The batch release at scale, against `wxopen console` as a real process (node dist/cli.mjs console), the simulator and
 * the relay in this process: 500 mini programs, 5 % rejected by a test-side reviewer, 10 % of the pushes dropped by
 * the simulator (those audits are found by polling get_auditstatus), and the console killed with SIGKILL twice
 * mid-run and started again on the same data folder. Every account ends in the right stage (released, or rejected
 * with the reviewer's reason and screenshots), none is submitted twice, the audit quota is never exceeded, and the
 * exported report matches the simulator's state (GET /__sim/mini-program/:appid).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BatchRun, type ExportResult } from '../../src/shared/contract';
import { NodeSecretStore, openStore } from '../../src/main/store';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startSimulator, type Simulator } from '../../src/sim';
import { startConsoleProcess, stopConsoleProcess, type ConsoleProcess } from '../helpers/console-process';
import { freePort } from '../relay/helpers';

const C = 'wx5555666677770500';
const SECRET = 'mp-release-500-secret-0123456789abc';
const TOKEN = 'mpRelease500Token';
const AES_KEY = 'MpReLeAsE500kEy0123456789abcdefghijklmnopqr';
const DESK_KEY = 'desk-key-for-the-mp-release-500-test-0123456';
const N = 500;
const SUBMIT = '/wxa/submit_audit';
const QUOTA = 520;


describe('batch release to 500 mini programs, the console killed twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-mp-release-500-'));
  const dataDir = join(dir, 'data');
  let relay: RunningRelay;
  let sim: Simulator;
  let console_: ConsoleProcess | null = null;
  let mps: string[] = [];
  let reviewer: NodeJS.Timeout | null = null;
  const rejectedSet = new Set<string>();

  const startConsole = () => startConsoleProcess(dataDir, sim.url);

  async function killConsole(signal: NodeJS.Signals): Promise<void> {
    const child = console_?.child;
    console_ = null;
    await stopConsoleProcess(child, signal);
  }

  beforeAll(async () => {
    const port = await freePort();
    relay = await startRelay(
      validateRelayConfig({ listen: `127.0.0.1:${port}`, publicUrl: `http://127.0.0.1:${port}`, componentAppid: C, token: TOKEN, deskKey: DESK_KEY, dataDir: join(dir, 'relay') }),
      { logger: silentLogger },
    );
    sim = await startSimulator({
      componentAppid: C,
      componentSecret: SECRET,
      token: TOKEN,
      encodingAesKey: AES_KEY,
      authEventUrl: `${relay.url}/wechat/component`,
      messageUrl: `${relay.url}/wechat/authorizer/$APPID$`,
      ticketIntervalSeconds: 0,
      accounts: N * 2,
      candidates: 0,
    });
    mps = Array.from({ length: N }, (_, i) => sim.seededAccount(i * 2 + 1).appid);
    for (let i = 7; i < N; i += 20) rejectedSet.add(mps[i]!); // 25 of 500: 5 %
    const store = openStore({ path: join(dataDir, 'console.db'), secrets: new NodeSecretStore(join(dataDir, 'secret.key')) });
    store.platforms.upsert({ componentAppid: C, name: '批量发布测试平台', relayUrl: relay.url, egress: 'direct', appSecret: SECRET, token: TOKEN, encodingAesKey: AES_KEY, deskKey: DESK_KEY });
    store.close();
    console_ = await startConsole();
    await vi.waitFor(() => console_!.api('authorizers/sync'), { timeout: 30_000, interval: 200 });
    // Audits are decided only by the reviewer below; the month's quota is a little above the run's need.
    sim.setAuditSettings({ auditSeconds: null, quotaLimit: QUOTA });
    sim.setPrivacyDeclared(null, true);
    sim.setFaults({ dropPushShare: 0.1 });
    // The reviewer: each audit in progress decided shortly after it was submitted; the 5 % rejected with a reason and screenshots.
    reviewer = setInterval(() => {
      for (const appid of mps) {
        const a = sim.miniProgram(appid).audits.at(-1);
        if (a?.status !== 2) continue;
        const reject = rejectedSet.has(appid);
        void sim.decideAudit(appid, reject ? { result: 'fail', reason: `违规内容<br>${appid}`, screenshots: [`shot-${appid.slice(-6)}`] } : { result: 'success' }).catch(() => undefined);
      }
    }, 150);
  }, 120_000);

  afterAll(async () => {
    if (reviewer) clearInterval(reviewer);
    await killConsole('SIGTERM');
    await sim?.close();
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every account ends right, none submitted twice, the quota never exceeded, the report matches the simulator', async () => {
    const run = await console_!.api<BatchRun>('batch/create', {
      kind: 'mp.release',
      title: '批量发布 500',
      params: {
        templateId: 3,
        userVersion: '3.0.0',
        userDesc: '批量发布 batch release',
        extJson: '{"extAppid":"${appid}","ext":{"name":"${nickname}"}}',
        policy: { autoSubmit: true, onApproval: 'release', grayPercentage: null, stopWhenRejectedPercent: 20, maxAuditsInFlight: 150, pollSeconds: 2, overQuota: 'refuse' },
      },
      target: { by: 'filter', kind: 'MP' },
      concurrency: 8,
      ratePerSecond: 200,
      autoStart: true,
    });
    const get = () => console_!.api<BatchRun>('batch/get', { id: run.id });

    const ok = (path: string) => sim.getCalls(path).filter((c) => c.errcode === 0).length;
    // First kill: 100 submitted, others being committed and submitted, audits in flight.
    await vi.waitFor(() => expect(ok(SUBMIT)).toBeGreaterThanOrEqual(100), { timeout: 60_000, interval: 20 });
    await killConsole('SIGKILL');
    console_ = await startConsole();
    // Second kill: 250 released, the others in every stage.
    await vi.waitFor(() => expect(ok('/wxa/release')).toBeGreaterThanOrEqual(250), { timeout: 60_000, interval: 20 });
    await killConsole('SIGKILL');
    console_ = await startConsole();

    const done = await vi.waitFor(
      async () => {
        const r = await get();
        if (r.status !== 'done') throw new Error(`run is ${r.status}: ${JSON.stringify(r.stages)} ${JSON.stringify(r.counts)}`);
        return r;
      },
      { timeout: 90_000, interval: 250 },
    );
    expect(done.counts).toMatchObject({ done: N, failed: 0, skipped: 0 });
    expect(done.stages).toEqual({ released: N - rejectedSet.size, rejected: rejectedSet.size });

    // None submitted twice; the quota never exceeded (no 85085, used within the limit).
    const submits = new Map<string, number>();
    for (const c of sim.getCalls(SUBMIT)) if (c.errcode === 0 && c.appid) submits.set(c.appid, (submits.get(c.appid) ?? 0) + 1);
    expect(mps.filter((a) => submits.get(a) !== 1)).toEqual([]);
    expect(sim.getCalls(SUBMIT).filter((c) => c.errcode === 85085)).toEqual([]);
    expect(sim.auditQuota().used).toBe(N);
    expect(sim.auditQuota().used).toBeLessThanOrEqual(QUOTA);
    // Pushes drove most audits; polling found the ones whose push was dropped (and those waiting across a kill).
    const polls = sim.getCalls('/wxa/get_auditstatus').length;
    expect(polls).toBeGreaterThan(0);
    expect(polls).toBeLessThan(N / 3);

    // The report (snake_case CSV) against the simulator's state of each mini program.
    const report = await console_!.api<ExportResult>('batch/export', { id: run.id, format: 'csv' });
    const text = report.content.replace(/^\uFEFF/, '');
    const [header, ...lines] = text.trim().split(/\r?\n/);
    const cols = header!.split(',');
    const at = (name: string) => cols.indexOf(name);
    expect(at('release_stage')).toBeGreaterThan(-1);
    expect(lines).toHaveLength(N);
    const simUrl = sim.url;
    for (const line of lines) {
      const cells = line.split(',');
      const appid = cells[at('appid')]!;
      const state = (await (await fetch(`${simUrl}/__sim/mini-program/${appid}`, { headers: { 'X-Wxopen-Sim': '1' } })).json()) as {
        audits: { auditid: number; status: number; screenshot: string }[];
        live: { userVersion: string } | null;
      };
      const audit = state.audits.at(-1)!;
      expect(cells[at('audit_id')], appid).toBe(String(audit.auditid));
      if (rejectedSet.has(appid)) {
        expect(cells[at('release_stage')], appid).toBe('rejected');
        expect(audit.status).toBe(1);
        expect(cells[at('audit_screenshots')], appid).toBe(audit.screenshot);
        expect(state.live).toBeNull();
      } else {
        expect(cells[at('release_stage')], appid).toBe('released');
        expect(audit.status).toBe(0);
        expect(state.live?.userVersion).toBe('3.0.0');
      }
    }
  }, 240_000);
});
