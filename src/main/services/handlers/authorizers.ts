/** authorizers/* (but export): the stored accounts, sync with WeChat, options, refresh-token health. */
import type { authorizersMethods } from '../../../shared/contract/authorizers';
import type { Authorizer } from '../../../shared/domain';
import type { HandlersOf } from '../../ipc/types';
import { ServiceError } from '../../errors';
import { storedAuthorizer } from '../accounts';
import type { RuntimeHost } from '../host';

export function authorizersHandlers(host: RuntimeHost) {
  const store = host.store;
  let syncRunning = false;

  const requireAuthorizer = (componentAppid: string, appid: string): Authorizer => storedAuthorizer(host, componentAppid, appid);

  return {
    'authorizers/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.authorizers.list({ ...args, componentAppid: appid });
      // The table is open: prepare its search after this answer leaves, so the first search does not pay for it.
      setImmediate(() => {
        try {
          store.authorizers.warmSearch(appid);
        } catch {
          // The search builds it again when it runs, and reports a failure then.
        }
      });
      return { ...page, counts: store.authorizers.countsByStatus(appid) };
    },
    'authorizers/names': async ({ appids }) => ({
      names: Object.fromEntries(store.authorizers.nickNames(host.requirePlatform().componentAppid, appids)),
    }),
    'authorizers/get': async ({ appid }) => requireAuthorizer(host.requirePlatform().componentAppid, appid),
    'authorizers/sync': async () => {
      const runtime = host.requireRuntime();
      if (syncRunning) throw new ServiceError('conflict', { en: 'A sync is already running; wait for it to finish.', zh: '同步正在进行中，请等它完成。' });
      syncRunning = true;
      try {
        const result = await runtime.syncAuthorizers((progress) => host.emit('sync:progress', progress));
        return result;
      } finally {
        syncRunning = false;
      }
    },
    'authorizers/getOption': async ({ appid, optionName }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      const optionValue = await runtime.getAuthorizerOption(appid, optionName);
      return { appid, optionName, optionValue };
    },
    'authorizers/setOption': async ({ appid, optionName, optionValue }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      await runtime.setAuthorizerOption(appid, optionName, optionValue);
      return { appid, optionName, optionValue };
    },
    'authorizers/checkRefreshToken': async ({ appid }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      const health = await runtime.checkRefreshToken(appid);
      return health;
    },
  } satisfies HandlersOf<typeof authorizersMethods>;
}
