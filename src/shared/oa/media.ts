/**
 * Temporary media kinds ("OA and MP APIs" §3, media/upload): the one table of extensions and size limits. The endpoint
 * spec (src/wechat/endpoints/media.ts) takes its upload kinds from here, so the client's check before sending, the
 * simulator's answer and the console's file picker (renderer, which may import only src/shared) all read the same
 * numbers. Doc copies differ between versions; these are the reference's: image 2 MB png/jpeg/jpg/gif, voice 2 MB
 * amr/mp3 (≤ 60 s, not checked), video 10 MB mp4, thumb 64 KB jpg.
 */

export type MediaType = 'image' | 'voice' | 'video' | 'thumb';
export const MEDIA_TYPES: readonly MediaType[] = ['image', 'voice', 'video', 'thumb'];

const MB = 1024 * 1024;

export const MEDIA_UPLOAD_KINDS: Readonly<Record<MediaType, { extensions: readonly string[]; maxBytes: number }>> = {
  image: { extensions: ['png', 'jpeg', 'jpg', 'gif'], maxBytes: 2 * MB },
  voice: { extensions: ['amr', 'mp3'], maxBytes: 2 * MB },
  video: { extensions: ['mp4'], maxBytes: 10 * MB },
  thumb: { extensions: ['jpg'], maxBytes: 64 * 1024 },
};

/** The largest file any kind takes (the contract bounds the upload's base64 by it). */
export const MEDIA_MAX_BYTES = Math.max(...Object.values(MEDIA_UPLOAD_KINDS).map((k) => k.maxBytes));

/** One broken upload rule, named, in both languages. */
export interface MediaFileIssue {
  rule: 'media_type' | 'file_empty' | 'file_type' | 'file_size';
  en: string;
  zh: string;
}

/** 2 MB, 64 KB, 2.4 MB (1 MB = 1024 KB, as WeChat counts). */
export function sizeText(n: number): string {
  const unit = (size: number, name: string) => `${Number.isInteger(size) ? size : size.toFixed(1)} ${name}`;
  if (n >= MB) return unit(n / MB, 'MB');
  if (n >= 1024) return unit(n / 1024, 'KB');
  return `${n} B`;
}

function extensionOf(filename: string): string {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The rule a file breaks for media/upload?type=<type>, or null: checked before anything is sent. */
export function mediaFileIssue(type: string, filename: string, size: number): MediaFileIssue | null {
  const rule = MEDIA_UPLOAD_KINDS[type as MediaType];
  if (!rule) {
    return { rule: 'media_type', en: `The media type must be one of ${MEDIA_TYPES.join(', ')} (got "${type}").`, zh: `素材类型须为 ${MEDIA_TYPES.join('、')} 之一（收到“${type}”）。` };
  }
  if (size === 0) return { rule: 'file_empty', en: `"${filename}" is empty.`, zh: `“${filename}”是空文件。` };
  const ext = extensionOf(filename);
  if (!rule.extensions.includes(ext)) {
    return {
      rule: 'file_type',
      en: `WeChat takes ${rule.extensions.join('/')} files for ${type}; "${filename}" is ${ext ? `.${ext}` : 'without an extension'}.`,
      zh: `微信的 ${type} 素材只接受 ${rule.extensions.join('/')} 文件；“${filename}”${ext ? `是 .${ext}` : '没有扩展名'}。`,
    };
  }
  if (size > rule.maxBytes) {
    return {
      rule: 'file_size',
      en: `WeChat takes at most ${sizeText(rule.maxBytes)} for ${type}; "${filename}" is ${sizeText(size)}.`,
      zh: `微信的 ${type} 素材最大 ${sizeText(rule.maxBytes)}；“${filename}”有 ${sizeText(size)}。`,
    };
  }
  return null;
}
