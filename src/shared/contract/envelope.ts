/** The one answer envelope every method call gets, and its error codes. */
import type { ErrcodeExplanation } from '../errcodes';

export type { ErrcodeExplanation, ErrcodeAction } from '../errcodes';

export const API_ERROR_CODES = [
  /** The method name is not in the contract. */
  'unknown_method',
  /** The arguments do not match the method's schema; `details.issues` lists each field and what is wrong. */
  'invalid_arguments',
  /** The caller is not the console's own window / does not hold the session token. */
  'forbidden',
  /** No platform is selected (or the selected one is not running yet). Configure one under Setup, or open the demo. */
  'no_platform',
  /** The thing asked for (event, authorizer, link, platform) does not exist. */
  'not_found',
  /** WeChat answered with an errcode; `details` is a `WechatErrorDetails`. */
  'wechat_error',
  /** Secrets cannot be stored safely here (e.g. Linux basic_text) and the user has not opted in. */
  'secret_storage',
  /** A dependency (relay, simulator, WeChat) could not be reached. */
  'unavailable',
  /** The request conflicts with the current state (e.g. a sync is already running). */
  'conflict',
  /** A bug or an unexpected failure; the message says what was being done. */
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A sentence an operator reads, in both languages (Chinese first). */
export interface Bilingual {
  zh: string;
  en: string;
}

export interface ApiError {
  code: ApiErrorCode;
  /** One sentence a person understands: what went wrong and what to do (English). */
  message: string;
  /** The same sentence in Chinese (the UI shows it when the language is zh-CN). */
  messageZh: string;
  details?: unknown;
}

export type ApiEnvelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };

/** `details` of a `wechat_error`. */
export interface WechatErrorDetails {
  /** The WeChat API path, e.g. /cgi-bin/component/api_query_auth. */
  path: string | null;
  errcode: number;
  errmsg: string;
  rid: string | null;
  explanation: ErrcodeExplanation | null;
}

/** `details` of an `invalid_arguments` error: one entry per problem, `path` names the field (e.g. "limit"). */
export interface InvalidArgumentsDetails {
  issues: { path: string; message: string; messageZh: string }[];
}
