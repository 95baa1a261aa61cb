import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { field } from '../../src/wechat/xml';
import { cliBundle } from '../helpers/paths';
import { call, infoType, startReceiver } from './helpers';
import { MsgCrypt } from '../../src/wechat/crypto';
import { UsageError } from '../../src/node/args';
import { SIM_USAGE, parseSimArgs } from '../../src/sim/cli';
import { CONTROL_ENDPOINTS, controlHelpLines } from '../../src/sim/control';
import { SIM_CONTROL_HEADERS, startSimulator } from '../../src/sim';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing a line`)));
  });
}

function usage(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [cliBundle, 'sim', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('wxopen sim (process)', () => {
  it('prints the config JSON as its first line, pushes a ticket to --auth-event-url, honours the given credentials, exits 0 on SIGTERM', async () => {
    const creds = { appid: 'wx1234567890abcdef', secret: 'abcdef0123456789abcdef0123456789', token: 'simToken42', aesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' };
    const receiver = await startReceiver(new MsgCrypt({ token: creds.token, encodingAesKey: creds.aesKey, appid: creds.appid }));
    try {
      const child = spawn(process.execPath, [
        cliBundle, 'sim', '--port', '0', '--component-appid', creds.appid, '--component-secret', creds.secret, '--token', creds.token,
        '--aes-key', creds.aesKey, '--auth-event-url', `${receiver.url}/wechat/component`, '--accounts', '6', '--candidates', '2',
        '--allow-ip', '127.0.0.1', '::1',
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const cfg = JSON.parse(await firstLine(child)) as Record<string, string>;
      expect(Object.keys(cfg)).toEqual(['url', 'componentAppid', 'componentSecret', 'token', 'encodingAesKey']);
      expect(cfg).toMatchObject({ componentAppid: creds.appid, componentSecret: creds.secret, token: creds.token, encodingAesKey: creds.aesKey });
      expect(cfg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ticket = await receiver.waitFor(infoType('component_verify_ticket'));
      expect(field(ticket.inner, 'AppId')).toBe(creds.appid);
      const state = await call(cfg.url!, '/__sim/state');
      expect(state.authorizedCount).toBe(6);
      expect(state.settings.allowIps).toEqual(['127.0.0.1', '::1']);
      const token = await call(cfg.url!, '/cgi-bin/component/api_component_token', { component_appid: creds.appid, component_appsecret: creds.secret, component_verify_ticket: field(ticket.inner, 'ComponentVerifyTicket') });
      expect(token.expires_in).toBe(7200);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Log lines never carry secrets.
      expect(out).not.toContain(creds.secret);
      expect(out).not.toContain(creds.aesKey);
    } finally {
      await receiver.close();
    }
  });

  it('generates credentials when none are given', async () => {
    const child = spawn(process.execPath, [cliBundle, 'sim', '--ticket-interval', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const cfg = JSON.parse(await firstLine(child)) as Record<string, string>;
    expect(cfg.componentAppid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(() => new MsgCrypt({ token: cfg.token!, encodingAesKey: cfg.encodingAesKey!, appid: cfg.componentAppid! })).not.toThrow();
    child.kill('SIGINT');
  });

  it.each([
    [['--port', '70000'], '--port must be an integer 0..65535'],
    [['--allow-ip', '1.2.3'], '--allow-ip: "1.2.3" is not an IP address'],
    [['--bogus'], 'bogus'],
  ])('the process rejects %j with exit 2 and one clear line on stderr', (args, message) => {
    const r = usage(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it.each([
    [['--accounts', '1000001'], '--accounts must be an integer 0..1000000'],
    [['--candidates', 'x'], '--candidates must be an integer'],
    [['--ticket-interval', '0'], '--ticket-interval must be an integer 1..86400'],
    [['--auth-event-url', 'ftp://x'], '--auth-event-url must be an http(s) URL'],
    [['--message-url', 'not a url'], '--message-url must be an http(s) URL'],
    [['--allow-ip'], '--allow-ip needs at least one IP address'],
    [['--component-appid', 'wx1234567890abcdef'], 'give all of --component-appid'],
    [['--component-appid', 'bad', '--component-secret', 'abcdef0123456789', '--token', 'tok', '--aes-key', 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR'], '--component-appid must be'],
    [['--component-appid', 'wx1234567890abcdef', '--component-secret', 'abcdef0123456789', '--token', 't!', '--aes-key', 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR'], '--token must be 3-32'],
    [['--component-appid', 'wx1234567890abcdef', '--component-secret', 'abcdef0123456789', '--token', 'tok', '--aes-key', 'short'], '--aes-key: EncodingAESKey must be exactly 43'],
  ])('parseSimArgs rejects %j with a UsageError', (args, message) => {
    expect(() => parseSimArgs(args)).toThrow(UsageError);
    expect(() => parseSimArgs(args)).toThrow(message);
  });

  it('parseSimArgs takes several IPs after one --allow-ip, repeated flags and commas', () => {
    const o = parseSimArgs(['--allow-ip', '10.0.0.1', '10.0.0.2', '--accounts', '3', '--allow-ip=::1,127.0.0.1']);
    expect(o).toMatchObject({ allowIps: ['10.0.0.1', '10.0.0.2', '::1', '127.0.0.1'], accounts: 3 });
  });

  it('--help prints the usage, then the control endpoints from the same table GET /__sim/help serves', async () => {
    const r = spawnSync(process.execPath, [cliBundle, 'sim', '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(SIM_USAGE)).toBe(true);
    const lines = controlHelpLines();
    expect(lines).toHaveLength(CONTROL_ENDPOINTS.length);
    for (const line of lines) expect(r.stdout).toContain(`  ${line}\n`);
    const sim = await startSimulator({ accounts: 1, candidates: 0, ticketIntervalSeconds: 0, pushTicketAtStart: false });
    try {
      const help = (await (await fetch(`${sim.url}/__sim/help`, { headers: SIM_CONTROL_HEADERS })).json()) as { endpoints: string[] };
      expect(help.endpoints).toEqual(lines);
      // Every GET in the table answers (the table also dispatches).
      for (const e of CONTROL_ENDPOINTS.filter((x) => x.method === 'GET')) {
        const path = e.path.replace(':appid', sim.seededAccount(0).appid);
        expect((await fetch(`${sim.url}${path}`, { headers: SIM_CONTROL_HEADERS })).status, path).toBe(200);
      }
    } finally {
      await sim.close();
    }
  });
});
