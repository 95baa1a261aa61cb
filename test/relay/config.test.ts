/** Relay configuration: validation messages, env overrides, permissions, and the CLI's start-up failures. */
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RelayConfigError, envName, loadRelayConfig, validateRelayConfig } from '../../src/relay/config';
import { isNonPublicAddress } from '../../src/relay/net-guard';
import { cliBundle } from '../helpers/paths';
import { DESK_KEY, TOKEN, tempDir, writeConfig } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const base = {
  listen: '127.0.0.1:0',
  publicUrl: 'https://relay.example.com/',
  componentAppid: 'wx0123456789abcdef',
  token: TOKEN,
  deskKey: DESK_KEY,
  dataDir: './data',
};

function errorOf(raw: Record<string, unknown>): string {
  try {
    validateRelayConfig(raw, '/srv/relay');
  } catch (err) {
    expect(err).toBeInstanceOf(RelayConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a RelayConfigError');
}

describe('relay config', () => {
  it('applies defaults and resolves paths against the config directory', () => {
    const c = validateRelayConfig(base, '/srv/relay');
    expect(c).toMatchObject({
      publicUrl: 'https://relay.example.com',
      dataDir: '/srv/relay/data',
      egressAllow: ['api.weixin.qq.com:443'],
      replyDeadlineMs: 3500,
      timestampWindowS: 300,
      retentionDays: 7,
      egressAllowLiteralTargets: false,
    });
    expect(envName('replyDeadlineMs')).toBe('WXOPEN_RELAY_REPLY_DEADLINE_MS');
    expect(envName('deskKey')).toBe('WXOPEN_RELAY_DESK_KEY');
  });

  it('names the missing or malformed key and what is expected', () => {
    const { token: _t, ...noToken } = base;
    expect(errorOf(noToken)).toMatch(/"token".*WXOPEN_RELAY_TOKEN.*missing/);
    expect(errorOf({ ...base, listen: 'localhost' })).toMatch(/"listen".*host:port/);
    expect(errorOf({ ...base, listen: '127.0.0.1:70000' })).toMatch(/"listen".*0 to 65535/);
    expect(errorOf({ ...base, publicUrl: 'ftp://x' })).toMatch(/"publicUrl"/);
    expect(errorOf({ ...base, componentAppid: 'abc' })).toMatch(/"componentAppid".*wx/);
    expect(errorOf({ ...base, deskKey: 'short' })).toMatch(/"deskKey".*at least 32/);
    expect(errorOf({ ...base, replyDeadlineMs: 5000 })).toMatch(/"replyDeadlineMs".*100 to 4000/);
    expect(errorOf({ ...base, retentionDays: 'x' })).toMatch(/"retentionDays"/);
    expect(errorOf({ ...base, egressAllow: 'api.weixin.qq.com' })).toMatch(/"egressAllow".*host:port/);
    expect(errorOf({ ...base, tls: { cert: '/nope.pem', key: '/nope.key' } })).toMatch(/"tls".*does not exist/);
    expect(errorOf({ ...base, debugBodies: 'yes' })).toMatch(/"debugBodies".*true or false/);
    expect(errorOf({ ...base, egressIp: 'relay.example.com' })).toMatch(/"egressIp".*WXOPEN_RELAY_EGRESS_IP.*IPv4 or IPv6 address/);
    expect(errorOf({ ...base, egressIp: '203.0.113' })).toMatch(/"egressIp"/);
  });

  it('takes the egress IP the desk shows as the IP whitelist value, optionally', () => {
    expect(validateRelayConfig(base).egressIp).toBeNull();
    expect(validateRelayConfig({ ...base, egressIp: '203.0.113.7' }).egressIp).toBe('203.0.113.7');
    expect(validateRelayConfig({ ...base, egressIp: '2001:DB8::7' }).egressIp).toBe('2001:db8::7');
  });

  it('refuses IP literals and local names in the egress allowlist unless egressAllowLiteralTargets is set', () => {
    expect(errorOf({ ...base, egressAllow: ['127.0.0.1:8080'] })).toMatch(/IP literal or local name/);
    expect(errorOf({ ...base, egressAllow: ['localhost:8080'] })).toMatch(/IP literal or local name/);
    expect(errorOf({ ...base, egressAllow: ['[::1]:8080'] })).toMatch(/IP literal or local name/);
    const c = validateRelayConfig({ ...base, egressAllow: ['127.0.0.1:8080'], egressAllowLiteralTargets: true });
    expect(c.egressAllow).toEqual(['127.0.0.1:8080']);
  });

  it('refuses other spellings of a host in the egress allowlist: short or numeric IPv4 forms and a trailing dot', () => {
    // Each of these reaches 127.0.0.1 through the resolver while looking like a host name.
    for (const entry of ['127.1:8080', '2130706433:8080', '0x7f000001:8080', '0x7f.1:8080', 'foo.0x1:443']) {
      expect(errorOf({ ...base, egressAllow: [entry] }), entry).toMatch(/"egressAllow".*short or numeric form/);
      expect(errorOf({ ...base, egressAllow: [entry], egressAllowLiteralTargets: true }), entry).toMatch(/short or numeric form/);
    }
    expect(errorOf({ ...base, egressAllow: ['localhost.:8080'] })).toMatch(/"egressAllow".*"localhost\.:8080".*trailing dot/);
    expect(errorOf({ ...base, egressAllow: ['api.weixin.qq.com.:443'] })).toMatch(/trailing dot/);
    expect(errorOf({ ...base, egressAllow: ['api..weixin.qq.com:443'] })).toMatch(/not a valid host name/);
    expect(errorOf({ ...base, egressAllow: ['-api.weixin.qq.com:443'] })).toMatch(/not a valid host name/);
    expect(validateRelayConfig({ ...base, egressAllow: ['api.weixin.qq.com:443', 'api2.weixin.qq.com:443'] }).egressAllow).toHaveLength(2);
  });

  it('has connection, timeout and rate-limit options with defaults, validated like the others', () => {
    expect(validateRelayConfig(base)).toMatchObject({
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 10_000,
      maxConnections: 512,
      maxConnectionsPerAddress: 64,
      trustedProxies: ['127.0.0.1', '::1'],
      authorizedPerMinute: 60,
      authorizedPerMinutePerAddress: 10,
    });
    expect(errorOf({ ...base, maxConnections: 0 })).toMatch(/"maxConnections".*WXOPEN_RELAY_MAX_CONNECTIONS.*1 to 100000/);
    expect(errorOf({ ...base, maxConnectionsPerAddress: 'many' })).toMatch(/"maxConnectionsPerAddress".*a number/);
    expect(errorOf({ ...base, headersTimeoutMs: 10 })).toMatch(/"headersTimeoutMs".*100 to 60000/);
    expect(errorOf({ ...base, keepAliveTimeoutMs: -1 })).toMatch(/"keepAliveTimeoutMs"/);
    expect(errorOf({ ...base, authorizedPerMinute: 0 })).toMatch(/"authorizedPerMinute"/);
    expect(errorOf({ ...base, trustedProxies: ['proxy.local'] })).toMatch(/"trustedProxies".*IP addresses/);
    expect(validateRelayConfig({ ...base, trustedProxies: '10.0.0.2, ::1' }).trustedProxies).toEqual(['10.0.0.2', '::1']);
    expect(validateRelayConfig({ ...base, trustedProxies: '[]' }).trustedProxies).toEqual([]);
  });

  it('lets environment variables win over the file and warns about a readable file and unknown keys', () => {
    const path = writeConfig(tmp.dir, { retentionDays: 7, extraKey: 1 });
    chmodSync(path, 0o644);
    const { config, warnings } = loadRelayConfig(path, {
      WXOPEN_RELAY_RETENTION_DAYS: '2',
      WXOPEN_RELAY_EGRESS_ALLOW: 'api.weixin.qq.com:443,api2.weixin.qq.com:443',
      WXOPEN_RELAY_TOKEN: 'envToken',
    });
    expect(config.retentionDays).toBe(2);
    expect(config.token).toBe('envToken');
    expect(config.egressAllow).toEqual(['api.weixin.qq.com:443', 'api2.weixin.qq.com:443']);
    expect(warnings.join('\n')).toMatch(/readable by group or others.*chmod 600/);
    expect(warnings.join('\n')).toMatch(/"extraKey" is not known/);
    expect(warnings.join('\n')).not.toContain(TOKEN);
    chmodSync(path, 0o600);
    expect(loadRelayConfig(path, {}).warnings.filter((w) => w.includes('readable'))).toEqual([]);
  });

  it('classifies non-public addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['101.226.212.27', '8.8.8.8', '2408:8756::1']) expect(isNonPublicAddress(a), a).toBe(false);
  });
});

describe('wxopen relay start-up', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cliBundle, 'relay', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 10_000 });

  it('exits 2 with one line naming the key when the config is bad', () => {
    const path = writeConfig(tmp.dir);
    const r = run(['--config', path], { WXOPEN_RELAY_TIMESTAMP_WINDOW_S: 'soon' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/"timestampWindowS".*WXOPEN_RELAY_TIMESTAMP_WINDOW_S.*a number/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 without --config, and for an unreadable or non-JSON file', () => {
    expect(run([]).stderr).toMatch(/--config is required/);
    expect(run([]).status).toBe(2);
    const missing = run(['--config', join(tmp.dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read config file/);
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{"listen": ', { mode: 0o600 });
    const r = run(['--config', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });
});
