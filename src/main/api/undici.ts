import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | null = null;

/**
 * undici, loaded by the first request instead of with the engine: requiring it is one synchronous block of ~80 ms,
 * which at start would hold the console's first page and first API answers behind it (issue 9: cold start).
 */
export function undici(): Promise<typeof Undici> {
  return (loading ??= import('undici'));
}
