/**
 * The egress tunnel (CONNECT host:port with the desk key): only the configured allowlist, and names only when they
 * resolve to public addresses, so the desk's WeChat API calls can leave from the relay's whitelisted IP.
 */
import { lookup } from 'node:dns/promises';
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { isLiteralOrLocalHost } from './config';
import type { RelayContext } from './context';
import { bearerMatches } from './desk-key';
import { isNonPublicAddress } from './net-guard';

export type ConnectHandler = (req: http.IncomingMessage, client: Duplex, head: Buffer) => Promise<void>;

export function createEgress(ctx: RelayContext): ConnectHandler {
  const { config, log, refusals } = ctx;
  const egressAllow = new Set(config.egressAllow);

  return async function onConnect(req, client, head) {
    const refuse = (status: number, reason: string, target: string) => {
      const text = status === 407 ? 'Proxy Authentication Required' : status === 403 ? 'Forbidden' : 'Bad Gateway';
      client.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close${status === 407 ? '\r\nProxy-Authenticate: Bearer' : ''}\r\n\r\n`);
      refusals.logLine('egress refused', { reason, status, target });
      refusals.count(req, '', status, reason, `CONNECT ${target.slice(0, 200)}`);
    };
    client.on('error', () => {});
    const target = (req.url ?? '').toLowerCase();
    if (!bearerMatches(req.headers['proxy-authorization'], ctx.deskKeyDigest)) return refuse(407, 'bad_desk_key', target);
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/.exec(target);
    if (!m || Number(m[2]) > 65535) return refuse(403, 'malformed_target', target);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const port = Number(m[2]);
    if (!egressAllow.has(target)) return refuse(403, isLiteralOrLocalHost(host) ? 'literal_or_local_host' : 'not_in_allowlist', target);
    // Literal entries exist only with egressAllowLiteralTargets (checked at start-up); names must resolve to public addresses.
    let address = host;
    if (net.isIP(host) === 0) {
      try {
        const addrs = await lookup(host, { all: true });
        const ok = addrs.find((a) => config.egressAllowLiteralTargets || !isNonPublicAddress(a.address));
        if (!ok) return refuse(403, 'resolves_to_non_public_address', target);
        address = ok.address;
      } catch {
        return refuse(502, 'dns_failure', target);
      }
    }
    const upstream = net.connect({ host: address, port });
    upstream.setTimeout(30_000, () => upstream.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      log('info', 'egress tunnel opened', { target });
    });
    upstream.on('error', (e) => {
      if (!client.writableEnded && upstream.connecting) refuse(502, `upstream_${(e as NodeJS.ErrnoException).code ?? 'error'}`, target);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
}
