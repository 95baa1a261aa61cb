/**
 * Family "oa/custom-service" (reference §6, "OA and MP APIs" §3): message/custom/send, recorded for the release check
 * and tests. Checked as WeChat does: the type's object (47001), text size (45002), media ids this account uploaded
 * and that have not expired (40007), then the reply window from the users' pushes (45015 outside it, 45047 over the
 * send count; ./window.ts).
 */
import { CUSTOM_MESSAGE_LIMITS } from '../../../../shared/oa/custom-message';
import { utf8Bytes } from '../../../../shared/oa/menu';
import { sendCustomMessage } from '../../../../wechat/endpoints/oa-custom-service';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, route, type Route } from '../../../kernel/routes';
import type { CustomMessageRecord } from '../../../types';
import type { SimFamily } from '../../family';
import type { MediaApis } from '../../media';
import { ServiceWindows } from './window';

const MAX_RECORDS = 10_000;

/** The media-id fields of each message type. */
const MEDIA_ID_FIELDS: Record<string, readonly string[]> = {
  image: ['media_id'],
  voice: ['media_id'],
  video: ['media_id', 'thumb_media_id'],
  music: ['thumb_media_id'],
  miniprogrampage: ['thumb_media_id'],
};

export class CustomServiceApis implements SimFamily {
  messages: CustomMessageRecord[] = [];
  readonly windows = new ServiceWindows();

  constructor(
    private readonly k: SimKernel,
    private readonly media: MediaApis,
  ) {
    // Every user message or event the simulator pushes is an interaction (the pushes report them here).
    k.userActed = (appid, openid, msgType, event, at) => this.windows.record(appid, openid, msgType, event, at);
  }

  reset(): void {
    this.messages = [];
    this.windows.reset();
  }

  routes(): Route[] {
    return [
      route(sendCustomMessage, ({ body, principal }) => {
        if (principal.kind !== 'authorizer') throw new ApiError(40001);
        const touser = need(body, 'touser');
        const msgtype = need(body, 'msgtype');
        const payload = body[msgtype];
        if (!payload || typeof payload !== 'object') throw new ApiError(47001, `data format error: ${msgtype} object missing`);
        const fields = payload as Record<string, unknown>;
        let content: string | null = null;
        if (msgtype === 'text') {
          const c = fields.content;
          if (typeof c !== 'string' || c === '') throw new ApiError(47001, 'data format error: text.content missing');
          if (utf8Bytes(c) > CUSTOM_MESSAGE_LIMITS.textBytes) throw new ApiError(45002, `content size out of limit: ${utf8Bytes(c)} bytes, at most ${CUSTOM_MESSAGE_LIMITS.textBytes}`);
          content = c;
        }
        for (const f of MEDIA_ID_FIELDS[msgtype] ?? []) {
          const id = fields[f];
          if (id === undefined && f === 'thumb_media_id' && msgtype === 'video') continue;
          if (typeof id !== 'string' || !this.media.find(principal.appid, id)) throw new ApiError(40007, `invalid media_id: ${msgtype}.${f}`);
        }
        const verdict = this.windows.take(principal.appid, touser, this.k.clock.now());
        if (verdict !== 0) throw new ApiError(verdict);
        this.messages.push({
          at: this.k.clock.now(),
          appid: principal.appid,
          touser,
          msgtype,
          content,
          body,
          tokenFromAuthCode: principal.tokenRec.authCode,
          tokenSource: principal.tokenRec.source,
        });
        if (this.messages.length > MAX_RECORDS) this.messages.shift();
        return { errcode: 0, errmsg: 'ok' };
      }),
    ];
  }
}
