/** messages/*: customer-service messages of one official account (recipients, media upload, send). */
import type { messagesMethods } from '../../../shared/contract/messages';
import type { OutgoingMessage } from '../../../shared/oa/custom-message';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import { MessageRulesError, listRecipients, sendMessage, uploadMediaFile } from '../../oa/custom-messages';
import type { CallAs } from '../../oa/menus';
import type { RuntimeHost } from '../host';

export function messagesHandlers(host: RuntimeHost) {
  /** The runtime's caller for an official account stored for this platform (not_found / invalid otherwise). */
  function officialAccount(appid: string): { call: CallAs; componentAppid: string } {
    const runtime = host.requireRuntime();
    const account = host.store.authorizers.get(runtime.componentAppid, appid);
    if (!account) throw new ServiceError('not_found', { en: `No authorizer ${appid} is stored for this platform; run a sync first.`, zh: `本平台没有授权账号 ${appid}，请先同步。` });
    if (account.kind !== 'OA') {
      throw new ServiceError('invalid_arguments', { en: `${appid} is a mini program; these customer-service messages belong to official accounts.`, zh: `${appid} 是小程序；这里的客服消息只属于公众号。` });
    }
    return { call: (spec, id, req) => runtime.invokeAs(spec, id, req), componentAppid: runtime.componentAppid };
  }

  async function rules<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof MessageRulesError) {
        throw new ServiceError('invalid_arguments', { en: err.message, zh: err.messageZh }, { issues: err.issues.map((i) => ({ path: i.path, rule: i.rule, message: i.en, messageZh: i.zh })) });
      }
      throw err;
    }
  }

  return {
    'messages/recipients': async ({ appid, search, limit, offset }) =>
      listRecipients(host.store, officialAccount(appid).componentAppid, appid, { search, limit: limit ?? 100, offset }, Date.now()),
    'messages/upload': ({ appid, type, filename, dataBase64 }) =>
      rules(() => uploadMediaFile(officialAccount(appid).call, appid, { type, filename, data: Buffer.from(dataBase64, 'base64') })),
    'messages/send': ({ appid, message }) => rules(() => sendMessage(officialAccount(appid).call, appid, message as unknown as OutgoingMessage, Date.now)),
  } satisfies HandlersOf<typeof messagesMethods>;
}
