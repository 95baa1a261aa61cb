/**
 * Customer-service messages of one official account: the users its pushes came from (recipients, with the reply
 * window), media uploads (media/upload) and message/custom/send. Every message and file is checked with the shared
 * rules before WeChat is called (src/shared/oa/custom-message.ts, src/shared/oa/media.ts); the client checks the
 * file again against the spec's upload kinds, which are the same table.
 */
import type { MessageRecipient, RecipientPage, SentMessage, UploadedMedia } from '../../shared/contract/messages';
import { customMessageIssues, serviceWindow, toWireMessage, type MessageIssue, type OutgoingMessage } from '../../shared/oa/custom-message';
import { mediaFileIssue, type MediaFileIssue, type MediaType } from '../../shared/oa/media';
import { uploadMedia } from '../../wechat/endpoints/media';
import { sendCustomMessage, type CustomMessage } from '../../wechat/endpoints/oa-custom-service';
import type { OaUser, Store } from '../store';
import type { CallAs } from './menus';

/** A message or file that breaks a rule: the rules in both languages (the handlers make it invalid_arguments). */
export class MessageRulesError extends Error {
  override readonly name = 'MessageRulesError';
  constructor(readonly issues: (MessageIssue | (MediaFileIssue & { path: string }))[]) {
    super(`Not sent: ${issues.map((i) => `${i.path}: ${i.en}`).join(' ')}`);
  }
  get messageZh(): string {
    return `未发送：${this.issues.map((i) => `${i.path}：${i.zh}`).join(' ')}`;
  }
}

export function toRecipient(u: OaUser, now: number): MessageRecipient {
  return { ...u, window: serviceWindow(u.lastMessageAt, u.lastEventAt, u.unsubscribedAt, now) };
}

export function listRecipients(store: Store, componentAppid: string, appid: string, opts: { limit?: number; offset?: number; search?: string }, now: number): RecipientPage {
  const page = store.oaUsers.list(componentAppid, appid, opts);
  return { rows: page.rows.map((u) => toRecipient(u, now)), total: page.total, now };
}

/** Checks the file (type and size for this media type), then media/upload. */
export async function uploadMediaFile(call: CallAs, appid: string, file: { type: MediaType; filename: string; data: Uint8Array }): Promise<UploadedMedia> {
  const issue = mediaFileIssue(file.type, file.filename, file.data.byteLength);
  if (issue) throw new MessageRulesError([{ ...issue, path: 'file' }]);
  const res = await call(uploadMedia, appid, { type: file.type, media: { data: file.data, filename: file.filename } });
  const mediaId = res.media_id ?? res.thumb_media_id!;
  return { type: file.type, mediaId, createdAt: res.created_at * 1000, filename: file.filename, size: file.data.byteLength };
}

/** Checks the message with WeChat's rules, then message/custom/send. */
export async function sendMessage(call: CallAs, appid: string, message: OutgoingMessage, now: () => number): Promise<SentMessage> {
  const issues = customMessageIssues(message);
  if (issues.length > 0) throw new MessageRulesError(issues);
  const wire = toWireMessage(message);
  await call(sendCustomMessage, appid, wire as unknown as CustomMessage);
  return { sentAt: now(), touser: wire.touser, msgtype: wire.msgtype, message: wire };
}
