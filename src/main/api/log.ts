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
  method?: 'GET' | 'POST';
  /** The query parameter the token went in (its value never reaches the log), or null when the call took none. */
  tokenParam?: string | null;
  /** The request body as sent, secrets redacted (redactJson), at most BODY_LOG_LIMIT characters; null for none. */
  requestBody?: string | null;
  /** WeChat's answer, secrets redacted and bounded the same way; for a file, its type and size (responseBinary). */
  responseBody?: string | null;
  /** The answer was a file (an image, …): responseBody says its type and size, not its bytes. */
  responseBinary?: boolean;
}

/** The most of a request or response body the API log keeps (characters); the rest is cut with a note. */
export const BODY_LOG_LIMIT = 8_192;

/**
 * JSON keys whose values are secrets or credentials (AppSecret, every token, the ticket, pre-auth and authorization
 * codes): their values are replaced with *** before a body reaches the log.
 */
const SECRET_KEY = /secret|token|ticket|^pre_auth_code$|^authorization_code$|^auth_code$|aes_?key|password/i;

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? '***' : redactValue(v);
    return out;
  }
  return value;
}

/** Every key SECRET_KEY and SECRET_IN_TEXT name holds one of these words. */
const MAY_HOLD_SECRET = /token|secret|ticket|code|key|password/i;

/**
 * A string value can carry secrets of its own: openapi/rid/get answers the looked-up call's request_url
 * ("access_token=…"), request_body and response_body as strings. JSON inside is redacted by key, other text scrubbed.
 */
function redactString(text: string): string {
  // Most values (names, appids, urls) name no token or secret: left as they are without the full scrub (the log
  // redacts every answer, up to 60 KB of strings for an authorizer list).
  if (!MAY_HOLD_SECRET.test(text)) return text;
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(t)));
    } catch {
      // not JSON after all: scrubbed as text
    }
  }
  return scrubSecrets(text);
}

/** Cuts text to BODY_LOG_LIMIT characters, saying how long it was. */
export function boundBody(text: string): string {
  return text.length <= BODY_LOG_LIMIT ? text : `${text.slice(0, BODY_LOG_LIMIT)}… (${text.length} characters, cut)`;
}

/**
 * A body for the log: JSON with the values of secret keys replaced by *** (pretty-printed), other text with token and
 * secret assignments scrubbed; bounded in size either way.
 */
export function redactBody(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return boundBody(JSON.stringify(redactValue(JSON.parse(body)), null, 2));
    } catch {
      return boundBody(scrubSecrets(body));
    }
  }
  return boundBody(JSON.stringify(redactValue(body), null, 2) ?? '');
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
