/** The desk key check of /desk, /desk/auth-links, /healthz and CONNECT (relay protocol v1: constant time). */
import { createHash, timingSafeEqual } from 'node:crypto';

export function keyDigest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function bearerMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Compare digests so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(keyDigest(m ? m[1]! : ''), expectedDigest) && !!m;
}
