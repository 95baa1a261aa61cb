/** authorizers/export: the selected rows, or every row matching the filter, as CSV, XLSX or JSON. */
import type { exportMethods } from '../../../shared/contract/export';
import type { HandlersOf } from '../../ipc/types';
import { buildExport } from '../export';
import type { RuntimeHost } from '../host';

export function exportHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'authorizers/export': async ({ format, columns, headerStyle, timeZone, appids, ...filter }) => {
      const appid = host.requirePlatform().componentAppid;
      const onProgress = (done: number, total: number) => host.emit('export:progress', { done, total });
      if (appids) {
        // The selected rows, in the order given; rows deleted meanwhile are skipped.
        const rows = (function* () {
          for (const id of appids) {
            const a = store.authorizers.get(appid, id);
            if (a) yield a;
          }
        })();
        return buildExport(rows, { format, columns, headerStyle, timeZone, componentAppid: appid, now: new Date(), total: appids.length, onProgress });
      }
      const total = store.authorizers.list({ ...filter, componentAppid: appid, offset: 0, limit: 1 }).total;
      const rows = store.authorizers.iterate(appid, filter);
      onProgress(0, total);
      return buildExport(rows, { format, columns, headerStyle, timeZone, componentAppid: appid, now: new Date(), total, onProgress });
    },
  } satisfies HandlersOf<typeof exportMethods>;
}
