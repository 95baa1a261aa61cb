/** Shared pieces of the relay tests: config files, a spawned relay, signed pushes, and a desk whose state is on disk. */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { vi } from 'vitest';
import WebSocket from 'ws';
import { signMessage } from '../../src/wechat/crypto';
import type { HelloFrame, PushFrame, QueueFrame, RefusalsFrame, RelayHealthDetails, RelayToClient } from '../../src/shared/relay-protocol';
import { cliBundle } from '../helpers/paths';

export const TOKEN = 'relayTestToken42';
export const DESK_KEY = 'desk-' + 'k'.repeat(40);
export const COMPONENT_APPID = 'wx0123456789abcdef';
export const AUTHORIZER_APPID = 'wxfedcba9876543210';

export function tempDir(prefix = 'wxrelay-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeConfig(dir: string, overrides: Record<string, unknown> = {}): string {
  const path = join(dir, 'relay.json');
  const cfg = {
    listen: '127.0.0.1:0',
    publicUrl: 'https://relay.example.test',
    componentAppid: COMPONENT_APPID,
    token: TOKEN,
    deskKey: DESK_KEY,
    dataDir: './data',
    heartbeatMs: 1000,
    bodyTimeoutMs: 1000,
    ...overrides,
  };
  writeFileSync(path, JSON.stringify(cfg, null, 2), { mode: 0o600 });
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SpawnedRelay {
  url: string;
  proc: ChildProcess;
  /** Everything written to stderr so far (the JSON-line log). */
  logs: () => string;
  /** SIGTERM and wait for exit. */
  stop: () => Promise<number | null>;
  kill9: () => Promise<void>;
}

export async function spawnRelay(configPath: string, env: Record<string, string> = {}): Promise<SpawnedRelay> {
  const proc = spawn(process.execPath, [cliBundle, 'relay', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    proc.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url,
    proc,
    logs: () => stderr,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface SignedPush {
  path: string;
  body: string;
  nonce: string;
}

let nonceCounter = 0;
/** A push as WeChat sends it: ciphertext-looking Encrypt (the relay never decrypts), signed with the Token. */
export function signedPush(opts: { kind?: 'component' | 'authorizer'; appid?: string; timestamp?: number; token?: string; encrypt?: string } = {}): SignedPush {
  const kind = opts.kind ?? 'component';
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = `${process.pid}${++nonceCounter}${randomBytes(3).readUIntBE(0, 3)}`;
  const encrypt = opts.encrypt ?? randomBytes(96).toString('base64');
  const msgSignature = signMessage(opts.token ?? TOKEN, timestamp, nonce, encrypt);
  const signature = signMessage(opts.token ?? TOKEN, timestamp, nonce);
  const q = new URLSearchParams({ signature, timestamp, nonce, encrypt_type: 'aes', msg_signature: msgSignature });
  if (kind === 'authorizer') q.set('openid', 'o' + nonce);
  const path = kind === 'component' ? `/wechat/component?${q}` : `/wechat/authorizer/${opts.appid ?? AUTHORIZER_APPID}?${q}`;
  const body =
    kind === 'component'
      ? `<xml><AppId><![CDATA[${COMPONENT_APPID}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
      : `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { path, body, nonce };
}

export function keepAliveAgent(connections = 8): Agent {
  return new Agent({ connections, keepAliveTimeout: 10_000, pipelining: 1 });
}

export async function post(url: string, path: string, body: string, agent?: Agent, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await request(url + path, { method: 'POST', body, headers: { 'content-type': 'text/xml', ...headers }, dispatcher: agent });
  return { status: res.statusCode, text: await res.body.text() };
}

export async function get(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const res = await request(url + path, { method: 'GET', headers });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

/** The flooding client: its own event loop (a worker thread), so it does not slow the client being measured. */
const FLOOD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, path, body, concurrency, maxRequests, maxMs } = workerData;
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const endBy = Date.now() + maxMs;
let sent = 0, answered = 0, stop = false;
parentPort.on('message', () => (stop = true));
const one = () => new Promise((resolve) => {
  const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', () => resolve(0));
  req.end(body);
});
(async () => {
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (!stop && sent < maxRequests && Date.now() < endBy) {
      sent++;
      await one();
      if (++answered % 8 === 0) parentPort.postMessage({ answered });
    }
  }));
  agent.destroy();
  parentPort.postMessage({ answered, done: true });
})();
`;

/** A flood of one request from `concurrency` connections, bounded by count and time; stop() ends it early. */
export function startFlood(opts: { url: string; path: string; body: string; concurrency: number; maxRequests: number; maxMs: number }) {
  const worker = new Worker(FLOOD, { eval: true, workerData: opts });
  let answered = 0;
  let done = false;
  const finished = new Promise<void>((resolve) => {
    worker.on('message', (m: { answered: number; done?: boolean }) => {
      answered = m.answered;
      if (m.done) {
        done = true;
        resolve();
      }
    });
    worker.on('error', () => ((done = true), resolve()));
  });
  return {
    answered: () => answered,
    running: () => !done,
    stop: async () => {
      worker.postMessage('stop');
      await finished;
      await worker.terminate();
    },
  };
}

/** Run `tasks` with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/**
 * The desk's side on disk: each push processed is a row keyed by seq with a processed count, committed with the cursor
 * in one transaction, which is what the engine's inbox will do.
 */
export class DeskDb {
  readonly db: Database.Database;
  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, nonce TEXT, kind TEXT, processed INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
      INSERT OR IGNORE INTO cursor (id, seq) VALUES (1, 0);`);
  }
  getCursor = (): number => (this.db.prepare('SELECT seq FROM cursor WHERE id = 1').get() as { seq: number }).seq;
  commit(push: PushFrame): void {
    const nonce = push.query['nonce'] ?? push.body;
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO events (seq, nonce, kind, processed) VALUES (?, ?, ?, 1) ON CONFLICT(seq) DO UPDATE SET processed = processed + 1')
        .run(push.seq, nonce, push.kind);
      this.db.prepare('UPDATE cursor SET seq = max(seq, ?) WHERE id = 1').run(push.seq);
    })();
  }
  rows(): { seq: number; nonce: string; kind: string; processed: number }[] {
    return this.db.prepare('SELECT seq, nonce, kind, processed FROM events ORDER BY seq').all() as never;
  }
  close(): void {
    this.db.close();
  }
}

/** GET /healthz with the desk key: the whole RelayHealth and its details. */
export async function healthDetails(url: string): Promise<RelayHealthDetails> {
  const res = await get(url, '/healthz', { authorization: `Bearer ${DESK_KEY}` });
  if (res.status !== 200) throw new Error(`/healthz with the desk key answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as RelayHealthDetails;
}

/** A desk speaking the protocol by hand: every frame it gets, in order. */
export interface RawDesk {
  ws: WebSocket;
  frames: RelayToClient[];
  /** The answer to its hello (the first frame). */
  queue: QueueFrame;
  pushes(): PushFrame[];
  refusals(): RefusalsFrame[];
  close(): void;
}

/** Connect to /desk, say hello, and resolve once the relay has answered it with its `queue` frame (the desk is registered). */
export async function rawDesk(url: string, hello: Omit<HelloFrame, 'type'>): Promise<RawDesk> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/desk', { headers: { Authorization: `Bearer ${DESK_KEY}` } });
  const frames: RelayToClient[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as RelayToClient));
  ws.on('error', () => {});
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  ws.send(JSON.stringify({ type: 'hello', ...hello }));
  await vi.waitFor(() => {
    if (frames.length === 0) throw new Error('no answer to hello yet');
  }, { timeout: 5000, interval: 10 });
  return {
    ws,
    frames,
    queue: frames[0] as QueueFrame,
    pushes: () => frames.filter((f): f is PushFrame => f.type === 'push'),
    refusals: () => frames.filter((f): f is RefusalsFrame => f.type === 'refusals'),
    close: () => ws.close(),
  };
}
