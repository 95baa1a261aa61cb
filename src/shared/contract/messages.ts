/**
 * Customer-service messages of official accounts: the users seen in pushes (recipients, with the reply window),
 * media uploads and message/custom/send.
 *
 * The file travels as base64 inside the JSON arguments, like everything else on this contract (Electron IPC, or HTTP
 * in console mode, where the console server allows this one method a body of MESSAGES_UPLOAD_BODY_BYTES instead of
 * 1 MiB); the schema bounds it to the largest media file WeChat takes (10 MB video), and the service checks the type
 * and size of the file's kind before uploading.
 */
import type { ConsoleMessageType, OutgoingMessage, ServiceWindow } from '../oa/custom-message';
import { MEDIA_MAX_BYTES, MEDIA_TYPES, type MediaType } from '../oa/media';
import { defineMethods, returns } from './define';
import { MEDIA_MAX_BASE64 } from './limits';

export { MEDIA_MAX_BASE64, MESSAGES_UPLOAD_BODY_BYTES } from './limits';

export interface MessageRecipient {
  openid: string;
  /** The latest push from this user, of any kind (epoch ms), and its type: "text", "event/VIEW", … */
  lastSeenAt: number;
  lastSeenType: string;
  /** The latest message from the user (opens 48 h / 5 sends). */
  lastMessageAt: number | null;
  /** The latest subscribe, SCAN, CLICK, scancode_push or scancode_waitmsg (opens 1 min / 3 sends), and which. */
  lastEventAt: number | null;
  lastEvent: string | null;
  unsubscribedAt: number | null;
  /** Judged at the page's `now`. */
  window: ServiceWindow;
}

export interface RecipientPage {
  rows: MessageRecipient[];
  total: number;
  /** The time the windows were judged at. */
  now: number;
}

export interface UploadedMedia {
  type: MediaType;
  /** media_id (thumb_media_id for a thumb); lives 3 days at WeChat. */
  mediaId: string;
  createdAt: number;
  filename: string;
  size: number;
}

export interface SentMessage {
  sentAt: number;
  touser: string;
  msgtype: ConsoleMessageType;
  /** What was sent (blank optional fields left out). */
  message: OutgoingMessage;
}

export const messagesMethods = defineMethods({
  /** The users this account's pushes came from, latest first, with their reply window. */
  'messages/recipients': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({ appid, search: shortText(64).optional(), limit: z.number().int().min(1).max(500).optional(), offset: z.number().int().min(0).optional() }),
    result: returns<RecipientPage>(),
  },
  /** media/upload: the file's type and size are checked for `type` first (invalid_arguments names the rule). */
  'messages/upload': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid,
        type: z.enum(MEDIA_TYPES as [MediaType, ...MediaType[]]),
        filename: z.string().min(1, 'give the file name (its extension is its type)').max(200),
        dataBase64: z
          .string()
          .max(MEDIA_MAX_BASE64, `the file is over ${MEDIA_MAX_BYTES / 1024 / 1024} MB, the most WeChat takes for any media / 文件超过 ${MEDIA_MAX_BYTES / 1024 / 1024} MB，超出微信任何素材的上限`)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be the file in base64 / 须为文件的 base64 编码'),
      }),
    result: returns<UploadedMedia>(),
  },
  /** message/custom/send: WeChat's rules checked first (invalid_arguments names each broken one). */
  'messages/send': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid,
        message: z.looseObject({ touser: z.string().max(128), msgtype: z.string().max(32) }),
      }),
    result: returns<SentMessage>(),
  },
});
