import type Database from 'better-sqlite3';

/**
 * The words of events_grams (migration 5), the index that answers 1- and 2-character searches, which the trigram
 * index (events_fts) cannot. Each event's document is the set of distinct case-folded characters and character pairs
 * of the same columns events_fts indexes (raw_body only without plaintext), plus one word per filter (appid, failed,
 * kind), so a search with filters is one FTS5 AND that skips through the posting lists instead of checking row by row.
 *
 * FTS5 cannot take JS tokenizers, so every gram is spelled as an ASCII word the 'ascii' tokenizer keeps whole: the
 * code points in hex joined by 'x' ('订单' → '8ba2x5355', 'a' → '61'). Filter words start with 'z', which no gram does.
 *
 * The document is built by the SQL function event_grams(), registered on every connection the store opens and called
 * by the triggers on events, so no write to events can leave the index behind.
 */

export const GRAMS_FUNCTION = 'event_grams';

/** JS's \s outside ASCII: searches are split on it, so a gram holding it is never asked for (not indexed). */
const WIDE_SPACES = new Set([0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const SPACE = -1;
/** Folded code of the BMP, filled on first use (-2: not yet); folding per character costs a string otherwise. */
const FOLDED = new Int32Array(0x10000).fill(-2);

/**
 * Lower case per code point, as the trigram tokenizer folds (a character whose lower case is longer stays as is), or
 * SPACE for whitespace.
 */
function foldCode(code: number): number {
  if (code < 128) return code >= 65 && code <= 90 ? code + 32 : code === 32 || (code >= 9 && code <= 13) ? SPACE : code;
  if (code < 0x10000 && FOLDED[code]! !== -2) return FOLDED[code]!;
  let folded: number;
  if (WIDE_SPACES.has(code) || (code >= 0x2000 && code <= 0x200a)) folded = SPACE;
  else {
    const ch = String.fromCodePoint(code);
    const lower = ch.toLowerCase();
    folded = lower.length === ch.length ? lower.codePointAt(0)! : code;
  }
  if (code < 0x10000) FOLDED[code] = folded;
  return folded;
}

/** Text lower-cased per code point, as foldCode does (whole-string toLowerCase when that gives the same). */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // only İ lengthens, and only Σ depends on its neighbours (final ς); otherwise both ways agree
  if (lower.length === text.length && !text.includes('Σ')) return lower;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const folded = foldCode(code);
    out += folded === SPACE ? ch : String.fromCodePoint(folded);
  }
  return out;
}

/** Calls fn with each folded code point of text (SPACE for whitespace). */
function eachCode(text: string, fn: (code: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    fn(foldCode(code));
  }
}

function codes(text: string): number[] {
  const out: number[] = [];
  eachCode(text, (c) => out.push(c));
  return out;
}

/** Grams as numbers while collecting (a character: its code; a pair: (first + 1) × PAIR + second). */
const PAIR = 0x110000;

function addGrams(text: string | null, into: Set<number>): void {
  if (text === null) return;
  let prev = SPACE;
  eachCode(text, (code) => {
    if (code !== SPACE) {
      into.add(code);
      if (prev !== SPACE) into.add((prev + 1) * PAIR + code);
    }
    prev = code;
  });
}

const HEX: string[] = [];
const hex = (code: number) => (code < 0x10000 ? (HEX[code] ??= code.toString(16)) : code.toString(16));
function gramWord(gram: number): string {
  return gram < PAIR ? hex(gram) : hex(Math.floor(gram / PAIR) - 1) + 'x' + hex(gram % PAIR);
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');
export const appidWord = (appid: string) => 'za' + hexOf(appid);
export const kindWord = (kind: string) => 'zk' + hexOf(kind);
export const FAILED_WORD = 'zf';

/** The word for a 1- or 2-character search term. */
export function termWord(term: string): string {
  return codes(term).map((c) => c.toString(16)).join('x');
}

/**
 * Up to `max` distinct character pairs of a 3+ character term, spread over it: every event that contains the term
 * contains them, so they narrow the candidates cheaply before the trigram index confirms each one.
 */
export function pairWords(term: string, max: number): string[] {
  const c = codes(term).map((x) => x.toString(16));
  const all = [...new Set(c.slice(1).map((hex, i) => c[i] + 'x' + hex))];
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.round((i * (all.length - 1)) / (max - 1))]!);
}

export interface GramsSource {
  kind: string;
  appid: string | null;
  status: string;
  plaintext: string | null;
  raw_body: string;
  info_type: string | null;
  msg_type: string | null;
  event: string | null;
  from_user: string | null;
  to_user: string | null;
  fail_reason: string | null;
}

/** The events_grams document of one event. */
export function eventGrams(e: GramsSource): string {
  const grams = new Set<number>();
  addGrams(e.plaintext ?? e.raw_body, grams);
  for (const text of [e.appid, e.info_type, e.msg_type, e.event, e.from_user, e.to_user, e.fail_reason]) addGrams(text, grams);
  const words = Array.from(grams, gramWord);
  words.push(kindWord(e.kind));
  if (e.appid !== null) words.push(appidWord(e.appid));
  if (e.status === 'failed') words.push(FAILED_WORD);
  return words.join(' ');
}

/**
 * Whether an event's searched columns contain `foldedTerm` (already folded): the check of a search word on a row that
 * another index found, cheaper than asking an FTS table about one rowid.
 */
export function eventContains(foldedTerm: string, columns: readonly (string | null)[]): boolean {
  const [plaintext, rawBody, ...rest] = columns;
  const texts = [plaintext ?? rawBody ?? null, ...rest];
  return texts.some((t) => t !== null && t !== undefined && foldText(t).includes(foldedTerm));
}

/**
 * Registers event_grams(kind, appid, status, plaintext, raw_body, info_type, msg_type, event, from_user, to_user,
 * fail_reason) and event_contains(folded term, plaintext, raw_body, appid, info_type, msg_type, event, from_user,
 * to_user, fail_reason).
 */
export function registerEventGrams(db: Database.Database): void {
  db.function('event_contains', { deterministic: true }, (term, plaintext, rawBody, appid, infoType, msgType, event, fromUser, toUser, failReason) =>
    eventContains(term as string, [plaintext, rawBody, appid, infoType, msgType, event, fromUser, toUser, failReason] as (string | null)[]) ? 1 : 0,
  );
  db.function(
    GRAMS_FUNCTION,
    { deterministic: true },
    (kind, appid, status, plaintext, raw_body, info_type, msg_type, event, from_user, to_user, fail_reason) =>
      eventGrams({ kind, appid, status, plaintext, raw_body, info_type, msg_type, event, from_user, to_user, fail_reason } as GramsSource),
  );
}
