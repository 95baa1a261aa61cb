/**
 * The API workbench's pure parts, shared by the main process and the UI: the endpoint list's shape, reading the body
 * as typed (JSON with the line and column of a mistake), refusing a hand-typed token, and "copy as curl" with the
 * token as a placeholder. No Node, no DOM.
 */
import type { ErrcodeExplanation } from './errcodes';

export type WorkbenchTokenKind = 'component' | 'authorizer' | 'component_or_authorizer' | 'none';

/** One endpoint of the spec table, as the workbench lists it. */
export interface WorkbenchEndpoint {
  /** The spec's unique name, e.g. "menu/create". */
  name: string;
  family: string;
  method: 'GET' | 'POST';
  /** The path with the spec's fixed query, e.g. /cgi-bin/component/fastregisterweapp?action=create. */
  path: string;
  token: WorkbenchTokenKind;
  tokenParam: 'access_token' | 'component_access_token' | null;
  /** Where the fields go: JSON body, query string, a multipart form, or nowhere. */
  request: 'json' | 'query' | 'multipart' | 'none';
  answer: 'json' | 'binary';
  idempotent: boolean;
  /** The form field of an upload (multipart only). */
  uploadField: string | null;
  /** Why the workbench will not send it (it needs a secret, or it is an upload), or null. */
  unavailable: { en: string; zh: string } | null;
}

/** Who the workbench calls as: an authorizer (its token), or the platform itself (the component token). */
export type WorkbenchCaller = { as: 'authorizer'; appid: string } | { as: 'platform' };

/** What workbench/send answers. */
export interface WorkbenchSendResult {
  /** What went out: the URL with the token as a placeholder, and the body (secrets redacted). */
  request: { method: 'GET' | 'POST'; url: string; body: string | null; tokenKind: 'component' | 'authorizer' };
  /** ok: WeChat answered errcode 0; wechat_error: another errcode; failed: no WeChat answer (network, timeout, bad answer). */
  outcome: 'ok' | 'wechat_error' | 'failed';
  errcode: number | null;
  errmsg: string | null;
  explanation: ErrcodeExplanation | null;
  rid: string | null;
  /** From sending to the answer, token fetch and retries included. */
  latencyMs: number;
  /** The JSON answer, pretty-printed, secrets redacted; null for a file. */
  response: string | null;
  /** A file answer (e.g. the JPEG of wxa/get_qrcode). */
  binary: { contentType: string; filename: string | null; size: number; base64: string } | null;
  /** The API log rows this call wrote (one per attempt), newest first. */
  apiLogIds: number[];
  /** A transport failure in words, when outcome is failed. */
  failure: { en: string; zh: string } | null;
}

/** The body as typed: a JSON object, or where and why it is not one. Line and column count from 1. */
export type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; line: number; column: number; en: string; zh: string };

/** Line and column (from 1) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/**
 * Parses the body text. An empty text is `{}`. V8 (Node and Chromium alike) names the offset of a syntax error
 * ("at position 12"); an error without one (the text ended early) is placed at the end.
 */
export function parseJsonBody(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const at = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : lineColumn(text, pos ? Number(pos[1]) : text.length);
    const what = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    return {
      ok: false,
      ...at,
      en: `The body is not valid JSON at line ${at.line}, column ${at.column}: ${what}.`,
      zh: `请求体不是合法的 JSON：第 ${at.line} 行第 ${at.column} 列（${what}）。`,
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, line: 1, column: 1, en: 'The body must be a JSON object ({…}), as WeChat expects.', zh: '请求体必须是 JSON 对象（{…}），微信只接受对象。' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Field names that carry a token or a secret: the workbench sends the console's own token, never a typed one. */
const CREDENTIAL_KEY = /^(access_token|component_access_token|authorizer_access_token)$|refresh_token|secret|^aes_?key$|^encoding_?aes_?key$/i;

/** The path of the first field in `body` (at any depth) that names a token or a secret, or null. */
export function handTypedCredential(body: unknown, path = ''): string | null {
  if (Array.isArray(body)) {
    for (let i = 0; i < body.length; i++) {
      const found = handTypedCredential(body[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (body === null || typeof body !== 'object') return null;
  for (const [key, value] of Object.entries(body)) {
    const here = path ? `${path}.${key}` : key;
    if (CREDENTIAL_KEY.test(key)) return here;
    const found = handTypedCredential(value, here);
    if (found) return found;
  }
  return null;
}

/** The placeholder that stands for the token: the platform's, or an authorizer's. */
export function tokenPlaceholder(kind: 'component' | 'authorizer'): string {
  return kind === 'component' ? 'COMPONENT_ACCESS_TOKEN' : 'ACCESS_TOKEN';
}

/** Which token a call carries when made as `caller`. */
export function tokenKindFor(endpoint: Pick<WorkbenchEndpoint, 'token'>, caller: WorkbenchCaller): 'component' | 'authorizer' {
  if (endpoint.token === 'component') return 'component';
  if (endpoint.token === 'authorizer') return 'authorizer';
  return caller.as === 'platform' ? 'component' : 'authorizer';
}

/** A shell word in single quotes (a quote inside becomes '\''). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request as a curl command, the token left as a shell variable ("${ACCESS_TOKEN}" or
 * "${COMPONENT_ACCESS_TOKEN}") so nothing secret is ever copied. Query fields (GET APIs, and an upload's other
 * fields) go into the URL, URL-encoded; a JSON body goes as --data-raw; an upload as -F field=@FILE.
 */
export function curlCommand(input: {
  baseUrl: string;
  endpoint: Pick<WorkbenchEndpoint, 'method' | 'path' | 'token' | 'tokenParam' | 'request' | 'uploadField'>;
  caller: WorkbenchCaller;
  body: Record<string, unknown>;
}): string {
  const { endpoint, body } = input;
  const q = endpoint.path.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? endpoint.path.slice(q + 1) : '');
  const fields = endpoint.request === 'query' || endpoint.request === 'multipart' ? body : {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === endpoint.uploadField || v === undefined || v === null) continue;
    params.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  // URLSearchParams encodes " $ ` and \, so the rest of the URL is safe inside double quotes.
  let query = params.toString();
  if (endpoint.tokenParam) query += `${query ? '&' : ''}${endpoint.tokenParam}=\${${tokenPlaceholder(tokenKindFor(endpoint, input.caller))}}`;
  const url = `${input.baseUrl.replace(/\/+$/, '')}${q >= 0 ? endpoint.path.slice(0, q) : endpoint.path}${query ? `?${query}` : ''}`;
  const parts = ['curl', '-sS', '-X', endpoint.method, `"${url}"`];
  if (endpoint.request === 'json') parts.push('-H', shellQuote('Content-Type: application/json; charset=utf-8'), '--data-raw', shellQuote(JSON.stringify(body)));
  if (endpoint.request === 'multipart' && endpoint.uploadField) parts.push('-F', shellQuote(`${endpoint.uploadField}=@FILE`));
  return parts.join(' ');
}
