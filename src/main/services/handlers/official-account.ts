/** What the official-account handlers (menus, templates, customer-service messages) share. */
import { ServiceError } from '../../errors';
import type { CallAs } from '../../oa/menus';
import type { RuntimeHost } from '../host';

/**
 * The runtime's caller for an official account stored for this platform: not_found when it is not stored,
 * invalid_arguments naming `feature` when it is a mini program.
 */
export function officialAccountCaller(host: RuntimeHost, appid: string, feature: { en: string; zh: string }): { call: CallAs; componentAppid: string } {
  const runtime = host.requireRuntime();
  const account = host.store.authorizers.get(runtime.componentAppid, appid);
  if (!account) throw new ServiceError('not_found', { en: `No authorizer ${appid} is stored for this platform; run a sync first.`, zh: `本平台没有授权账号 ${appid}，请先同步。` });
  if (account.kind !== 'OA') {
    throw new ServiceError('invalid_arguments', { en: `${appid} is a mini program; ${feature.en} belong to official accounts.`, zh: `${appid} 是小程序；${feature.zh}只属于公众号。` });
  }
  return { call: (spec, id, req) => runtime.invokeAs(spec, id, req), componentAppid: runtime.componentAppid };
}
