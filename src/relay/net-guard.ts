/** Address checks for the egress tunnel: never let the desk key open a path into the relay's own network. */
import { isIP } from 'node:net';

function v4ToInt(a: string): number {
  return a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inV4(addr: string, base: string, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (v4ToInt(addr) & mask) === (v4ToInt(base) & mask);
}

/** Loopback, link-local, private, unspecified, CGNAT or multicast: not a public internet address. */
export function isNonPublicAddress(address: string): boolean {
  let a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  const kind = isIP(a);
  if (kind === 4) {
    return (
      inV4(a, '0.0.0.0', 8) ||
      inV4(a, '10.0.0.0', 8) ||
      inV4(a, '100.64.0.0', 10) ||
      inV4(a, '127.0.0.0', 8) ||
      inV4(a, '169.254.0.0', 16) ||
      inV4(a, '172.16.0.0', 12) ||
      inV4(a, '192.168.0.0', 16) ||
      inV4(a, '224.0.0.0', 3)
    );
  }
  if (kind === 6) {
    return (
      a === '::' ||
      a === '::1' ||
      /^fe[89ab]/.test(a) || // fe80::/10 link-local
      /^f[cd]/.test(a) || // fc00::/7 unique local
      /^ff/.test(a) // multicast
    );
  }
  return false;
}
