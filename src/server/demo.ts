/**
 * The demo sandbox: a WeChat simulator and a relay in this process, on loopback, with generated credentials, so every
 * screen has data without a real platform. The simulator pushes tickets and messages to the relay exactly as WeChat
 * would; the platform's runtime (the real engine) connects to the relay and calls the simulator's API.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startRelay, type RunningRelay } from '../relay/server';
import { validateRelayConfig } from '../relay/config';
import { silentLogger } from '../relay/log';
import { startSimulator, type Simulator } from '../sim';
import type { DemoLauncher } from '../main/services/host';
import type { ConsoleStore } from '../main/runtime';

export const DEMO_PLATFORM_NAME = 'Demo sandbox (simulator)';
export const DEMO_ACCOUNTS = 200;
export const DEMO_TICKET_INTERVAL_S = 30;
/** Roughly one user message or event every few seconds: enough to watch the inbox move. */
const DEMO_TRAFFIC_INTERVAL_MS = 4_000;

const DEMO_MESSAGES = ['你好', '营业时间？', '查询订单 10086', 'hello', '谢谢', '人工客服'];
const DEMO_EVENTS = ['subscribe', 'CLICK', 'VIEW', 'LOCATION', 'SCAN'];

export interface DemoSandboxOptions {
  store: ConsoleStore;
  /** The relay's queue database goes in <dataDir>/demo-relay. */
  dataDir: string;
  accounts?: number;
  ticketIntervalSeconds?: number;
  /** Milliseconds between simulated user messages; 0 turns live traffic off. */
  trafficIntervalMs?: number;
  /**
   * Runs the write of the generated demo secrets. Electron passes a function that lets these (harmless, generated)
   * secrets through even where real secrets wait for the user's opt-in (Linux basic_text).
   */
  writeDemoSecrets?: <T>(write: () => T) => T;
  log?: (line: string) => void;
}

interface DemoCredentials {
  componentAppid: string;
  componentSecret: string;
  token: string;
  encodingAesKey: string;
  deskKey: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomAlnumString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A port that is free now (the relay needs its public URL before it listens). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** Reuses the stored demo platform's credentials (so its data stays consistent), or generates new ones. */
function demoCredentials(store: ConsoleStore): DemoCredentials {
  const existing = store.platforms.list().find((p) => p.isDemo);
  if (existing) {
    const s = store.platforms.getSecrets(existing.componentAppid);
    if (s.appSecret && s.token && s.encodingAesKey && s.deskKey) {
      return {
        componentAppid: existing.componentAppid,
        componentSecret: s.appSecret,
        token: s.token,
        encodingAesKey: s.encodingAesKey,
        deskKey: s.deskKey,
      };
    }
  }
  return {
    componentAppid: `wx${randomBytes(8).toString('hex')}`,
    componentSecret: randomBytes(16).toString('hex'),
    token: randomAlnumString(32),
    encodingAesKey: randomAlnumString(43),
    deskKey: randomBytes(32).toString('hex'),
  };
}

export interface DemoSandbox {
  componentAppid: string;
  apiBaseUrl: string;
  relayUrl: string;
  ticketIntervalMs: number;
  simulator: Simulator;
  relay: RunningRelay;
}

/** A DemoLauncher for the host: starts the sandbox on first use, stops it on close. */
export function createDemoLauncher(options: DemoSandboxOptions): DemoLauncher & { sandbox(): DemoSandbox | null } {
  let starting: Promise<DemoSandbox> | null = null;
  let running: DemoSandbox | null = null;
  let traffic: NodeJS.Timeout | null = null;
  const log = options.log ?? (() => undefined);

  async function start(): Promise<DemoSandbox> {
    const { store } = options;
    const creds = demoCredentials(store);
    const ticketIntervalSeconds = options.ticketIntervalSeconds ?? DEMO_TICKET_INTERVAL_S;
    const port = await freePort();
    const relayUrl = `http://127.0.0.1:${port}`;
    const relay = await startRelay(
      validateRelayConfig({
        listen: `127.0.0.1:${port}`,
        publicUrl: relayUrl,
        componentAppid: creds.componentAppid,
        token: creds.token,
        deskKey: creds.deskKey,
        dataDir: join(options.dataDir, 'demo-relay'),
      }),
      { logger: silentLogger },
    );
    let simulator: Simulator;
    try {
      simulator = await startSimulator({
        componentAppid: creds.componentAppid,
        componentSecret: creds.componentSecret,
        token: creds.token,
        encodingAesKey: creds.encodingAesKey,
        authEventUrl: `${relayUrl}/wechat/component`,
        messageUrl: `${relayUrl}/wechat/authorizer/$APPID$`,
        ticketIntervalSeconds,
        accounts: options.accounts ?? DEMO_ACCOUNTS,
      });
    } catch (err) {
      await relay.close();
      throw err;
    }
    // The demo's mini programs are ready for an audit, as live ones are, so a batch release plans them.
    simulator.setPrivacyDeclared(null, true);
    const write = options.writeDemoSecrets ?? ((fn) => fn());
    write(() =>
      store.platforms.upsert({
        componentAppid: creds.componentAppid,
        name: DEMO_PLATFORM_NAME,
        relayUrl,
        egress: 'direct',
        isDemo: true,
        appSecret: creds.componentSecret,
        token: creds.token,
        encodingAesKey: creds.encodingAesKey,
        deskKey: creds.deskKey,
      }),
    );
    const trafficMs = options.trafficIntervalMs ?? DEMO_TRAFFIC_INTERVAL_MS;
    if (trafficMs > 0) {
      const accounts = options.accounts ?? DEMO_ACCOUNTS;
      let n = 0;
      traffic = setInterval(() => {
        n++;
        // Even seeded indexes are official accounts; pick one at random.
        const index = 2 * Math.floor(Math.random() * Math.max(1, Math.floor(accounts / 2)));
        const appid = simulator.seededAccount(index).appid;
        if (!simulator.isAuthorized(appid)) return;
        const message =
          n % 3 === 0
            ? { appid, event: DEMO_EVENTS[n % DEMO_EVENTS.length]! }
            : { appid, content: DEMO_MESSAGES[n % DEMO_MESSAGES.length]! };
        simulator.sendUserMessage(message).catch((err: unknown) => log(`demo traffic: ${(err as Error).message}`));
      }, trafficMs);
      traffic.unref();
    }
    log(`demo sandbox: simulator ${simulator.url}, relay ${relayUrl}, platform ${creds.componentAppid}`);
    return {
      componentAppid: creds.componentAppid,
      apiBaseUrl: simulator.url,
      relayUrl,
      ticketIntervalMs: ticketIntervalSeconds * 1000,
      simulator,
      relay,
    };
  }

  return {
    async ensure() {
      starting ??= start().then(
        (sandbox) => (running = sandbox),
        (err: unknown) => {
          starting = null; // allow a retry
          throw new Error(`the demo sandbox could not start: ${(err as Error)?.message ?? String(err)}`);
        },
      );
      const sandbox = await starting;
      return { componentAppid: sandbox.componentAppid, apiBaseUrl: sandbox.apiBaseUrl, ticketIntervalMs: sandbox.ticketIntervalMs };
    },
    sandbox: () => running,
    async stop() {
      if (traffic) clearInterval(traffic);
      traffic = null;
      const sandbox = running ?? (starting ? await starting.catch(() => null) : null);
      running = null;
      starting = null;
      if (!sandbox) return;
      await sandbox.simulator.close();
      await sandbox.relay.close();
    },
  };
}
