/**
 * The checks every per-account call makes, with one wording: the authorizer is stored for the platform, and is of
 * the kind the call is for (menus and templates belong to official accounts, code and settings to mini programs).
 */
import type { Authorizer, AuthorizerKind } from '../../shared/domain';
import { ServiceError } from '../errors';
import type { PlatformRuntime } from '../runtime';
import type { RuntimeHost } from './host';

/** The authorizer as stored for the platform; not_found, saying to sync, when it is not. */
export function storedAuthorizer(host: RuntimeHost, componentAppid: string, appid: string): Authorizer {
  const account = host.store.authorizers.get(componentAppid, appid);
  if (!account) {
    throw new ServiceError('not_found', { en: `No authorizer ${appid} is stored for this platform; check the appid or run a sync first.`, zh: `本平台没有授权账号 ${appid}：请检查 appid，或先同步。` });
  }
  return account;
}

const KINDS: Record<AuthorizerKind, { en: string; enPlural: string; zh: string }> = {
  OA: { en: 'an official account', enPlural: 'official accounts', zh: '公众号' },
  MP: { en: 'a mini program', enPlural: 'mini programs', zh: '小程序' },
};

/**
 * The running platform and the account, when `appid` is stored for it as an account of `kind`; invalid_arguments
 * saying that `feature` belongs to the other kind otherwise.
 */
export function accountOfKind(host: RuntimeHost, appid: string, kind: AuthorizerKind, feature: { en: string; zh: string }): { runtime: PlatformRuntime; account: Authorizer } {
  const runtime = host.requireRuntime();
  const account = storedAuthorizer(host, runtime.componentAppid, appid);
  if (account.kind !== kind) {
    const is = KINDS[account.kind];
    throw new ServiceError('invalid_arguments', {
      en: `${appid} is ${is.en}; ${feature.en} belong to ${KINDS[kind].enPlural}.`,
      zh: `${appid} 是${is.zh}；${feature.zh}只属于${KINDS[kind].zh}。`,
    });
  }
  return { runtime, account };
}
