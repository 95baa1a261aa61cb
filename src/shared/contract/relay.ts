/** The desk's link to the relay: its state and what the relay refused lately. */
import type { Refusal } from '../relay-protocol';
import { defineEvents, defineMethods, payload, returns } from './define';

export type RelayConnectionState = 'not_configured' | 'connecting' | 'connected' | 'disconnected';

export interface RelayStatus {
  state: RelayConnectionState;
  /** The relay base URL (no credentials), or null. */
  url: string | null;
  /** When the current state began (epoch ms). */
  since: number;
  /** The highest seq durably processed. */
  cursor: number;
  /** The last connection problem, as a sentence, or null. */
  lastError: string | null;
  /** lastError in Chinese. */
  lastErrorZh: string | null;
  /** When the next reconnect attempt is due, while disconnected. */
  nextRetryAt: number | null;
}

/** The relay's latest summary of the requests it refused (4xx, not stored), as the desk last received it. */
export interface RelayRefusals {
  /** When the desk received this summary (epoch ms). */
  receivedAt: number;
  /** The window the counts cover (24 h). */
  windowMs: number;
  total: number;
  /** Refusals per reason (a RefusalReason, or a newer relay's code). */
  counts: Record<string, number>;
  /** The most frequent reason in the window, or null when there were none. */
  topReason: string | null;
  /** Newest first, at most 20. */
  recent: Refusal[];
}

export const relayMethods = defineMethods({
  /** What the relay refused lately (from its `refusals` frames); null until a relay sent a summary. */
  'relay/refusals': { args: ({ noArgs }) => noArgs, result: returns<RelayRefusals | null>() },
});

export const relayEvents = defineEvents({
  /** The relay connection changed state. */
  'relay:state': payload<RelayStatus & { componentAppid: string }>(),
});
