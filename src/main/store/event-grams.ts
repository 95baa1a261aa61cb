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

/** Lower case per code point, as the trigram tokenizer folds; a character whose lower case is longer stays as is. */
function foldedCode(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code < 128) return code >= 65 && code <= 90 ? code + 32 : code;
  const lower = ch.toLowerCase();
  return lower.length === ch.length ? lower.codePointAt(0)! : code;
}

const SPACE = /\s/;
/** Searches are split on whitespace, so a gram holding whitespace is never asked for: not indexed. */
function isSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(ch);
}

/** Text lower-cased per code point, as foldedCode does (whole-string toLowerCase when that gives the same). */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // only İ lengthens, and only Σ depends on its neighbours (final ς); otherwise both ways agree
  if (lower.length === text.length && !text.includes('Σ')) return lower;
  let out = '';
  for (const ch of text) out += String.fromCodePoint(foldedCode(ch));
  return out;
}

/** The folded code points of text, with -1 for whitespace. */
function codes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(isSpace(ch) ? -1 : foldedCode(ch));
  return out;
}

function addGrams(text: string | null, into: Set<string>): void {
  if (text === null) return;
  let prev = '';
  for (const code of codes(text)) {
    if (code < 0) {
      prev = '';
      continue;
    }
    const hex = code.toString(16);
    into.add(hex);
    if (prev) into.add(prev + 'x' + hex);
    prev = hex;
  }
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
  const words = new Set<string>();
  addGrams(e.plaintext ?? e.raw_body, words);
  for (const text of [e.appid, e.info_type, e.msg_type, e.event, e.from_user, e.to_user, e.fail_reason]) addGrams(text, words);
  words.add(kindWord(e.kind));
  if (e.appid !== null) words.add(appidWord(e.appid));
  if (e.status === 'failed') words.add(FAILED_WORD);
  return [...words].join(' ');
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
