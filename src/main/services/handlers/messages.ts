/** messages/*: customer-service messages of one official account (recipients, media upload, send). */
import type { messagesMethods } from '../../../shared/contract/messages';
import type { OutgoingMessage } from '../../../shared/oa/custom-message';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import { MessageRulesError, listRecipients, sendMessage, uploadMediaFile } from '../../oa/custom-messages';
import type { RuntimeHost } from '../host';
import { officialAccountCaller } from './official-account';

export function messagesHandlers(host: RuntimeHost) {
  const officialAccount = (appid: string) => officialAccountCaller(host, appid, { en: 'these customer-service messages', zh: '这里的客服消息' });

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
