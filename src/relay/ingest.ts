/**
 * Cheap checks on public requests, before anything costly: a strict query parser (each key once, valid
 * percent-encoding) and a linear scan for a push's `Encrypt`, so the signature is checked before any XML parsing.
 */

export class QueryError extends Error {
  constructor(
    readonly reason: 'repeated_query_key' | 'bad_query_encoding',
    readonly key: string,
  ) {
    super(reason);
  }
}

function decode(s: string, key: string): string {
  try {
    // As in forms and URLSearchParams, `+` is a space.
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new QueryError('bad_query_encoding', key);
  }
}

/**
 * Parse a raw query string (with or without the leading `?`). A key that appears twice (also when spelled with
 * percent-escapes) or a malformed percent-escape throws: what is checked must be exactly what is stored.
 */
export function parseQueryStrict(search: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = decode(rawKey, rawKey.slice(0, 64));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), key.slice(0, 64));
    if (out.has(key)) throw new QueryError('repeated_query_key', key.slice(0, 64));
    out.set(key, value);
  }
  // fromEntries makes own properties, so a key like __proto__ stays a plain key.
  return Object.fromEntries(out);
}

function startsWithAt(body: Buffer, text: string, at: number, caseless = false): boolean {
  if (at + text.length > body.length) return false;
  for (let k = 0; k < text.length; k++) {
    const c = body[at + k]!;
    if ((caseless ? c & 0xdf : c) !== text.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * A DOCTYPE or ENTITY declaration anywhere in the raw bytes (`<!`, optional white space, the keyword in any case):
 * refused before anything else looks at the body. Linear: indexOf for each `<!`, a few byte compares after it.
 */
export function hasXmlDeclaration(body: Buffer): boolean {
  for (let i = body.indexOf('<!'); i >= 0; i = body.indexOf('<!', i + 2)) {
    let j = i + 2;
    while (body[j] === 0x20 || body[j] === 0x09 || body[j] === 0x0a || body[j] === 0x0d) j++;
    if (startsWithAt(body, 'DOCTYPE', j, true) || startsWithAt(body, 'ENTITY', j, true)) return true;
  }
  return false;
}

/**
 * The text of the first `<Encrypt>` element in the raw bytes, CDATA or plain, found by indexOf (linear, no parser,
 * no decoding of the whole body); undefined when there is none or it is not closed right after its value. The parse
 * that follows a good signature checks that the parser sees the same value.
 */
export function scanEncrypt(body: Buffer): string | undefined {
  const open = body.indexOf('<Encrypt>');
  if (open < 0) return undefined;
  let start = open + 9;
  let end: number;
  let after: number;
  if (startsWithAt(body, '<![CDATA[', start)) {
    start += 9;
    end = body.indexOf(']]>', start);
    after = end + 3;
  } else {
    end = body.indexOf(0x3c /* < */, start);
    after = end;
  }
  if (end < 0 || !startsWithAt(body, '</Encrypt>', after)) return undefined;
  // Base64 is ASCII: latin1 keeps every byte as one character, so anything else fails the base64 check that follows.
  return body.toString('latin1', start, end);
}
