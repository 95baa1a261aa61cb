/** events/*: the inbox. */
import { toSummary, type EventDetail } from '../../../shared/contract';
import type { eventsMethods } from '../../../shared/contract/events';
import type { EventRecord } from '../../../shared/domain';
import { explainErrcode } from '../../../shared/errcodes';
import type { HandlersOf } from '../../ipc/types';
import { ServiceError } from '../../errors';
import type { RuntimeHost } from '../host';

/** The errcode a failure names ("errcode 40029"; crypto failures stored before that wording say "(-40007)"). */
export function explainFailReason(reason: string | null): EventDetail['explanation'] {
  const match = reason?.match(/errcode[\s=:]*(-?\d+)/i) ?? reason?.match(/\((-400\d\d)\)/);
  return match ? explainErrcode(Number(match[1])) : null;
}

function toDetail(event: EventRecord): EventDetail {
  return { ...event, explanation: explainFailReason(event.failReason) };
}

export function eventsHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'events/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.events.list({ ...args, componentAppid: appid });
      const names = store.authorizers.nickNames(appid, page.rows.map((r) => r.appid ?? ''));
      return {
        rows: page.rows.map((r) => ({ ...toSummary(r), nickName: (r.appid && names.get(r.appid)) ?? null })),
        nextBeforeId: page.nextBeforeId,
      };
    },
    'events/get': async ({ id }) => {
      const appid = host.requirePlatform().componentAppid;
      const event = store.events.get(id);
      if (!event || event.componentAppid !== appid) {
        throw new ServiceError('not_found', { en: `Event ${id} does not exist for this platform.`, zh: `本平台没有推送 #${id}。` });
      }
      const nickName = event.appid ? (store.authorizers.nickNames(appid, [event.appid]).get(event.appid) ?? null) : null;
      return { ...toDetail(event), nickName };
    },
    'events/rerun': async ({ id }) => {
      const runtime = host.requireRuntime();
      const event = store.events.get(id);
      if (!event || event.componentAppid !== runtime.componentAppid) {
        throw new ServiceError('not_found', { en: `Event ${id} does not exist for this platform.`, zh: `本平台没有推送 #${id}。` });
      }
      return toDetail(await runtime.rerunEvent(id));
    },
  } satisfies HandlersOf<typeof eventsMethods>;
}
