/** What the official-account handlers (menus, templates, customer-service messages) share. */
import type { CallAs } from '../../oa/menus';
import { accountOfKind } from '../accounts';
import type { RuntimeHost } from '../host';

/**
 * The runtime's caller for an official account stored for this platform: not_found when it is not stored,
 * invalid_arguments naming `feature` when it is a mini program.
 */
export function officialAccountCaller(host: RuntimeHost, appid: string, feature: { en: string; zh: string }): { call: CallAs; componentAppid: string } {
  const { runtime } = accountOfKind(host, appid, 'OA', feature);
  return { call: (spec, id, req) => runtime.invokeAs(spec, id, req), componentAppid: runtime.componentAppid };
}
