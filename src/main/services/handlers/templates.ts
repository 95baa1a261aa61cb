/** templates/*: one official account's template messages (WeChat calls go through the runtime with its token). */
import type { templatesMethods } from '../../../shared/contract/templates';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import type { CallAs } from '../../oa/menus';
import { TemplateRulesError, addByShortId, changeIndustry, listTemplates, readIndustry, removeTemplate, sendTest } from '../../oa/templates';
import type { RuntimeHost } from '../host';

export function templatesHandlers(host: RuntimeHost) {
  /** The runtime's caller for an official account stored for this platform (not_found / invalid otherwise). */
  function officialAccount(appid: string): { call: CallAs; componentAppid: string } {
    const runtime = host.requireRuntime();
    const account = host.store.authorizers.get(runtime.componentAppid, appid);
    if (!account) throw new ServiceError('not_found', { en: `No authorizer ${appid} is stored for this platform; run a sync first.`, zh: `本平台没有授权账号 ${appid}，请先同步。` });
    if (account.kind !== 'OA') throw new ServiceError('invalid_arguments', { en: `${appid} is a mini program; template messages belong to official accounts.`, zh: `${appid} 是小程序；模板消息只属于公众号。` });
    return { call: (spec, id, req) => runtime.invokeAs(spec, id, req), componentAppid: runtime.componentAppid };
  }

  async function rules<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TemplateRulesError) throw new ServiceError('invalid_arguments', { en: err.message, zh: err.messageZh }, { issues: err.issues });
      throw err;
    }
  }

  return {
    'templates/industry': ({ appid }) => readIndustry(officialAccount(appid).call, appid),
    'templates/setIndustry': ({ appid, industryId1, industryId2 }) => rules(() => changeIndustry(officialAccount(appid).call, appid, industryId1, industryId2)),
    'templates/list': ({ appid }) => {
      const { call, componentAppid } = officialAccount(appid);
      return listTemplates(call, host.store, componentAppid, appid);
    },
    'templates/add': ({ appid, shortId }) =>
      rules(() => {
        const { call, componentAppid } = officialAccount(appid);
        return addByShortId(call, host.store, componentAppid, appid, shortId, 'console');
      }),
    'templates/remove': async ({ appid, templateId }) => {
      const { call, componentAppid } = officialAccount(appid);
      await removeTemplate(call, host.store, componentAppid, appid, templateId);
      return { deleted: true as const };
    },
    'templates/sendTest': ({ appid, ...input }) =>
      rules(() => {
        const { call, componentAppid } = officialAccount(appid);
        return sendTest(call, host.store, componentAppid, appid, { ...input, url: input.url ?? '', miniprogram: input.miniprogram ?? null });
      }),
    'templates/sends': async ({ appid, limit }) => host.store.templates.sends(officialAccount(appid).componentAppid, appid, limit ?? 50),
  } satisfies HandlersOf<typeof templatesMethods>;
}
