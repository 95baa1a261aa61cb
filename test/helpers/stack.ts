/**
 * A whole desk stack on loopback for engine tests: a SQLite store in a temp dir, a real relay, the simulator pushing
 * to it, and the platform engine connected to the relay and calling the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppEventName } from '../../src/shared/contract';
import { PlatformEngine } from '../../src/main/engine';
import { NodeSecretStore, openStore, type Store } from '../../src/main/store';
import { startRelay, type RunningRelay } from '../../src/relay/server';
import { validateRelayConfig } from '../../src/relay/config';
import { silentLogger } from '../../src/relay/log';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim';
import { freePort } from '../relay/helpers';
import { RuntimeHost } from '../../src/main/services/host';

export interface StackCredentials {
  componentAppid: string;
  secret: string;
  token: string;
  aesKey: string;
  deskKey: string;
}

export interface Stack {
  dir: string;
  store: Store;
  relay: RunningRelay;
  sim: Simulator;
  engine: PlatformEngine;
  creds: StackCredentials;
  emitted: { event: AppEventName; payload: unknown }[];
  close(): Promise<void>;
}

export async function startStack(opts: {
  creds: StackCredentials;
  sim?: SimulatorOptions;
  /** The engine's clock; tests that advance the simulator's clock pass () => sim.now(). */
  engineClock?: 'real' | 'simulator';
  /** Ticket watchdog timing; by default it waits 15 s after start, longer than most tests run. */
  watchdogCheckMs?: number;
  watchdogGraceMs?: number;
  /** The longest the authorization-link expiry timer waits (tests that move the clock pass something short). */
  authLinkCheckMs?: number;
  /** Also hand every event the engine emits to this (e.g. a console host's fan-out). */
  emit?: (event: AppEventName, payload: unknown) => void;
  /** 'relay': the platform's API calls leave through the relay's CONNECT tunnel, which allows only the simulator. */
  egress?: 'direct' | 'relay';
}): Promise<Stack> {
  const { creds } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-stack-'));
  // The store and the engine share one clock, which follows the simulator's when the test moves it.
  let clock: () => number = Date.now;
  const store = openStore({ path: join(dir, 'desk.db'), secrets: new NodeSecretStore(join(dir, 'keys', 'secret.key')), now: () => clock() });
  const port = await freePort();
  // The relay's egress allowlist names the simulator's port before either starts; otherwise the simulator takes any
  // free port when it listens (a port picked ahead can be taken meanwhile by another test file's process).
  const simPort = opts.egress === 'relay' ? await freePort() : 0;
  const egress = opts.egress ?? 'direct';
  const relay = await startRelay(
    validateRelayConfig({
      listen: `127.0.0.1:${port}`,
      publicUrl: `http://127.0.0.1:${port}`,
      componentAppid: creds.componentAppid,
      token: creds.token,
      deskKey: creds.deskKey,
      dataDir: join(dir, 'relay'),
      ...(egress === 'relay' ? { egressAllow: [`127.0.0.1:${simPort}`], egressAllowLiteralTargets: true } : {}),
    }),
    { logger: silentLogger },
  );
  store.platforms.upsert({
    componentAppid: creds.componentAppid,
    name: 'Test platform',
    relayUrl: relay.url,
    egress,
    appSecret: creds.secret,
    token: creds.token,
    encodingAesKey: creds.aesKey,
    deskKey: creds.deskKey,
  });
  const sim = await startSimulator({
    ...(simPort ? { port: simPort } : {}),
    componentAppid: creds.componentAppid,
    componentSecret: creds.secret,
    token: creds.token,
    encodingAesKey: creds.aesKey,
    authEventUrl: `${relay.url}/wechat/component`,
    messageUrl: `${relay.url}/wechat/authorizer/$APPID$`,
    ticketIntervalSeconds: 0,
    ...opts.sim,
  });
  if (opts.engineClock === 'simulator') clock = () => sim.now();
  const emitted: Stack['emitted'] = [];
  const engine = new PlatformEngine({
    store,
    componentAppid: creds.componentAppid,
    apiBaseUrl: sim.url,
    emit: (event, payload) => {
      emitted.push({ event, payload });
      opts.emit?.(event, payload);
    },
    now: () => clock(),
    ...(opts.watchdogCheckMs ? { watchdogCheckMs: opts.watchdogCheckMs } : {}),
    ...(opts.watchdogGraceMs !== undefined ? { watchdogGraceMs: opts.watchdogGraceMs } : {}),
    ...(opts.authLinkCheckMs !== undefined ? { authLinkCheckMs: opts.authLinkCheckMs } : {}),
  });
  engine.start();
  return {
    dir,
    store,
    relay,
    sim,
    engine,
    creds,
    emitted,
    async close() {
      await engine.stop();
      await sim.close();
      await relay.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until fn returns something truthy (state reached through real sockets has no event to await), with vitest's
 * vi.waitFor; fails naming `what` after timeoutMs.
 */
export function until<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  return vi.waitFor(
    () => {
      const v = fn();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/**
 * A stack with the console's host on it, as console mode runs it: the engine's events go to the host's fan-out, the
 * first ticket has arrived, the platform is selected, and (unless `sync: false`) the simulator's authorizers are in
 * the store.
 */
export async function startConsoleStack(opts: Omit<Parameters<typeof startStack>[0], 'emit'> & { sync?: boolean }): Promise<{ stack: Stack; host: RuntimeHost }> {
  let host: RuntimeHost | null = null;
  const stack = await startStack({ ...opts, emit: (event, payload) => host?.emit(event, payload as never) });
  await until('the first ticket', () => stack.store.tickets.latest(opts.creds.componentAppid));
  if (opts.sync !== false) await stack.engine.syncAuthorizers(() => undefined);
  host = new RuntimeHost({
    store: stack.store,
    mode: 'console',
    dataDir: stack.dir,
    version: 'test',
    secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
    createRuntime: async () => stack.engine,
  });
  await host.select(opts.creds.componentAppid);
  return { stack, host };
}
