/**
 * XML for pushes and passive replies, on fast-xml-parser.
 *
 * Pushes are untrusted: DOCTYPE and ENTITY declarations are refused before parsing, entity processing is off,
 * size is capped, and every value stays a string (MsgId is 64-bit and would lose digits as a number).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

export type XmlErrorKind = 'too_large' | 'doctype' | 'not_xml' | 'no_root';

export class XmlError extends Error {
  constructor(
    readonly kind: XmlErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Default cap for a decrypted message; the relay applies its own 64 KiB cap to request bodies. */
export const DEFAULT_MAX_XML_BYTES = 1024 * 1024;

const DECLARATION_RE = /<!\s*(DOCTYPE|ENTITY)/i;

/** Throw unless `xml` is within the size cap and free of DOCTYPE/ENTITY declarations. */
export function assertSafeXml(xml: string, maxBytes = DEFAULT_MAX_XML_BYTES): void {
  // UTF-8 length is at most 3x the UTF-16 length; only measure exactly when it could matter.
  if (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new XmlError('too_large', `XML is larger than ${maxBytes} bytes`);
  }
  const m = DECLARATION_RE.exec(xml);
  if (m) throw new XmlError('doctype', `XML contains a ${m[1]!.toUpperCase()} declaration, which is refused`);
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // CDATA kept apart so adjacent sections (how `]]>` is escaped) join back into one string.
  textNodeName: '#text',
  cdataPropName: '#cdata',
});

/**
 * Parse a push or message: returns the children of the root element (normally `<xml>`), values as strings,
 * nested elements as objects, repeated elements as arrays.
 */
export function parseXml(xml: string, maxBytes = DEFAULT_MAX_XML_BYTES): XmlObject {
  assertSafeXml(xml, maxBytes);
  const trimmed = xml.trim();
  if (!trimmed.startsWith('<')) throw new XmlError('not_xml', 'body is not XML (it does not start with "<")');
  const flat = parseFlat(trimmed);
  if (flat) {
    xmlParseStats.flat++;
    return flat;
  }
  xmlParseStats.full++;
  return parseWithFastXmlParser(trimmed);
}

/** Which parser answered parseXml, counted per process: lets tests check the fast path really fires. */
export const xmlParseStats = { flat: 0, full: 0 };

/**
 * Fast path for the shape nearly every push has: `<xml>` holding only distinct leaf elements of text or CDATA.
 * Returns null (and fast-xml-parser takes over) on anything else: nesting, attributes, comments, entities, repeats.
 * It gives exactly what the full parser gives for the shapes it accepts (a property test checks this).
 */
export function parseFlat(xml: string): XmlObject | null {
  let i = 0;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) return null;
    i = skipSpace(xml, end + 2);
  }
  if (!xml.startsWith('<xml>', i)) return null;
  i += 5;
  const out: XmlObject = {};
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i) !== 60 /* < */) return null;
    if (xml.startsWith('</xml>', i)) return skipSpace(xml, i + 6) === xml.length ? out : null;
    const nameEnd = xml.indexOf('>', i + 1);
    if (nameEnd < 0) return null;
    const name = xml.slice(i + 1, nameEnd);
    if (!NAME_RE.test(name) || name in out) return null;
    i = nameEnd + 1;
    let value = '';
    // A value is a run of text and CDATA sections up to the closing tag.
    for (;;) {
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i + 9);
        if (end < 0) return null;
        value += xml.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      const lt = xml.indexOf('<', i);
      if (lt < 0) return null;
      const text = xml.slice(i, lt);
      if (text.includes('&') || text.includes('>')) return null;
      value += text;
      i = lt;
      if (xml.startsWith('<![CDATA[', i)) continue;
      break;
    }
    if (!xml.startsWith('</', i) || !xml.startsWith(name, i + 2) || xml.charCodeAt(i + 2 + name.length) !== 62 /* > */) return null;
    i += 3 + name.length;
    out[name] = value;
  }
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function skipSpace(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++i);
  return i;
}

function parseWithFastXmlParser(trimmed: string): XmlObject {
  let doc: unknown;
  try {
    doc = parser.parse(trimmed, true);
  } catch (err) {
    throw new XmlError('not_xml', `body is not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object') throw new XmlError('no_root', 'XML has no root element');
  const roots = Object.keys(doc as object).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1) throw new XmlError('no_root', `XML must have one root element (found ${roots.length})`);
  const root = (doc as Record<string, unknown>)[roots[0]!];
  if (typeof root === 'string') return root.trim() === '' ? {} : { '#text': root };
  return normalise(root) as XmlObject;
}

function normalise(v: unknown): XmlValue {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(normalise);
  const entries = Object.entries(v as Record<string, unknown>);
  // Text and CDATA only: one string, CDATA sections joined verbatim.
  if (entries.every(([k]) => k === '#text' || k === '#cdata')) {
    const rec = v as Record<string, unknown>;
    return joinText(rec['#text']) + joinText(rec['#cdata']);
  }
  const out: XmlObject = {};
  // An element holding only whitespace text between children: drop the whitespace.
  for (const [k, child] of entries) {
    if (k === '#text' && entries.length > 1 && typeof child === 'string' && child.trim() === '') continue;
    out[k] = normalise(child);
  }
  return out;
}

function joinText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return Array.isArray(v) ? v.map(String).join('') : String(v);
}

/** A string field by exact name; nested objects and arrays are not strings and give undefined. */
export function field(obj: XmlObject, name: string): string | undefined {
  const v = obj[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** Values for the reply builder: strings go in CDATA, numbers as text, objects nest, arrays repeat. */
export type XmlInput = string | number | bigint | XmlInputObject | XmlInput[];
export interface XmlInputObject {
  [name: string]: XmlInput;
}

const CDATA = '#cdata';
const builder = new XMLBuilder({
  ignoreAttributes: true,
  cdataPropName: CDATA,
  format: false,
  suppressEmptyNode: false,
  processEntities: true,
});

/** `]]>` cannot appear inside one CDATA section: split it across two (`]]` | `>`). */
function cdata(s: string): { [CDATA]: string | string[] } {
  if (!s.includes(']]>')) return { [CDATA]: s };
  return { [CDATA]: s.split(']]>').map((part, i, all) => (i > 0 ? '>' : '') + part + (i < all.length - 1 ? ']]' : '')) };
}

function toBuilderValue(v: XmlInput): unknown {
  if (typeof v === 'string') return cdata(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(toBuilderValue);
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) throw new XmlError('not_xml', `"${k}" is not a valid XML element name`);
    out[k] = toBuilderValue(child);
  }
  return out;
}

/** Build `<xml>…</xml>` from an object. */
export function buildXml(children: XmlInputObject): string {
  return builder.build({ xml: toBuilderValue(children) }) as string;
}

/** The encrypted passive-reply envelope (reference §1.3). */
export function buildReplyEnvelope(env: { encrypt: string; msgSignature: string; timestamp: string; nonce: string }): string {
  return buildXml({ Encrypt: env.encrypt, MsgSignature: env.msgSignature, TimeStamp: Number(env.timestamp), Nonce: env.nonce });
}
