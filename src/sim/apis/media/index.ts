/**
 * Family "media": temporary media upload (media/upload, multipart field `media`, `type` in the query). The limits and
 * errcodes are the spec's (src/wechat/endpoints/media.ts). Files are kept (bounded) for 3 days of simulator time, as
 * WeChat keeps them, so custom/send can refuse an unknown or expired media id with 40007 and tests can read them back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { uploadMedia } from '../../../wechat/endpoints/media';
import type { SimKernel } from '../../kernel/kernel';
import { route, type Route } from '../../kernel/routes';
import { acceptUpload } from '../../kernel/uploads';
import type { SimFamily } from '../family';

/** WeChat keeps a temporary media file 3 days. */
export const MEDIA_LIFETIME_MS = 3 * 24 * 3600_000;
/** Kept in memory at most (oldest dropped first): a simulator is not a file store. */
const MAX_FILES = 500;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

export interface StoredMedia {
  mediaId: string;
  appid: string;
  type: string;
  filename: string;
  size: number;
  sha256: string;
  createdAt: number;
  bytes: Uint8Array;
}

export class MediaApis implements SimFamily {
  private files = new Map<string, StoredMedia>();
  private totalBytes = 0;

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.files.clear();
    this.totalBytes = 0;
  }

  /** The account's live media with this id (uploaded by that account, not expired), or undefined. */
  find(appid: string, mediaId: string): StoredMedia | undefined {
    const m = this.files.get(mediaId);
    return m && m.appid === appid && this.k.clock.now() - m.createdAt < MEDIA_LIFETIME_MS ? m : undefined;
  }

  /** What was uploaded, oldest first, without the bytes. */
  list(appid?: string): Omit<StoredMedia, 'bytes'>[] {
    return [...this.files.values()].filter((m) => !appid || m.appid === appid).map(({ bytes: _bytes, ...rest }) => rest);
  }

  routes(): Route[] {
    return [
      route(uploadMedia, async (ctx) => {
        const { file, kind } = acceptUpload(uploadMedia.upload!, ctx);
        const bytes = new Uint8Array(await file.arrayBuffer());
        const mediaId = randomBytes(48).toString('base64url');
        const createdAt = this.k.clock.now();
        this.keep({ mediaId, appid: ctx.principal.appid, type: kind, filename: file.name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), createdAt, bytes });
        // WeChat's answer has no errcode; a thumb's id comes as thumb_media_id.
        return { type: kind, [kind === 'thumb' ? 'thumb_media_id' : 'media_id']: mediaId, created_at: Math.floor(createdAt / 1000) };
      }),
    ];
  }

  private keep(m: StoredMedia): void {
    this.files.set(m.mediaId, m);
    this.totalBytes += m.size;
    for (const [id, old] of this.files) {
      if (this.files.size <= MAX_FILES && this.totalBytes <= MAX_TOTAL_BYTES) break;
      if (id === m.mediaId) break;
      this.files.delete(id);
      this.totalBytes -= old.size;
    }
  }
}
