/**
 * Body limits of the methods that carry a file as base64 (messages/upload, mp/upload, mp/setAvatar), in a module of
 * their own so the console server can check them without loading the contract's schemas.
 */
import { MEDIA_MAX_BYTES } from '../oa/media';

/** The longest base64 text of an allowed file. */
export const MEDIA_MAX_BASE64 = Math.ceil(MEDIA_MAX_BYTES / 3) * 4;
/** The HTTP body the console server accepts for messages/upload (the base64 and the other arguments). */
export const MESSAGES_UPLOAD_BODY_BYTES = MEDIA_MAX_BASE64 + 64 * 1024;

/** The largest file the mini-program settings methods take: a 2 MB image (the txt guide is at most 100 KB). */
export const MP_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
export const MP_UPLOAD_MAX_BASE64 = Math.ceil(MP_UPLOAD_MAX_BYTES / 3) * 4;
/** The HTTP body the console server accepts for mp/upload and mp/setAvatar. */
export const MP_UPLOAD_BODY_BYTES = MP_UPLOAD_MAX_BASE64 + 64 * 1024;
