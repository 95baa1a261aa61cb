/**
 * Temporary media ("OA and MP APIs" §3): multipart field `media`, `type` in the query. The media id lives 3 days.
 * Limits as the reference gives them (doc copies differ between versions): image 2 MB png/jpeg/jpg/gif, voice 2 MB
 * amr/mp3 (≤ 60 s, not checked here), video 10 MB mp4, thumb 64 KB jpg.
 */
import { z } from 'zod';
import { MEDIA_UPLOAD_KINDS, type MediaType } from '../../shared/oa/media';
import { endpoint, type FileInput } from '../spec';
import type { WeChatBaseResponse } from './common';

export type { MediaType } from '../../shared/oa/media';

export interface UploadMediaRequest {
  type: MediaType;
  media: FileInput;
}
export interface UploadMediaResponse extends WeChatBaseResponse {
  type: MediaType;
  /** Absent for thumb, which answers thumb_media_id. */
  media_id?: string;
  thumb_media_id?: string;
  created_at: number;
}

export const uploadMedia = endpoint<UploadMediaRequest, UploadMediaResponse>({
  name: 'media/upload',
  family: 'media',
  method: 'POST',
  path: '/cgi-bin/media/upload',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'multipart',
  answer: 'json',
  // A repeat only leaves an unused media id behind, which expires in 3 days.
  idempotent: true,
  upload: {
    field: 'media',
    kindFrom: { param: 'type' },
    // One table with the console's file picker (src/shared/oa/media.ts).
    kinds: MEDIA_UPLOAD_KINDS,
    // 41005 media data missing, 44001 empty media data, 40004 invalid media type, 40005 invalid file type,
    // 40006 invalid media size (WeChat's global table; the reference names 40004, 40005 and 40006/45001).
    errcodes: { missing: 41005, empty: 44001, badKind: 40004, badFormat: 40005, tooLarge: 40006 },
  },
  response: z
    .looseObject({ type: z.string(), media_id: z.string().min(1).optional(), thumb_media_id: z.string().min(1).optional() })
    .refine((r) => r.media_id !== undefined || r.thumb_media_id !== undefined, 'the answer has neither media_id nor thumb_media_id'),
});
