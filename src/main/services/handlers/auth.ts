/** auth/*: authorization links. */
import type { authMethods } from '../../../shared/contract/auth';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';

export function authHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
    'auth/createLink': async (args) => host.requireRuntime().createAuthLink(args),
    'auth/listLinks': async ({ limit }) =>
      store.authLinks.list(host.requirePlatform().componentAppid, { limit: limit ?? 50 }),
  } satisfies HandlersOf<typeof authMethods>;
}
