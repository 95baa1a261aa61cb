/**
 * Relay configuration (fixed: architecture.md, "relay configuration"): a JSON file, every key overridable by an
 * environment variable WXOPEN_RELAY_<UPPER_SNAKE_KEY> (env wins). A missing or malformed key stops start-up with one
 * line naming the key and what is expected (RelayConfigError).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';

export interface RelayConfig {
  /** host:port to listen on; port 0 picks a free port. */
  listen: string;
  /** The relay's public base URL (https://relay.example.com): start pages and redirect URLs are built from it. */
  publicUrl: string;
  componentAppid: string;
  /** The platform's message-check Token (消息校验Token): verifies msg_signature. */
  token: string;
  /** Shared with the desktop: authenticates /desk, /desk/auth-links and CONNECT. */
  deskKey: string;
  dataDir: string;
  /** Exact host:port entries the CONNECT egress tunnels to. */
  egressAllow: string[];
  replyDeadlineMs: number;
  timestampWindowS: number;
  retentionDays: number;
  tls?: { cert: string; key: string };
  // Optional keys beyond the fixed set (documented in docs/relay.md).
  /** Test-only: lets egressAllow name IP literals / localhost (refused otherwise, at start-up). */
  egressAllowLiteralTargets: boolean;
  /** Log request bodies of rejected pushes (never in production: they are ciphertext but still customer data). */
  debugBodies: boolean;
  /** WebSocket ping interval; a peer silent for two intervals is dropped. */
  heartbeatMs: number;
  /** A request body must arrive completely within this time, else 408. */
  bodyTimeoutMs: number;
  /** How often acknowledged pushes past retention are pruned and the WAL is checkpointed. */
  pruneIntervalMs: number;
}

export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
}

const DEFAULTS = {
  egressAllow: ['api.weixin.qq.com:443'],
  replyDeadlineMs: 3500,
  timestampWindowS: 300,
  retentionDays: 7,
  egressAllowLiteralTargets: false,
  debugBodies: false,
  heartbeatMs: 15_000,
  bodyTimeoutMs: 5_000,
  pruneIntervalMs: 10 * 60_000,
};

const KEYS = [
  'listen',
  'publicUrl',
  'componentAppid',
  'token',
  'deskKey',
  'dataDir',
  'egressAllow',
  'replyDeadlineMs',
  'timestampWindowS',
  'retentionDays',
  'tls',
  'egressAllowLiteralTargets',
  'debugBodies',
  'heartbeatMs',
  'bodyTimeoutMs',
  'pruneIntervalMs',
] as const;

export function envName(key: string): string {
  return 'WXOPEN_RELAY_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Is this host an IP literal, localhost, or otherwise something an egress allowlist must not name by accident? */
export function isLiteralOrLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(h) !== 0 || h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local');
}

function fail(key: string, expected: string): never {
  throw new RelayConfigError(`config key "${key}" (or env ${envName(key)}): expected ${expected}`);
}

function str(raw: Record<string, unknown>, key: string, expected: string, re?: RegExp): string {
  const v = raw[key];
  if (v === undefined || v === null || v === '') fail(key, `${expected} (it is missing)`);
  if (typeof v !== 'string' || (re && !re.test(v))) fail(key, expected);
  return v;
}

function num(raw: Record<string, unknown>, key: string, min: number, max: number, fallback: number): number {
  let v = raw[key];
  if (v === undefined) return fallback;
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(key, `a number from ${min} to ${max}`);
  return v;
}

function bool(raw: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = raw[key];
  if (v === undefined) return fallback;
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  return fail(key, 'true or false');
}

/** Validate a raw object (file contents with env merged) into a RelayConfig. Relative paths resolve against baseDir. */
export function validateRelayConfig(raw: Record<string, unknown>, baseDir = process.cwd()): RelayConfig {
  const listen = str(raw, 'listen', 'host:port, e.g. "127.0.0.1:8787" (port 0 = any free port)', /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/);
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  if (port > 65535) fail('listen', 'a port from 0 to 65535');
  const publicUrl = str(raw, 'publicUrl', 'an http(s) URL without a trailing path, e.g. "https://relay.example.com"');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    if (u.search || u.hash) throw new Error();
  } catch {
    fail('publicUrl', 'an http(s) URL without query or fragment, e.g. "https://relay.example.com"');
  }
  const componentAppid = str(raw, 'componentAppid', 'the component appid: "wx" followed by 16 letters or digits', /^wx[0-9A-Za-z]{16}$/);
  const token = str(raw, 'token', 'the message-check Token: 1 to 128 characters, no spaces', /^\S{1,128}$/);
  const deskKey = str(raw, 'deskKey', 'a random key of at least 32 characters, no spaces (e.g. `openssl rand -hex 32`)', /^\S{32,512}$/);
  const dataDir = resolve(baseDir, str(raw, 'dataDir', 'a directory path for the queue database'));

  let egressRaw = raw['egressAllow'] ?? DEFAULTS.egressAllow;
  if (typeof egressRaw === 'string') {
    try {
      egressRaw = egressRaw.trim().startsWith('[') ? JSON.parse(egressRaw) : egressRaw.split(',').map((s) => s.trim()).filter(Boolean);
    } catch {
      fail('egressAllow', 'a JSON array (or comma-separated list) of "host:port" entries');
    }
  }
  if (!Array.isArray(egressRaw) || !egressRaw.every((e) => typeof e === 'string' && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(e))) {
    fail('egressAllow', 'an array of exact "host:port" entries, e.g. ["api.weixin.qq.com:443"]');
  }
  const egressAllowLiteralTargets = bool(raw, 'egressAllowLiteralTargets', DEFAULTS.egressAllowLiteralTargets);
  const egressAllow = (egressRaw as string[]).map((e) => e.toLowerCase());
  for (const entry of egressAllow) {
    const host = entry.slice(0, entry.lastIndexOf(':'));
    if (isLiteralOrLocalHost(host) && !egressAllowLiteralTargets) {
      fail('egressAllow', `host names only; "${entry}" is an IP literal or local name (allowed only with egressAllowLiteralTargets: true, for tests)`);
    }
  }

  let tls: RelayConfig['tls'];
  let tlsRaw = raw['tls'];
  if (typeof tlsRaw === 'string') {
    try {
      tlsRaw = JSON.parse(tlsRaw);
    } catch {
      fail('tls', 'a JSON object {"cert": path, "key": path}');
    }
  }
  if (tlsRaw !== undefined && tlsRaw !== null) {
    const t = tlsRaw as Record<string, unknown>;
    if (typeof t !== 'object' || typeof t['cert'] !== 'string' || typeof t['key'] !== 'string') fail('tls', 'an object {"cert": path, "key": path}');
    const cert = resolve(baseDir, t['cert'] as string);
    const key = resolve(baseDir, t['key'] as string);
    if (!existsSync(cert)) fail('tls', `a readable certificate file (tls.cert "${cert}" does not exist)`);
    if (!existsSync(key)) fail('tls', `a readable key file (tls.key "${key}" does not exist)`);
    tls = { cert, key };
  }

  return {
    listen,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    componentAppid,
    token,
    deskKey,
    dataDir,
    egressAllow,
    replyDeadlineMs: num(raw, 'replyDeadlineMs', 100, 4000, DEFAULTS.replyDeadlineMs),
    timestampWindowS: num(raw, 'timestampWindowS', 1, 86_400, DEFAULTS.timestampWindowS),
    retentionDays: num(raw, 'retentionDays', 0, 3650, DEFAULTS.retentionDays),
    tls,
    egressAllowLiteralTargets,
    debugBodies: bool(raw, 'debugBodies', DEFAULTS.debugBodies),
    heartbeatMs: num(raw, 'heartbeatMs', 100, 600_000, DEFAULTS.heartbeatMs),
    bodyTimeoutMs: num(raw, 'bodyTimeoutMs', 100, 120_000, DEFAULTS.bodyTimeoutMs),
    pruneIntervalMs: num(raw, 'pruneIntervalMs', 100, 86_400_000, DEFAULTS.pruneIntervalMs),
  };
}

export interface LoadedConfig {
  config: RelayConfig;
  /** Non-fatal problems worth a log line (permissions, unknown keys). */
  warnings: string[];
}

/** Read the JSON file, merge WXOPEN_RELAY_* env (env wins), validate. */
export function loadRelayConfig(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const warnings: string[] = [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RelayConfigError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RelayConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RelayConfigError(`config file ${path} must hold one JSON object`);
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const key of Object.keys(merged)) {
    if (!(KEYS as readonly string[]).includes(key)) warnings.push(`config key "${key}" is not known and is ignored`);
  }
  for (const key of KEYS) {
    const v = env[envName(key)];
    if (v !== undefined) merged[key] = v;
  }
  try {
    const mode = statSync(path).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      warnings.push(`config file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); it holds the Token and desk key: chmod 600 it`);
    }
  } catch {
    /* already read it; stat failing is not worth stopping for */
  }
  return { config: validateRelayConfig(merged, dirname(resolve(path))), warnings };
}
