/** apilog/list and errcode/explain. */
import type { ApiCallRow } from '../../../shared/contract';
import type { apilogMethods } from '../../../shared/contract/apilog';
import { explainErrcode } from '../../../shared/errcodes';
import type { HandlersOf } from '../../ipc/types';
import { ServiceError } from '../../errors';
import type { RuntimeHost } from '../host';

export function apilogHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'apilog/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.apiLog.list({ ...args, componentAppid: appid });
      const names = store.authorizers.nickNames(appid, page.rows.map((r) => r.appid ?? ''));
      const rows: ApiCallRow[] = page.rows.map((row) => ({
        ...row,
        explanation: row.errcode === null || row.errcode === 0 ? null : explainErrcode(row.errcode),
        nickName: (row.appid && names.get(row.appid)) ?? null,
      }));
      return { rows, nextBeforeId: page.nextBeforeId };
    },
    'apilog/get': async ({ id }) => {
      const appid = host.requirePlatform().componentAppid;
      const call = store.apiLog.get(appid, id);
      if (!call) throw new ServiceError('not_found', { en: `API call ${id} is not in this platform's log (it may have been pruned).`, zh: `此平台的 API 日志中没有调用 ${id}（可能已被清理）。` });
      return {
        ...call,
        explanation: call.errcode === null || call.errcode === 0 ? null : explainErrcode(call.errcode),
        nickName: call.appid ? (store.authorizers.nickNames(appid, [call.appid]).get(call.appid) ?? null) : null,
      };
    },
    'errcode/explain': async ({ errcode }) => explainErrcode(errcode),
  } satisfies HandlersOf<typeof apilogMethods>;
}
