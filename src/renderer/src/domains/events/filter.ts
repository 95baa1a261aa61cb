/** Whether a live event belongs in the list under the current filter (the server applies the same filter to history). */
import type { ApiArgs, EventSummary } from '../../../../shared/contract';

export type EventListFilter = Omit<ApiArgs<'events/list'>, 'beforeId' | 'limit'>;

export function eventMatchesFilter(e: EventSummary, f: EventListFilter): boolean {
  if (f.kind && e.kind !== f.kind) return false;
  if (f.infoType && e.infoType !== f.infoType) return false;
  if (f.msgType && e.msgType !== f.msgType) return false;
  if (f.event && e.event !== f.event) return false;
  if (f.appid && e.appid !== f.appid) return false;
  if (f.from !== undefined && e.receivedAt < f.from) return false;
  if (f.to !== undefined && e.receivedAt >= f.to) return false;
  if (f.failedOnly && e.status !== 'failed') return false;
  if (f.search) {
    // The summary lacks the bodies the server searches, so match what we have; a reload gives the exact answer.
    const needle = f.search.toLowerCase();
    const hay = [e.appid, e.infoType, e.msgType, e.event, e.fromUser, e.toUser, e.msgId, e.dedupeKey, e.failReason]
      .filter((x): x is string => typeof x === 'string')
      .join('\n')
      .toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}
