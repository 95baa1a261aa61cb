/** Customer-service messages (reference §6, "OA and MP APIs" §3; authorizer token). */
import { endpoint, missingString } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface CustomMessageBase {
  touser: string;
  customservice?: { kf_account: string };
}
export type CustomMessage = CustomMessageBase &
  (
    | { msgtype: 'text'; text: { content: string } }
    | { msgtype: 'image'; image: { media_id: string } }
    | { msgtype: 'voice'; voice: { media_id: string } }
    | { msgtype: 'video'; video: { media_id: string; thumb_media_id?: string; title?: string; description?: string } }
    | {
        msgtype: 'music';
        music: { title?: string; description?: string; musicurl: string; hqmusicurl: string; thumb_media_id: string };
      }
    | { msgtype: 'news'; news: { articles: { title: string; description?: string; url?: string; picurl?: string }[] } }
    | { msgtype: 'mpnews'; mpnews: { media_id: string } }
    | { msgtype: 'mpnewsarticle'; mpnewsarticle: { article_id: string } }
    | { msgtype: 'msgmenu'; msgmenu: Record<string, unknown> }
    | { msgtype: 'wxcard'; wxcard: { card_id: string } }
    | {
        msgtype: 'miniprogrampage';
        miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string };
      }
  );

/** The release check's "_from_api" step sends one of these (reference §5.4). */
export const sendCustomMessage = endpoint<CustomMessage, WeChatBaseResponse>({
  name: 'message/custom/send',
  family: 'oa/custom-service',
  method: 'POST',
  path: '/cgi-bin/message/custom/send',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  // Not idempotent: a repeat would send the user the message twice.
  idempotent: false,
  check: (m) => {
    const missing = missingString(m, ['touser', 'msgtype']);
    if (missing) return missing;
    const payload = (m as unknown as Record<string, unknown>)[m.msgtype];
    if (payload === null || typeof payload !== 'object') {
      return `msgtype "${m.msgtype}" needs a "${m.msgtype}" object, e.g. {"text":{"content":"…"}}`;
    }
    return null;
  },
});
