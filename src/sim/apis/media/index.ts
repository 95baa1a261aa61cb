/**
 * Family "media": temporary media upload (media/upload, multipart field `media`, `type` in the query). The limits and
 * errcodes are the spec's (src/wechat/endpoints/media.ts). WeChat keeps the file 3 days; the simulator keeps nothing.
 */
import { randomBytes } from 'node:crypto';
import { uploadMedia } from '../../../wechat/endpoints/media';
import type { SimKernel } from '../../kernel/kernel';
import { route, type Route } from '../../kernel/routes';
import { acceptUpload } from '../../kernel/uploads';
import type { SimFamily } from '../family';

export class MediaApis implements SimFamily {
  constructor(private readonly k: SimKernel) {}

  routes(): Route[] {
    return [
      route(uploadMedia, (ctx) => {
        const { kind } = acceptUpload(uploadMedia.upload!, ctx);
        const id = randomBytes(48).toString('base64url');
        // WeChat's answer has no errcode; a thumb's id comes as thumb_media_id.
        return { type: kind, [kind === 'thumb' ? 'thumb_media_id' : 'media_id']: id, created_at: this.k.clock.nowS() };
      }),
    ];
  }
}
