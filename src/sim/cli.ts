/**
 * `wxopen sim`: the WeChat simulator as a process (architecture.md, "Fixed: the simulator's command line").
 * First stdout line: {"url","componentAppid","componentSecret","token","encodingAesKey"}; then plain log lines.
 */
import { isIP } from 'node:net';
import { UsageError, parseFlags } from '../node/args';
import { CryptoError, decodeAesKey } from '../wechat/crypto';
import { controlHelpLines } from './control';
import { startSimulator } from './simulator';
import type { SimulatorOptions } from './types';

export const SIM_USAGE = `Usage: wxopen sim [--port P] [--component-appid A --component-secret S --token T --aes-key K]
                 [--auth-event-url URL] [--message-url URL] [--ticket-interval SECONDS]
                 [--accounts N] [--candidates M] [--allow-ip IP ...] [--seed S]

  --port P                 listen port on 127.0.0.1 (0 or absent: a free port)
  --component-appid A      the platform's appid (wx + 16 characters); give all four of appid, secret, token and
  --component-secret S     aes-key, or none (then they are generated)
  --token T                the message-check Token (3-32 letters or digits)
  --aes-key K              the EncodingAESKey (43 characters)
  --auth-event-url URL     where tickets and authorization events are pushed
  --message-url URL        where authorizer messages are pushed; $APPID$ is replaced
  --ticket-interval S      seconds between ticket pushes (default 600); the first is pushed at start
  --accounts N             accounts already authorized (default 20), half official accounts, half mini programs
  --candidates M           accounts offered on the authorization page (default 5)
  --allow-ip IP ...        the platform's IP whitelist (default: any); repeat or list several
  --seed S                 seed for the generated accounts (default wxopen-sim)

The first line on stdout is one JSON object with url, componentAppid, componentSecret, token, encodingAesKey.
Control endpoints for tests: GET <url>/__sim/help, each request with the header X-Wxopen-Sim: 1.`;

function intFlag(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer ${min}..${max} (got "${v}")`);
  return Number(v);
}

function urlFlag(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v.split('$APPID$').join('wx0000000000000000'));
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL (got "${v}")`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--${name} must be an http(s) URL (got "${v}")`);
  return v;
}

/** Parse and validate the command line into simulator options (exported for tests). */
export function parseSimArgs(args: string[]): SimulatorOptions | 'help' {
  // `--allow-ip A B C` takes every following non-flag word; parseArgs only knows one value per flag.
  const rest: string[] = [];
  const allowIps: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--allow-ip' || a.startsWith('--allow-ip=')) {
      const vals: string[] = a.includes('=') ? [a.slice(a.indexOf('=') + 1)] : [];
      while (!a.includes('=') && i + 1 < args.length && !args[i + 1]!.startsWith('--')) vals.push(args[++i]!);
      if (vals.length === 0) throw new UsageError('--allow-ip needs at least one IP address');
      for (const v of vals.flatMap((x) => x.split(',')).filter(Boolean)) {
        if (!isIP(v)) throw new UsageError(`--allow-ip: "${v}" is not an IP address`);
        allowIps.push(v);
      }
    } else rest.push(a);
  }
  const { values } = parseFlags(rest, {
    port: { type: 'string' },
    'component-appid': { type: 'string' },
    'component-secret': { type: 'string' },
    token: { type: 'string' },
    'aes-key': { type: 'string' },
    'auth-event-url': { type: 'string' },
    'message-url': { type: 'string' },
    'ticket-interval': { type: 'string' },
    accounts: { type: 'string' },
    candidates: { type: 'string' },
    seed: { type: 'string' },
  });
  if (values.help) return 'help';
  const creds = ['component-appid', 'component-secret', 'token', 'aes-key'] as const;
  const given = creds.filter((k) => values[k] !== undefined);
  if (given.length > 0 && given.length < creds.length) {
    throw new UsageError(`--${creds.filter((k) => values[k] === undefined).join(', --')} missing: give all of --component-appid, --component-secret, --token and --aes-key, or none`);
  }
  const appid = values['component-appid'];
  if (appid !== undefined && !/^wx[0-9A-Za-z]{16}$/.test(appid)) throw new UsageError(`--component-appid must be "wx" followed by 16 letters or digits (got "${appid}")`);
  const secret = values['component-secret'];
  if (secret !== undefined && !/^[0-9A-Za-z]{8,64}$/.test(secret)) throw new UsageError('--component-secret must be 8-64 letters or digits');
  const token = values.token;
  if (token !== undefined && !/^[0-9A-Za-z]{3,32}$/.test(token)) throw new UsageError('--token must be 3-32 letters or digits (the platform\'s message-check Token)');
  const aesKey = values['aes-key'];
  if (aesKey !== undefined) {
    try {
      decodeAesKey(aesKey);
    } catch (err) {
      throw new UsageError(`--aes-key: ${(err as CryptoError).message}`);
    }
  }
  const seed = values.seed;
  if (seed !== undefined && seed.length === 0) throw new UsageError('--seed must not be empty');
  return {
    port: intFlag(values.port, 'port', 0, 65535),
    componentAppid: appid,
    componentSecret: secret,
    token,
    encodingAesKey: aesKey,
    authEventUrl: urlFlag(values['auth-event-url'], 'auth-event-url'),
    messageUrl: urlFlag(values['message-url'], 'message-url'),
    ticketIntervalSeconds: intFlag(values['ticket-interval'], 'ticket-interval', 1, 86400),
    accounts: intFlag(values.accounts, 'accounts', 0, 1_000_000),
    candidates: intFlag(values.candidates, 'candidates', 0, 10_000),
    allowIps: allowIps.length ? allowIps : undefined,
    seed,
  };
}

export async function simCommand(args: string[]): Promise<number | null> {
  const opts = parseSimArgs(args);
  if (opts === 'help') {
    process.stdout.write(`${SIM_USAGE}\n\nControl endpoints:\n${controlHelpLines().map((l) => `  ${l}`).join('\n')}\n`);
    return 0;
  }
  // The config JSON must be the first stdout line: hold log lines produced while starting (the first ticket push).
  let started = false;
  const early: string[] = [];
  const log = (line: string) => {
    const text = `${new Date().toISOString()} ${line}\n`;
    if (started) process.stdout.write(text);
    else early.push(text);
  };
  let sim;
  try {
    sim = await startSimulator({ ...opts, log });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`--port ${opts.port}: the port is already in use`);
    throw err;
  }
  const { url, componentAppid, componentSecret, token, encodingAesKey } = sim.config;
  process.stdout.write(JSON.stringify({ url, componentAppid, componentSecret, token, encodingAesKey }) + '\n');
  started = true;
  for (const line of early.splice(0)) process.stdout.write(line);
  process.stderr.write(
    `wxopen sim: listening on ${url} with ${opts.accounts ?? 20} authorized accounts, ${opts.candidates ?? 5} candidates; ` +
      `auth-event URL ${opts.authEventUrl ? 'set' : 'not set'}, message URL ${opts.messageUrl ? 'set' : 'not set'}. Ctrl-C stops it.\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`sim: ${signal}, closing`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return null;
}
