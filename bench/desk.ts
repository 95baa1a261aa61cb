/**
 * The desk's side of delivery, with the real engine (verify, decrypt, parse, dedupe, store with the cursor) behind the
 * real relay client and relay, on the store's own file: synchronous=FULL (the default) beside NORMAL, and batched
 * commits (every push waiting at the link in one transaction, one ack after it) beside the previous way (one
 * transaction and one ack per push), all in one run:
 *  - a backlog drained by a desk that connects late;
 *  - receipt at the relay → committed on the desk, at 500 pushes/s while connected.
 * The load generator runs in a worker thread; relay and desk share the main event loop (harsher than production).
 * The two batched modes run ROUNDS times, interleaved, and report their median, so that load from other processes on
 * the machine (the disk most of all) falls on both alike; the two "before" modes run once, for reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PlatformEngine } from '../src/main/engine';
import { RelayClient } from '../src/main/relay/client';
import { NodeSecretStore, openStore } from '../src/main/store';
import { MsgCrypt } from '../src/wechat/crypto';
import { buildXml } from '../src/wechat/xml';
import { validateRelayConfig } from '../src/relay/config';
import { silentLogger } from '../src/relay/log';
import { startRelay } from '../src/relay/server';
import { buildPushRequest } from '../src/sim/pushes/delivery';
import type { EventSummary } from '../src/shared/contract';
import { fmt, median, percentile } from './measure';
import type { BenchSection } from './types';

const APPID = 'wx0123456789abcdef';
const AUTHORIZER = 'wxa1b2c3d4e5f60718';
const TOKEN = 'benchDeskToken';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const DESK_KEY = 'bench-desk-key-' + 'y'.repeat(32);
const BACKLOG = 5000;
const LIVE_RATE = 500;
const LIVE_COUNT = 1500;
const ROUNDS = 3;

/** Worker: POSTs [path, body] pairs, closed loop (rate 0, 64 in flight) or open loop at `rate`/s. */
const LOADGEN = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, pushes, rate } = workerData;
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const send = (path, body) => new Promise((resolve) => {
  const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode === 200)); });
  req.on('error', () => resolve(false));
  req.end(body);
});
(async () => {
  let failed = 0;
  const t0 = performance.now();
  if (rate > 0) {
    await Promise.all(pushes.map(async ([path, body], i) => {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!(await send(path, body))) failed++;
    }));
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => { while (next < pushes.length) { const i = next++; if (!(await send(pushes[i][0], pushes[i][1]))) failed++; } }));
  }
  agent.destroy();
  parentPort.postMessage({ failed });
})();
`;

function load(url: string, pushes: [string, string][], rate = 0): Promise<{ failed: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOADGEN, { eval: true, workerData: { url, pushes, rate } });
    w.once('message', (m: { failed: number }) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

const crypt = new MsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appid: APPID });
let messageNo = 0;
/** Users' text messages to an authorizer, encrypted and signed as WeChat sends them (~250-byte plaintext). */
function messages(n: number): [string, string][] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, () => {
    const i = ++messageNo;
    const plain = buildXml({ ToUserName: 'gh_3c884a361561', FromUserName: `ouser${i % 97}`, CreateTime: now, MsgType: 'text', Content: `第 ${i} 条消息：营业时间是几点？ order ${i}`, MsgId: String(24001234567890000000n + BigInt(i)) });
    const { query, body } = buildPushRequest(crypt, plain, { kind: 'authorizer', nowSeconds: now, componentAppid: APPID, toUserName: 'gh_3c884a361561', openid: `ouser${i % 97}` });
    return [`/wechat/authorizer/${AUTHORIZER}?${query}`, body];
  });
}

type Mode = { sync: 'FULL' | 'NORMAL'; batched: boolean };
const label = (m: Mode) => `synchronous=${m.sync}, ${m.batched ? 'batched (now)' : 'one push per transaction (before)'}`;

/** A desk on its own store file, its cursor at `cursor`, connected to the relay; `onEvent` sees each committed push. */
let deskNo = 0;
function startDesk(dir: string, relayUrl: string, mode: Mode, cursor: number, onEvent: (e: EventSummary) => void) {
  const store = openStore({ path: join(dir, `desk-${++deskNo}.db`), secrets: new NodeSecretStore(join(dir, 'keys', 'k')), synchronous: mode.sync });
  store.platforms.upsert({ componentAppid: APPID, name: 'bench', token: TOKEN, encodingAesKey: AES_KEY });
  store.relay.advance(APPID, cursor);
  // The engine without a relay of its own: the bench builds the link, to run it either way.
  const engine = new PlatformEngine({ store, componentAppid: APPID, apiBaseUrl: 'http://127.0.0.1:9', emit: (event, payload) => event === 'event:new' && onEvent(payload as EventSummary) });
  const client = new RelayClient({
    url: relayUrl,
    deskKey: DESK_KEY,
    getCursor: () => store.relay.getCursor(APPID),
    ...(mode.batched ? { onPushes: (p) => engine.onPushes(p) } : { onPush: (p) => engine.onPush(p) }),
  });
  client.start();
  return {
    client,
    async stop() {
      await client.stop();
      await engine.stop();
      store.close();
    },
  };
}

function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const tick = () => (cond() ? resolve(true) : Date.now() > end ? resolve(false) : setTimeout(tick, 5));
    tick();
  });
}

export async function run(): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-desk-'));
  const relay = await startRelay(validateRelayConfig({ listen: '127.0.0.1:0', publicUrl: 'http://127.0.0.1', componentAppid: APPID, token: TOKEN, deskKey: DESK_KEY, dataDir: join(dir, 'relay') }), { logger: silentLogger });
  const modes: Mode[] = [
    { sync: 'FULL', batched: true },
    { sync: 'NORMAL', batched: true },
    { sync: 'FULL', batched: false },
    { sync: 'NORMAL', batched: false },
  ];
  const drain = new Map<Mode, { ms: number; done: boolean }[]>(modes.map((m) => [m, []]));
  const live = new Map<Mode, { lag: number[]; failed: number }[]>(modes.map((m) => [m, []]));
  // The batched modes ROUNDS times, interleaved; then the "before" modes once.
  const schedule = [...Array.from({ length: ROUNDS }, () => modes.filter((m) => m.batched)).flat(), ...modes.filter((m) => !m.batched)];
  let newest = 0;
  try {
    // Backlog: pushes stored while no desk is connected, then each desk drains the same ones from the same cursor.
    await load(relay.url, messages(300)); // warm-up (JIT, relay file)
    newest += 300;
    const backlog = await load(relay.url, messages(BACKLOG));
    if (backlog.failed) throw new Error(`${backlog.failed} backlog pushes were refused`);
    const from = newest;
    newest += BACKLOG;
    for (const mode of schedule) {
      let n = 0;
      const t0 = performance.now();
      const desk = startDesk(dir, relay.url, mode, from, () => n++);
      const done = await waitFor(() => n >= BACKLOG, 180_000);
      drain.get(mode)!.push({ ms: performance.now() - t0, done });
      await desk.stop();
    }
    // Live: a desk caught up with the relay; pushes arrive at LIVE_RATE/s; lag = relay receipt → desk commit.
    for (const mode of schedule) {
      const lag: number[] = [];
      const desk = startDesk(dir, relay.url, mode, newest, (e) => lag.push(Date.now() - e.receivedAt));
      await waitFor(() => desk.client.state().status === 'connected', 10_000);
      const r = await load(relay.url, messages(LIVE_COUNT), LIVE_RATE);
      newest += LIVE_COUNT;
      await waitFor(() => lag.length >= LIVE_COUNT - r.failed, 60_000);
      live.get(mode)!.push({ lag, failed: r.failed });
      await desk.stop();
    }
  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const drainMs = (m: Mode) => median(drain.get(m)!.map((d) => (d.done ? d.ms : Infinity)));
  const rate = (m: Mode) => BACKLOG / (drainMs(m) / 1000);
  const p50 = (m: Mode) => median(live.get(m)!.map((l) => percentile(l.lag, 50)));
  const p99 = (m: Mode) => median(live.get(m)!.map((l) => percentile(l.lag, 99)));
  const rows = modes.map((m) => {
    const runs = drain.get(m)!.length;
    const all = runs > 1 ? ` (runs: ${drain.get(m)!.map((d) => fmt.int(BACKLOG / (d.ms / 1000))).join(', ')})` : '';
    return [
      label(m),
      Number.isFinite(drainMs(m)) ? `${fmt.int(rate(m))}${all}` : 'not drained',
      Number.isFinite(drainMs(m)) ? fmt.ms(drainMs(m)) : '',
      fmt.ms(p50(m)),
      fmt.ms(p99(m)),
      live.get(m)!.reduce((n, l) => n + l.failed, 0),
    ];
  });
  const [fullB, normalB, fullS] = modes as [Mode, Mode, Mode, Mode];
  const drainRatio = rate(fullB) / rate(normalB);
  const p99Ratio = p99(fullB) / Math.max(p99(normalB), 1);
  return [
    {
      title: `Desk: relay → engine → store, synchronous=FULL beside NORMAL, batched beside one push per transaction`,
      columns: ['desk', `backlog of ${fmt.int(BACKLOG)}: pushes/s`, 'drained in', `live ${LIVE_RATE}/s: p50`, 'p99', 'refused'],
      rows,
      notes: [
        `aim: backlog drain with FULL ≥ 0.8× NORMAL: ${drainRatio.toFixed(2)}× (${drainRatio >= 0.8 ? 'met' : 'NOT met'}); before batching FULL drained at ${(rate(fullS) / rate(normalB)).toFixed(2)}× NORMAL`,
        `aim: delivery p99 at ${LIVE_RATE}/s with FULL within 2× NORMAL: ${p99Ratio.toFixed(2)}× (${p99Ratio <= 2 ? 'met' : 'NOT met'})`,
        `batched rows: the median of ${ROUNDS} interleaved runs; user text messages (~250-byte plaintext) to one authorizer; the desk verifies, decrypts, parses, dedupes and stores each with the cursor, then acks; p50/p99 from relay receipt to the desk's commit (its event:new)`,
        'batched: every push waiting at the link goes into one transaction (one fsync with FULL), one cumulative ack after the commit',
      ],
    },
  ];
}
