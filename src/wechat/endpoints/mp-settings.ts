/** Mini-program settings ("OA and MP APIs" §5): the privacy-guide file. */
import { z } from 'zod';
import { endpoint, type FileInput } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface UploadPrivacyFileRequest {
  file: FileInput;
}
export interface UploadPrivacyFileResponse extends WeChatBaseResponse {
  ext_file_media_id: string;
}

/**
 * A custom privacy guide (then named in setprivacysetting's owner_setting.ext_file_media_id). Authorizer token
 * despite the component path. D upload_privacy_exfile: txt only, at most 100 KB; 40126 invalid text size, 40006 for
 * a file that is not txt (the newer page calls 40006 "invalid media size").
 */
export const uploadPrivacyExtFile = endpoint<UploadPrivacyFileRequest, UploadPrivacyFileResponse>({
  name: 'uploadprivacyextfile',
  family: 'mp/settings',
  method: 'POST',
  path: '/cgi-bin/component/uploadprivacyextfile',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'multipart',
  answer: 'json',
  idempotent: true,
  upload: {
    field: 'file',
    kindFrom: 'extension',
    kinds: { txt: { extensions: ['txt'], maxBytes: 100 * 1024 } },
    errcodes: { missing: 41005, empty: 44001, badFormat: 40006, tooLarge: 40126 },
  },
  response: z.looseObject({ ext_file_media_id: z.string().min(1) }),
});
