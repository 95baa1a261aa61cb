/** The inbox: every push the desk stored, newest first, and its live feed. */
import type { ErrcodeExplanation } from '../errcodes';
import type { EventRecord, KeysetPage } from '../domain';
import { EVENT_KINDS } from '../domain';
import { defineEvents, defineMethods, payload, returns } from './define';

/** An event without its large bodies, for lists and the live feed. Fetch the full record with events/get. */
export type EventSummary = Omit<EventRecord, 'rawBody' | 'plaintext' | 'replyBody' | 'query'>;

export interface EventDetail extends EventRecord {
  /** Explanation of `failReason` or of a WeChat error the handling hit, when there is one. */
  explanation: ErrcodeExplanation | null;
  /** The nickname of the account `appid` names, when it is stored. */
  nickName?: string | null;
}

/** A row of events/list: the summary and the nickname of the account it is for (looked up once per page). */
export type EventListRow = EventSummary & { nickName?: string | null };

/** The summary of a stored event (what lists and 'event:new' carry). */
export function toSummary(event: EventRecord): EventSummary {
  const { rawBody: _raw, plaintext: _plain, replyBody: _reply, query: _query, ...summary } = event;
  return summary;
}

export const eventsMethods = defineMethods({
  /** Newest first, keyset pagination (pass the previous page's nextBeforeId as beforeId). */
  'events/list': {
    args: ({ z, appid, epochMs, rowId, shortText }) =>
      z.strictObject({
        kind: z.enum(EVENT_KINDS).optional(),
        infoType: shortText(64).optional(),
        msgType: shortText(64).optional(),
        event: shortText(64).optional(),
        appid: appid.optional(),
        from: epochMs.optional(),
        to: epochMs.optional(),
        failedOnly: z.boolean().optional(),
        search: shortText(200).optional(),
        beforeId: rowId.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
    result: returns<KeysetPage<EventListRow>>(),
  },
  'events/get': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<EventDetail>() },
  /** Runs a stored event through the pipeline again (e.g. after fixing a key); returns the event as now stored. */
  'events/rerun': { args: ({ z, rowId }) => z.strictObject({ id: rowId }), result: returns<EventDetail>() },
});

export const eventsEvents = defineEvents({
  /** A new event was stored (pushed via the relay, or made locally). */
  'event:new': payload<EventSummary>(),
  /** A stored event changed (its handling note after an asynchronous effect, a re-run): replace it where shown. */
  'event:updated': payload<EventSummary>(),
});
