/** Family "oa/custom-service" (reference §6): message/custom/send, recorded for the release check and tests. */
import { sendCustomMessage } from '../../../../wechat/endpoints/oa-custom-service';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, route, type Route } from '../../../kernel/routes';
import type { CustomMessageRecord } from '../../../types';
import type { SimFamily } from '../../family';

const MAX_RECORDS = 10_000;

export class CustomServiceApis implements SimFamily {
  messages: CustomMessageRecord[] = [];

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.messages = [];
  }

  routes(): Route[] {
    return [
      route(sendCustomMessage, ({ body, principal }) => {
        if (principal.kind !== 'authorizer') throw new ApiError(40001);
        const touser = need(body, 'touser');
        const msgtype = need(body, 'msgtype');
        const payload = body[msgtype];
        if (!payload || typeof payload !== 'object') throw new ApiError(47001, `data format error: ${msgtype} object missing`);
        let content: string | null = null;
        if (msgtype === 'text') {
          const c = (payload as Record<string, unknown>).content;
          if (typeof c !== 'string' || c === '') throw new ApiError(47001, 'data format error: text.content missing');
          content = c;
        }
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
