/** The TokenManager's storage on the SQLite store, for one platform (component appid). */
import type { Store } from '../store';
import type { StoredToken, TokenStorage } from './token-manager';

export function storeTokenStorage(store: Store, componentAppid: string, now: () => number = Date.now): TokenStorage {
  return {
    getTicket: () => store.tickets.latest(componentAppid)?.ticket ?? null,
    getComponentToken: () => store.tokens.getComponent(componentAppid),
    saveComponentToken: (t: StoredToken) => store.tokens.setComponent(componentAppid, { ...t, obtainedAt: now() }),
    invalidateComponentToken: (token: string) => void store.tokens.invalidateComponent(componentAppid, token),
    getAuthorizerToken: (appid: string) => store.tokens.getAuthorizer(componentAppid, appid),
    saveAuthorizerToken: (appid: string, t: StoredToken) => store.tokens.setAuthorizer(componentAppid, appid, { ...t, obtainedAt: now() }),
    invalidateAuthorizerToken: (appid: string, token: string) => void store.tokens.invalidateAuthorizer(componentAppid, appid, token),
    getRefreshToken: (appid: string) => store.authorizers.getRefreshToken(componentAppid, appid),
    saveRefreshToken: (appid: string, refreshToken: string) => store.authorizers.setRefreshToken(componentAppid, appid, refreshToken),
  };
}
