/** Mini-program code: the template library and commits ("OA and MP APIs" §6–§7), and the trial QR code (binary). */
import { endpoint, missingString, type BinaryAnswer } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface CodeTemplate {
  create_time: number;
  user_version: string;
  user_desc: string;
  template_id: number;
  /** 0 normal, 1 standard. */
  template_type: number;
}
export interface TemplateListRequest {
  template_type?: number;
}
export interface TemplateListResponse extends WeChatBaseResponse {
  template_list: CodeTemplate[];
}

export interface CommitRequest {
  template_id: number | string;
  /** A JSON-encoded string, not an object (WxJava sends GSON.toJson(obj)). */
  ext_json: string;
  user_version: string;
  user_desc: string;
}

export interface TrialQrcodeRequest {
  /** The page the code opens, with its query (e.g. "page/index?action=1"); sent URL-encoded. */
  path?: string;
}

/** The platform's code templates: component token, sent as access_token= as WxJava does. */
export const getTemplateList = endpoint<TemplateListRequest, TemplateListResponse>({
  name: 'wxa/gettemplatelist',
  family: 'mp/code',
  method: 'GET',
  path: '/wxa/gettemplatelist',
  token: 'component',
  tokenParam: 'access_token',
  request: 'query',
  answer: 'json',
  idempotent: true,
});

export const commitCode = endpoint<CommitRequest, WeChatBaseResponse>({
  name: 'wxa/commit',
  family: 'mp/code',
  method: 'POST',
  path: '/wxa/commit',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  // Committing the same code again replaces the draft with itself.
  idempotent: true,
  check: (b) =>
    missingString(b, ['user_version', 'user_desc']) ??
    (typeof b.ext_json !== 'string' ? 'ext_json must be a JSON-encoded string (JSON.stringify the object), not an object' : null),
});

/** The trial version's QR code: JPEG bytes; JSON only on error. */
export const getTrialQrcode = endpoint<TrialQrcodeRequest, BinaryAnswer>({
  name: 'wxa/get_qrcode',
  family: 'mp/code',
  method: 'GET',
  path: '/wxa/get_qrcode',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'query',
  answer: 'binary',
  idempotent: true,
});
