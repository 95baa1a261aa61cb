/**
 * The upload rules of a spec applied to one file: the client checks before sending, the simulator answers with the
 * API's errcode for the same problem. One function, so the two cannot disagree.
 */
import type { UploadErrcodes, UploadSpec } from './spec';

export type UploadProblem = keyof UploadErrcodes;

export type UploadVerdict = { ok: true; kind: string } | { ok: false; problem: UploadProblem; message: string };

/** The file as far as the rules care: its name and size (null: no file in the form). */
export interface UploadedFile {
  filename: string;
  size: number;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  txt: 'text/plain',
};

/** Lower-case extension without the dot ('' when there is none). */
export function extensionOf(filename: string): string {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function contentTypeFor(filename: string): string {
  return CONTENT_TYPES[extensionOf(filename)] ?? 'application/octet-stream';
}

/** 2 MB, 64 KB, 2.4 MB: WeChat's units (1 MB = 1024 KB). */
export function formatBytes(n: number): string {
  const unit = (size: number, name: string) => `${Number.isInteger(size) ? size : size.toFixed(1)} ${name}`;
  if (n >= 1024 * 1024) return unit(n / (1024 * 1024), 'MB');
  if (n >= 1024) return unit(n / 1024, 'KB');
  return `${n} bytes`;
}

/** Check one file (and, for media/upload, the requested kind) against the spec's rules. */
export function checkUpload(upload: UploadSpec, file: UploadedFile | null, requestedKind?: string | null): UploadVerdict {
  const fail = (problem: UploadProblem, message: string): UploadVerdict => ({ ok: false, problem, message });
  const kinds = Object.keys(upload.kinds);
  let kind: string | undefined;
  if (upload.kindFrom !== 'extension') {
    const param = upload.kindFrom.param;
    if (!requestedKind || !(requestedKind in upload.kinds)) {
      return fail('badKind', `${param} must be one of ${kinds.join(', ')} (got ${requestedKind ? `"${requestedKind}"` : 'nothing'})`);
    }
    kind = requestedKind;
  }
  if (!file) return fail('missing', `the form needs the file in the field "${upload.field}"`);
  if (file.size === 0) return fail('empty', `"${file.filename}" is empty`);
  const ext = extensionOf(file.filename);
  if (kind === undefined) {
    kind = kinds.find((k) => upload.kinds[k]!.extensions.includes(ext));
    if (kind === undefined) {
      const accepted = kinds.map((k) => `${upload.kinds[k]!.extensions.join('/')} (${k}, at most ${formatBytes(upload.kinds[k]!.maxBytes)})`);
      return fail('badFormat', `"${file.filename}" is not a file type this API takes; it takes ${accepted.join(', ')}`);
    }
  }
  const rule = upload.kinds[kind]!;
  const where = upload.kindFrom === 'extension' ? `${kind} files` : `${upload.kindFrom.param}=${kind}`;
  if (!rule.extensions.includes(ext)) {
    return fail('badFormat', `"${file.filename}" is not a file type WeChat takes for ${where}; it takes ${rule.extensions.join(', ')}`);
  }
  if (file.size > rule.maxBytes) {
    return fail('tooLarge', `"${file.filename}" is ${formatBytes(file.size)}; WeChat takes at most ${formatBytes(rule.maxBytes)} for ${where}`);
  }
  return { ok: true, kind };
}
