/** oa/*: one official account's menus (the WeChat calls go through the runtime with the account's token). */
import type { oaMethods } from '../../../shared/contract/oa';
import type { MenuButton } from '../../../shared/oa/menu';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import { MenuRulesError, addConditional, linkedMiniPrograms, publishMenu, readMenus, removeConditional, removeMenu, tryMatch } from '../../oa/menus';
import type { RuntimeHost } from '../host';
import { officialAccountCaller } from './official-account';

export function oaHandlers(host: RuntimeHost) {
  const officialAccount = (appid: string) => officialAccountCaller(host, appid, { en: 'menus', zh: '菜单' });

  async function rules<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof MenuRulesError) throw new ServiceError('invalid_arguments', { en: err.message, zh: err.messageZh }, { issues: err.issues });
      throw err;
    }
  }

  return {
    'oa/getMenu': ({ appid }) => readMenus(officialAccount(appid).call, appid),
    'oa/publishMenu': ({ appid, menu }) =>
      rules(() => {
        const { call, componentAppid } = officialAccount(appid);
        return publishMenu(call, host.store, componentAppid, appid, menu as { button: MenuButton[] });
      }),
    'oa/deleteMenu': async ({ appid }) => {
      await removeMenu(officialAccount(appid).call, appid);
      return { deleted: true as const };
    },
    'oa/menuHistory': async ({ appid, limit }) => host.store.menuHistory.list(officialAccount(appid).componentAppid, appid, limit ?? 50),
    'oa/addConditionalMenu': ({ appid, menu, matchrule }) =>
      rules(async () => ({ menuid: await addConditional(officialAccount(appid).call, appid, menu as { button: MenuButton[] }, matchrule) })),
    'oa/deleteConditionalMenu': async ({ appid, menuid }) => {
      await removeConditional(officialAccount(appid).call, appid, menuid);
      return { deleted: true as const };
    },
    'oa/tryMatchMenu': ({ appid, userId }) => tryMatch(officialAccount(appid).call, appid, userId),
    'oa/linkedMiniPrograms': ({ appid }) => linkedMiniPrograms(officialAccount(appid).call, appid),
  } satisfies HandlersOf<typeof oaMethods>;
}
