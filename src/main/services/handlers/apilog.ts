/** apilog/list and errcode/explain. */
import type { ApiCallRow } from '../../../shared/contract';
import type { apilogMethods } from '../../../shared/contract/apilog';
import { explainErrcode } from '../../../shared/errcodes';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';

export function apilogHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'apilog/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.apiLog.list({ ...args, componentAppid: appid });
      const rows: ApiCallRow[] = page.rows.map((row) => ({
        ...row,
        explanation: row.errcode === null || row.errcode === 0 ? null : explainErrcode(row.errcode),
      }));
      return { rows, nextBeforeId: page.nextBeforeId };
    },
    'errcode/explain': async ({ errcode }) => explainErrcode(errcode),
  } satisfies HandlersOf<typeof apilogMethods>;
}
