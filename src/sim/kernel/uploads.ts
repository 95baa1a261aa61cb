/** An upload's file, checked with the spec's rules; a broken rule is the API's own errcode (see src/wechat/uploads.ts). */
import type { UploadSpec } from '../../wechat/spec';
import { checkUpload } from '../../wechat/uploads';
import { ApiError, ERRMSG } from './errors';
import type { ApiCtx } from './routes';

export function acceptUpload(upload: UploadSpec, ctx: ApiCtx): { file: File; kind: string } {
  const entry = ctx.form?.get(upload.field);
  const file = entry && typeof entry !== 'string' ? entry : null;
  const requested = upload.kindFrom === 'extension' ? null : ctx.query.get(upload.kindFrom.param);
  const verdict = checkUpload(upload, file ? { filename: file.name, size: file.size } : null, requested);
  if (!verdict.ok) {
    const code = upload.errcodes[verdict.problem] ?? 47001;
    throw new ApiError(code, `${ERRMSG[code] ?? 'error'}: ${verdict.message}`);
  }
  return { file: file!, kind: verdict.kind };
}
