/** templates/*: one official account's template messages (WeChat calls go through the runtime with its token). */
import type { templatesMethods } from '../../../shared/contract/templates';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import { TemplateRulesError, addByShortId, changeIndustry, listTemplates, readIndustry, removeTemplate, sendTest } from '../../oa/templates';
import type { RuntimeHost } from '../host';
import { officialAccountCaller } from './official-account';

export function templatesHandlers(host: RuntimeHost) {
  const officialAccount = (appid: string) => officialAccountCaller(host, appid, { en: 'template messages', zh: '模板消息' });

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
