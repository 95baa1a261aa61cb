/** Shared pieces of the relay tests: config files, a spawned relay, signed pushes, and a desk whose state is on disk. */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { signMessage } from '../../src/main/wechat/crypto';
import type { PushFrame } from '../../src/shared/relay-protocol';
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

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
