/** The API log's record of each attempt, and keeping tokens and secrets out of paths and messages. */

/** One entry per HTTP attempt, for the API log. */
export interface ApiCallRecord {
  /** Path and query without access_token / component_access_token. */
  path: string;
  /** The account the call was about (authorizer appid, or the component appid for platform calls). */
  appid: string | null;
  /** 0 on success; null when no WeChat answer arrived (network failure, timeout, non-JSON). */
  errcode: number | null;
  errmsg: string;
  rid: string | null;
  latencyMs: number;
  /** 1 for the first attempt; retries (backoff and token refresh) count on. */
  attempt: number;
  /** Epoch ms when the attempt started. */
  at: number;
}

export const TOKEN_QUERY_PARAMS = ['access_token', 'component_access_token'];

/** The path with access_token / component_access_token removed from its query string. */
export function sanitizePath(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  if (q < 0) return pathWithQuery;
  const params = new URLSearchParams(pathWithQuery.slice(q + 1));
  for (const name of TOKEN_QUERY_PARAMS) params.delete(name);
  const rest = params.toString();
  return pathWithQuery.slice(0, q) + (rest ? `?${rest}` : '');
}

const SECRET_IN_TEXT = /\b(access_token|component_access_token|authorizer_access_token|refresh_token|authorizer_refresh_token|component_appsecret|component_secret|appsecret|secret)(["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi;

/** Replace token/secret values that might appear in free text (errmsg, error messages) with ***. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_IN_TEXT, '$1$2***');
}

/** The requestIP WeChat puts in 61004 errmsgs, or null. */
export function parseRequestIp(errmsg: string | undefined | null): string | null {
  if (!errmsg) return null;
  return /requestIP:\s*([0-9A-Fa-f:.*]+[0-9A-Fa-f*])/.exec(errmsg)?.[1] ?? null;
}

/** The rid WeChat appends to errmsg ("… rid: 6512a3b4-2c1d5e6f-7a8b9c0d"), or null. */
export function parseRid(errmsg: string | undefined | null): string | null {
  if (!errmsg) return null;
  const m = /\brid:\s*([A-Za-z0-9][A-Za-z0-9-]*)/.exec(errmsg);
  return m?.[1] ?? null;
}
