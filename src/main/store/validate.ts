import { invalidArgument } from './errors';

// Checks at the repository boundary: wrong data here would be stored and corrupt state for every later reader.

const APPID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** What the store accepts as an appid. */
export function isAppid(value: unknown): value is string {
  return typeof value === 'string' && APPID_RE.test(value);
}

export function appidArg(value: unknown, what = 'componentAppid'): string {
  if (!isAppid(value)) {
    throw invalidArgument(`${what} must be an appid (1-64 letters, digits, _ or -), got ${describe(value)}`);
  }
  return value;
}

export function stringArg(value: unknown, what: string, maxLength = 1_000_000): string {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(value)}`);
  if (value.length > maxLength) throw invalidArgument(`${what} is too long (${value.length} > ${maxLength} characters)`);
  return value;
}

export function nonEmptyStringArg(value: unknown, what: string, maxLength = 1_000_000): string {
  const s = stringArg(value, what, maxLength);
  if (s === '') throw invalidArgument(`${what} must not be empty`);
  return s;
}

export function optionalString(value: unknown, what: string, maxLength = 1_000_000): string | null {
  if (value === null || value === undefined) return null;
  return stringArg(value, what, maxLength);
}

export function intArg(value: unknown, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidArgument(`${what} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

export function optionalInt(value: unknown, what: string, min?: number, max?: number): number | null {
  if (value === null || value === undefined) return null;
  return intArg(value, what, min, max);
}

/** The last millisecond of 9999-12-31 UTC: later times break dates (a year of five digits) and exports. */
export const MAX_TIME_MS = 253_402_300_799_999;

/** Epoch milliseconds (or seconds); a non-negative integer no later than the year 9999. */
export function timeArg(value: unknown, what: string): number {
  return intArg(value, what, 0, MAX_TIME_MS);
}

export function enumArg<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(`${what} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function boolArg(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${what} must be true or false, got ${describe(value)}`);
  return value;
}

export function limitArg(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  return intArg(value, 'limit', 1, max);
}

export function objectArg(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** JSON.stringify that refuses values JSON cannot round-trip (functions, bigint, cycles). */
export function jsonArg(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw invalidArgument(`${what} cannot be stored as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw invalidArgument(`${what} cannot be stored as JSON (got ${describe(value)})`);
  return text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
