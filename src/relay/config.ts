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
  /**
   * The public address this host's outbound connections leave from: what the operator enters as the platform's IP
   * 白名单. The relay cannot see it itself (it may sit behind NAT); given here, the desk shows it (/healthz details).
   */
  egressIp: string | null;
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
  /** A request's headers must arrive completely within this time (from the connection's start or the last answer). */
  headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** Open connections in total (HTTP, desk WebSocket, egress tunnels); more are closed at once. */
  maxConnections: number;
  /** Open connections from one source address (trusted proxies excepted); more are closed at once. */
  maxConnectionsPerAddress: number;
  /**
   * Peers whose X-Forwarded-For is believed (its last entry is the source address of their requests) and whose
   * connections are not capped per address: the reverse proxy in front of the relay. Exact IP addresses.
   */
  trustedProxies: string[];
  /** GET /authorized requests accepted per minute, in total and per source address; more get 429. */
  authorizedPerMinute: number;
  authorizedPerMinutePerAddress: number;
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
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 512,
  maxConnectionsPerAddress: 64,
  trustedProxies: ['127.0.0.1', '::1'],
  authorizedPerMinute: 60,
  authorizedPerMinutePerAddress: 10,
};

const KEYS = [
  'listen',
  'publicUrl',
  'componentAppid',
  'token',
  'deskKey',
  'dataDir',
  'egressAllow',
  'egressIp',
  'replyDeadlineMs',
  'timestampWindowS',
  'retentionDays',
  'tls',
  'egressAllowLiteralTargets',
  'debugBodies',
  'heartbeatMs',
  'bodyTimeoutMs',
  'pruneIntervalMs',
  'headersTimeoutMs',
  'keepAliveTimeoutMs',
  'maxConnections',
  'maxConnectionsPerAddress',
  'trustedProxies',
  'authorizedPerMinute',
  'authorizedPerMinutePerAddress',
] as const;

export function envName(key: string): string {
  return 'WXOPEN_RELAY_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * A last label of digits or 0x-hex makes resolvers (inet_aton, WHATWG URL) read the whole name as an IPv4 address in
 * a short or numeric form: 127.1, 2130706433, 0x7f.1 all mean 127.0.0.1.
 */
const NUMERIC_LABEL_RE = /^(0x[0-9a-f]*|[0-9]+)$/i;

/** Is this host an IP literal, localhost, or otherwise something an egress allowlist must not name by accident? */
export function isLiteralOrLocalHost(host: string): boolean {
  // `localhost.` is `localhost`: a trailing dot only marks the name as fully qualified.
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.+$/, '');
  if (isIP(h) !== 0 || NUMERIC_LABEL_RE.test(h.slice(h.lastIndexOf('.') + 1))) return true;
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local');
}

const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why an allowlist host is written in a form the relay refuses (one spelling per target), or null. */
function egressHostProblem(host: string): string | null {
  if (host.startsWith('[')) return isIP(host.slice(1, -1)) === 6 ? null : 'is not a valid IPv6 address';
  if (isIP(host) === 4) return null;
  if (host.endsWith('.')) return 'ends with a dot; write the host name without the trailing dot';
  const labels = host.split('.');
  if (NUMERIC_LABEL_RE.test(labels[labels.length - 1]!)) {
    return 'is an IPv4 address in a short or numeric form (like 127.1 or 2130706433); write a host name, or four decimal parts';
  }
  if (!labels.every((l) => LABEL_RE.test(l))) return 'is not a valid host name (letters, digits and inner hyphens between dots)';
  return null;
}

/** A list of strings from a JSON array, or from a JSON/comma-separated string (the form environment variables take). */
function list(raw: Record<string, unknown>, key: string, fallback: string[], expected: string): unknown[] {
  let v = raw[key] ?? fallback;
  if (typeof v === 'string') {
    try {
      v = v.trim().startsWith('[') ? JSON.parse(v) : v.split(',').map((s) => s.trim()).filter(Boolean);
    } catch {
      fail(key, `${expected} (as a JSON array or a comma-separated list)`);
    }
  }
  if (!Array.isArray(v)) fail(key, expected);
  return v;
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

  const egressExpected = 'an array of exact "host:port" entries, e.g. ["api.weixin.qq.com:443"]';
  const egressRaw = list(raw, 'egressAllow', DEFAULTS.egressAllow, egressExpected);
  if (!egressRaw.every((e) => typeof e === 'string' && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(e))) fail('egressAllow', egressExpected);
  const egressAllowLiteralTargets = bool(raw, 'egressAllowLiteralTargets', DEFAULTS.egressAllowLiteralTargets);
  const egressAllow = (egressRaw as string[]).map((e) => e.toLowerCase());
  for (const entry of egressAllow) {
    const host = entry.slice(0, entry.lastIndexOf(':'));
    const problem = egressHostProblem(host);
    if (problem) fail('egressAllow', `one spelling per target host; "${entry}": the host ${problem}`);
    if (isLiteralOrLocalHost(host) && !egressAllowLiteralTargets) {
      fail('egressAllow', `host names only; "${entry}" is an IP literal or local name (allowed only with egressAllowLiteralTargets: true, for tests)`);
    }
  }

  const egressIpRaw = raw['egressIp'];
  const egressIp = egressIpRaw === undefined || egressIpRaw === null || egressIpRaw === '' ? null : egressIpRaw;
  if (egressIp !== null && (typeof egressIp !== 'string' || isIP(egressIp) === 0)) {
    fail('egressIp', 'the IPv4 or IPv6 address this host\'s outbound connections leave from, e.g. "203.0.113.7" (on the relay host: curl -s https://ifconfig.me)');
  }

  const trustedExpected = 'an array of IP addresses of the reverse proxies in front of the relay, e.g. ["127.0.0.1", "::1"] (or [] for none)';
  const trustedProxies = list(raw, 'trustedProxies', DEFAULTS.trustedProxies, trustedExpected);
  if (!trustedProxies.every((a) => typeof a === 'string' && isIP(a) !== 0)) fail('trustedProxies', trustedExpected);

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
    egressIp: egressIp === null ? null : egressIp.toLowerCase(),
    replyDeadlineMs: num(raw, 'replyDeadlineMs', 100, 4000, DEFAULTS.replyDeadlineMs),
    timestampWindowS: num(raw, 'timestampWindowS', 1, 86_400, DEFAULTS.timestampWindowS),
    retentionDays: num(raw, 'retentionDays', 0, 3650, DEFAULTS.retentionDays),
    tls,
    egressAllowLiteralTargets,
    debugBodies: bool(raw, 'debugBodies', DEFAULTS.debugBodies),
    heartbeatMs: num(raw, 'heartbeatMs', 100, 600_000, DEFAULTS.heartbeatMs),
    bodyTimeoutMs: num(raw, 'bodyTimeoutMs', 100, 120_000, DEFAULTS.bodyTimeoutMs),
    pruneIntervalMs: num(raw, 'pruneIntervalMs', 100, 86_400_000, DEFAULTS.pruneIntervalMs),
    headersTimeoutMs: num(raw, 'headersTimeoutMs', 100, 60_000, DEFAULTS.headersTimeoutMs),
    keepAliveTimeoutMs: num(raw, 'keepAliveTimeoutMs', 100, 600_000, DEFAULTS.keepAliveTimeoutMs),
    maxConnections: num(raw, 'maxConnections', 1, 100_000, DEFAULTS.maxConnections),
    maxConnectionsPerAddress: num(raw, 'maxConnectionsPerAddress', 1, 100_000, DEFAULTS.maxConnectionsPerAddress),
    trustedProxies: (trustedProxies as string[]).map((a) => a.toLowerCase()),
    authorizedPerMinute: num(raw, 'authorizedPerMinute', 1, 1_000_000, DEFAULTS.authorizedPerMinute),
    authorizedPerMinutePerAddress: num(raw, 'authorizedPerMinutePerAddress', 1, 1_000_000, DEFAULTS.authorizedPerMinutePerAddress),
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
