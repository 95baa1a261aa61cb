import type { EventSummary } from './contract';
import type { EventRecord } from './domain';

/** An event as lists and live updates carry it: without the bodies and the query (the detail view fetches those). */
export function toSummary(event: EventRecord): EventSummary {
  const { rawBody: _raw, plaintext: _plain, replyBody: _reply, query: _query, ...summary } = event;
  return summary;
}
