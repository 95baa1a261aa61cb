/** workbench/*: the API workbench and the quota panel (src/main/services/workbench.ts). */
import type { workbenchMethods } from '../../../shared/contract/workbench';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';
import { clearAccountQuota, listEndpoints, quotaInfo, sendFromWorkbench } from '../workbench';

export function workbenchHandlers(host: RuntimeHost) {
  return {
    'workbench/endpoints': async ({ appid }) => listEndpoints(host, appid ?? null),
    'workbench/send': ({ name, appid, body }) => sendFromWorkbench(host, { name, appid, body }),
    'workbench/getQuota': ({ appid, cgiPath }) => quotaInfo(host, appid, cgiPath),
    'workbench/clearQuota': ({ appid }) => clearAccountQuota(host, appid),
  } satisfies HandlersOf<typeof workbenchMethods>;
}
