/**
 * WeChat API client (undici 7) against api.weixin.qq.com or the simulator (only the base URL differs). Every API is
 * called through its endpoint spec (src/wechat/endpoints/): `invoke(spec, token, request)`; the typed methods below
 * are thin calls through it, and `call()` is for paths without a spec.
 *
 * Rules (reference §3.5, §8, §9):
 * - errcode ≠ 0 → WeChatApiError (errcode, errmsg, rid, path, explanation).
 * - -1 (system busy) is retried with bounded exponential backoff and jitter; network failures too, for calls that are
 *   safe to repeat (or when the connection never opened, so nothing reached WeChat).
 * - 40001/40014/42001 on a call whose token came from a TokenSource → that exact token is invalidated (the source
 *   compares before it throws anything away) and the call is retried once with a fresh one.
 * - 45009/45011 are surfaced as they are; retrying would only burn more quota.
 * - 61023 → onNeedsReauth(authorizerAppid).
 * - Binary answers (a JPEG) come back as bytes with their content type; a JSON error in their place is still an error.
 * - Uploads go as multipart (undici's FormData), checked against the spec's size and type limits before sending.
 * - Every attempt is reported to onCall with the path stripped of tokens. Tokens and secrets never reach errors or logs.
 */
import type { Dispatcher, FormData } from 'undici';
import { undici } from './undici';
import {
  checkUpload,
  contentTypeFor,
  specPath,
  type BinaryAnswer,
  type EndpointSpec,
  type FileInput,
  type TokenParam,
  type WeChatBaseResponse,
} from '../../wechat';
import * as component from '../../wechat/endpoints/component';
import type {
  AuthorizerTokenRequest,
  AuthorizerTokenResponse,
  ComponentTokenRequest,
  ComponentTokenResponse,
  CreatePreAuthCodeRequest,
  CreatePreAuthCodeResponse,
  GetAuthorizerInfoRequest,
  GetAuthorizerInfoResponse,
  GetAuthorizerListRequest,
  GetAuthorizerListResponse,
  GetAuthorizerOptionRequest,
  GetAuthorizerOptionResponse,
  LegacyGetAuthorizerOptionRequest,
  LegacyGetAuthorizerOptionResponse,
  LegacySetAuthorizerOptionRequest,
  QueryAuthRequest,
  QueryAuthResponse,
  SetAuthorizerOptionRequest,
  StartPushTicketRequest,
} from '../../wechat/endpoints/component';
import { getLatestAuditStatus, type LatestAuditStatusResponse } from '../../wechat/endpoints/mp-audit';
import { sendCustomMessage, type CustomMessage } from '../../wechat/endpoints/oa-custom-service';
import * as quota from '../../wechat/endpoints/quota';
import type { ApiQuotaRequest, ApiQuotaResponse, ClearQuotaRequest, ClearQuotaV2Request, RidRequest, RidResponse } from '../../wechat/endpoints/quota';
import { CONNECT_PHASE_CODES, PROXY_REFUSED, WeChatApiError, WeChatInputError, WeChatTransportError, toTransportError } from './errors';
import { TOKEN_QUERY_PARAMS, parseRid, redactBody, sanitizePath, scrubSecrets, type ApiCallRecord } from './log';
import { withTokenRetry, type TokenArg } from './tokens';

export const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com';

export interface RetryPolicy {
  /** Total attempts for -1 and retryable network failures (first try included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

export interface WeChatClientOptions {
  /** https://api.weixin.qq.com (default) or the simulator's URL. */
  baseUrl?: string;
  /** e.g. relayEgressAgent(…) to leave through the relay's CONNECT tunnel. Default: undici's global dispatcher. */
  dispatcher?: Dispatcher | Promise<Dispatcher>;
  /** Whole-request timeout per attempt. Default 15 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onCall?: (record: ApiCallRecord) => void;
  /** 61023: the authorizer's refresh token is dead; the lifecycle marks it needs_reauth. */
  /** `refreshToken`: the refresh token WeChat refused, when the call sent one (api_authorizer_token). */
  onNeedsReauth?: (authorizerAppid: string, refreshToken: string | null) => void;
  /** For the `at` field of call records. */
  now?: () => number;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

export interface ApiRequest {
  /** Path with optional query (e.g. /cgi-bin/component/fastregisterweapp?action=create); no token in it. */
  path: string;
  method?: 'GET' | 'POST';
  /** JSON body for POST. */
  body?: unknown;
  token?: TokenArg;
  /** Query-parameter name for the token. Default access_token. */
  tokenParam?: 'access_token' | 'component_access_token';
  /** The account the call is about, for the log. Default: the token source's appid. */
  appid?: string | null;
  /** The authorizer whose refresh token is in play, for the 61023 hook. */
  authorizerAppid?: string;
  /** Safe to send again after a network failure or timeout. Default false. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** Extra per-call options for the typed methods. */
export interface CallOptions {
  /** The account the call is about, for the log, when the token is a bare string. */
  appid?: string;
  signal?: AbortSignal;
}


export class WeChatClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher | Promise<Dispatcher> | undefined;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly onCall: ((record: ApiCallRecord) => void) | undefined;
  private readonly onNeedsReauth: ((authorizerAppid: string, refreshToken: string | null) => void) | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: WeChatClientOptions = {}) {
    const baseUrl = options.baseUrl ?? DEFAULT_API_BASE_URL;
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new WeChatInputError(`baseUrl "${baseUrl}" is not a URL; expected e.g. ${DEFAULT_API_BASE_URL}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new WeChatInputError(`baseUrl must be http(s), got ${parsed.protocol}`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? 15_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new WeChatInputError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new WeChatInputError(`retry.maxAttempts must be an integer ≥ 1, got ${this.retry.maxAttempts}`);
    }
    this.dispatcher = options.dispatcher;
    // A dispatcher still loading that fails is reported by the first call that needs it, not as an unhandled rejection.
    if (this.dispatcher instanceof Promise) this.dispatcher.catch(() => undefined);
    this.onCall = options.onCall;
    this.onNeedsReauth = options.onNeedsReauth;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Generic call for paths without a spec (JSON in and out). Handles token refresh-and-retry, -1 backoff and logging. */
  async call<T extends object = WeChatBaseResponse>(req: ApiRequest): Promise<T> {
    if (typeof req.path !== 'string' || !req.path.startsWith('/')) {
      throw new WeChatInputError(`API path must start with "/", got ${JSON.stringify(req.path)}`);
    }
    const method = req.method ?? 'POST';
    return this.run<T>({
      path: req.path,
      method,
      body: method === 'POST' ? { kind: 'json', value: req.body ?? {} } : { kind: 'none' },
      token: req.token,
      tokenParam: req.tokenParam ?? 'access_token',
      appid: req.appid !== undefined ? req.appid : typeof req.token === 'object' ? (req.token.appid ?? null) : null,
      authorizerAppid: req.authorizerAppid,
      idempotent: req.idempotent === true,
      answer: 'json',
      signal: req.signal,
    });
  }

  /**
   * Call an API through its spec: the request is checked (fields, upload limits) before anything is sent, the token
   * goes in the spec's query parameter, and the answer comes back as the spec says (JSON, parsed where the spec has a
   * response schema, or bytes). `token` is null for the APIs that take none.
   */
  async invoke<Req, Res>(spec: EndpointSpec<Req, Res>, token: TokenArg | null, req: Req, opts?: CallOptions): Promise<Res> {
    const problem = spec.check?.(req);
    if (problem) throw new WeChatInputError(`${spec.name}: ${problem}`);
    if (spec.token === 'none') {
      if (token !== null && token !== undefined) throw new WeChatInputError(`${spec.name} takes no token (it authenticates with the secret); pass null`);
    } else if (token === null || token === undefined) {
      throw new WeChatInputError(`${spec.name} needs ${spec.token === 'authorizer' ? 'an authorizer' : 'a component'} token; get one from the TokenManager`);
    }
    const url = new URL(specPath(spec), 'http://x');
    const fields = (req ?? {}) as Record<string, unknown>;
    let body: Prepared['body'] = { kind: 'none' };
    if (spec.request === 'json') body = { kind: 'json', value: req ?? {} };
    else if (spec.request === 'query') setQuery(url.searchParams, fields);
    else if (spec.request === 'multipart') {
      const upload = spec.upload!;
      const file = fields[upload.field] as FileInput | undefined;
      const { [upload.field]: _file, ...rest } = fields;
      setQuery(url.searchParams, rest);
      const size = fileSize(file);
      const kindParam = upload.kindFrom === 'extension' ? null : fields[upload.kindFrom.param];
      const verdict = checkUpload(upload, size === null ? null : { filename: file!.filename, size }, typeof kindParam === 'string' ? kindParam : null);
      if (!verdict.ok) throw new WeChatInputError(`${spec.name}: ${verdict.message}`);
      body = { kind: 'form', build: (Form) => formWith(Form, upload.field, file!) };
    }
    const about = spec.about?.(req);
    return this.run<Res>({
      path: url.pathname + url.search,
      method: spec.method,
      body,
      token: token ?? undefined,
      tokenParam: spec.tokenParam ?? 'access_token',
      appid: about ?? opts?.appid ?? (token !== null && typeof token === 'object' ? (token.appid ?? null) : null),
      authorizerAppid: spec.reauthOn61023 ? about : undefined,
      idempotent: spec.idempotent,
      answer: spec.answer,
      response: spec.response,
      signal: opts?.signal,
    });
  }

  // --- component APIs (reference §3) ----------------------------------------------------------------------------

  async componentToken(body: ComponentTokenRequest, opts?: CallOptions): Promise<ComponentTokenResponse> {
    return this.invoke(component.apiComponentToken, null, body, opts);
  }

  async startPushTicket(body: StartPushTicketRequest, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(component.apiStartPushTicket, null, body, opts);
  }

  async createPreAuthCode(token: TokenArg, body: CreatePreAuthCodeRequest, opts?: CallOptions): Promise<CreatePreAuthCodeResponse> {
    return this.invoke(component.apiCreatePreAuthCode, token, body, opts);
  }

  async queryAuth(token: TokenArg, body: QueryAuthRequest, opts?: CallOptions): Promise<QueryAuthResponse> {
    return this.invoke(component.apiQueryAuth, token, body, opts);
  }

  async authorizerToken(token: TokenArg, body: AuthorizerTokenRequest, opts?: CallOptions): Promise<AuthorizerTokenResponse> {
    return this.invoke(component.apiAuthorizerToken, token, body, opts);
  }

  async getAuthorizerInfo(token: TokenArg, body: GetAuthorizerInfoRequest, opts?: CallOptions): Promise<GetAuthorizerInfoResponse> {
    return this.invoke(component.apiGetAuthorizerInfo, token, body, opts);
  }

  async getAuthorizerList(token: TokenArg, body: GetAuthorizerListRequest, opts?: CallOptions): Promise<GetAuthorizerListResponse> {
    return this.invoke(component.apiGetAuthorizerList, token, body, opts);
  }

  /** Legacy option API, component token. */
  async getAuthorizerOptionLegacy(
    token: TokenArg,
    body: LegacyGetAuthorizerOptionRequest,
    opts?: CallOptions,
  ): Promise<LegacyGetAuthorizerOptionResponse> {
    return this.invoke(component.apiGetAuthorizerOption, token, body, opts);
  }

  /** Legacy option API, component token. */
  async setAuthorizerOptionLegacy(token: TokenArg, body: LegacySetAuthorizerOptionRequest, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(component.apiSetAuthorizerOption, token, body, opts);
  }

  /** New option API, authorizer token. */
  async getAuthorizerOption(token: TokenArg, body: GetAuthorizerOptionRequest, opts?: CallOptions): Promise<GetAuthorizerOptionResponse> {
    return this.invoke(component.getAuthorizerOption, token, body, opts);
  }

  /** New option API, authorizer token. */
  async setAuthorizerOption(token: TokenArg, body: SetAuthorizerOptionRequest, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(component.setAuthorizerOption, token, body, opts);
  }

  /** Component token clears the platform's own quota; an authorizer token clears that authorizer's. */
  async clearQuota(token: TokenArg, body: ClearQuotaRequest, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(quota.clearQuota, token, body, opts);
  }

  /** clear_quota/v2 authenticates with the component secret instead of a token. */
  async clearQuotaV2(body: ClearQuotaV2Request, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(quota.clearQuotaV2, null, body, opts);
  }

  async getApiQuota(token: TokenArg, body: ApiQuotaRequest, opts?: CallOptions): Promise<ApiQuotaResponse> {
    return this.invoke(quota.getApiQuota, token, body, opts);
  }

  async clearApiQuota(token: TokenArg, body: ApiQuotaRequest, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(quota.clearApiQuota, token, body, opts);
  }

  async getRid(token: TokenArg, body: RidRequest, opts?: CallOptions): Promise<RidResponse> {
    return this.invoke(quota.getRid, token, body, opts);
  }

  /** The mini program's latest code audit (authorizer token); `screenshot` filled from either spelling WeChat used. */
  async getLatestAuditStatus(token: TokenArg, opts?: CallOptions): Promise<LatestAuditStatusResponse> {
    return this.invoke(getLatestAuditStatus, token, {}, opts);
  }

  /** Customer-service message with the authorizer's token (reference §6; the release check's "_from_api" step). */
  async sendCustomMessage(token: TokenArg, message: CustomMessage, opts?: CallOptions): Promise<WeChatBaseResponse> {
    return this.invoke(sendCustomMessage, token, message, opts);
  }

  // --- internals ------------------------------------------------------------------------------------------------

  /** The one path every call takes: the token check, refresh-and-retry on an invalid token, then send. */
  private run<T>(p: Prepared): Promise<T> {
    const counter = { attempt: 0 };
    const token = p.token;
    if (token === undefined || typeof token === 'string') {
      if (token === '') throw new WeChatInputError(`${p.path}: the token is empty; get one from the TokenManager`);
      return this.send<T>(p, token, counter);
    }
    return withTokenRetry(token, (t) => this.send<T>(p, t, counter));
  }

  private async send<T>(p: Prepared, token: string | undefined, counter: { attempt: number }): Promise<T> {
    const logPath = sanitizePath(p.path);
    const appid = p.appid;
    const url = new URL(this.baseUrl + p.path);
    for (const name of TOKEN_QUERY_PARAMS) url.searchParams.delete(name);
    if (token !== undefined) url.searchParams.set(p.tokenParam, token);

    const requestBody = logRequestBody(p);
    for (let tries = 1; ; tries++) {
      counter.attempt++;
      const at = this.now();
      const started = performance.now();
      const record = (errcode: number | null, errmsg: string, rid: string | null, answer?: Answer): void => {
        const entry: ApiCallRecord = {
          path: logPath,
          appid,
          errcode,
          errmsg: scrubSecrets(errmsg),
          rid,
          latencyMs: Math.round(performance.now() - started),
          attempt: counter.attempt,
          at,
          method: p.method,
          tokenParam: token !== undefined ? p.tokenParam : null,
          requestBody,
          responseBody: answer ? logResponseBody(answer) : null,
          responseBinary: answer !== undefined && 'binary' in answer,
        };
        try {
          this.onCall?.(entry);
        } catch {
          // A failing logger must not fail the call.
        }
      };

      let outcome: Answer | { transport: WeChatTransportError; retryable: boolean };
      try {
        outcome = await this.exchange(url, p, logPath);
      } catch (err) {
        if (p.signal?.aborted) {
          record(null, 'aborted by caller', null);
          throw err;
        }
        const transport = toTransportError(err, logPath, this.timeoutMs);
        const connectPhase = transport.code !== null && CONNECT_PHASE_CODES.has(transport.code);
        const serverError = transport.kind === 'http_status' && (transport.status ?? 0) >= 500;
        const retryable =
          transport.kind !== 'bad_response' &&
          transport.code !== PROXY_REFUSED &&
          (connectPhase || (p.idempotent && (transport.kind !== 'http_status' || serverError)));
        outcome = { transport, retryable };
      }

      if ('transport' in outcome) {
        record(null, outcome.transport.message, null);
        if (outcome.retryable && tries < this.retry.maxAttempts) {
          await this.backoff(tries);
          continue;
        }
        throw outcome.transport;
      }
      if ('binary' in outcome) {
        record(0, 'ok', null, outcome);
        return outcome.binary as T;
      }

      const json = outcome.json;
      const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
      const errmsg = typeof json.errmsg === 'string' ? json.errmsg : errcode === 0 ? 'ok' : '';
      const rid = parseRid(errmsg);
      if (errcode === 0) {
        const problem =
          p.answer === 'binary'
            ? `expected a file, got JSON without an errcode: ${JSON.stringify(json).slice(0, 200)}`
            : answerProblem(p, json);
        if (typeof problem === 'string') {
          const bad = new WeChatTransportError('bad_response', logPath, problem);
          record(null, bad.message, rid, outcome);
          throw bad;
        }
        record(errcode, errmsg, rid, outcome);
        return (problem?.data ?? json) as T;
      }
      record(errcode, errmsg, rid, outcome);

      if (errcode === -1 && tries < this.retry.maxAttempts) {
        await this.backoff(tries);
        continue;
      }
      if (errcode === 61023 && p.authorizerAppid) {
        try {
          const sent = p.body.kind === 'json' ? (p.body.value as { authorizer_refresh_token?: unknown } | null)?.authorizer_refresh_token : undefined;
          this.onNeedsReauth?.(p.authorizerAppid, typeof sent === 'string' ? sent : null);
        } catch {
          // The hook's failure must not hide the WeChat error.
        }
      }
      throw new WeChatApiError(errcode, errmsg, rid, logPath, p.authorizerAppid ?? appid);
    }
  }

  /** One HTTP exchange: the JSON object, or the bytes of a binary answer; throws undici errors or WeChatTransportError. */
  private async exchange(url: URL, p: Prepared, logPath: string): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = p.signal ? AbortSignal.any([p.signal, timeout]) : timeout;
    const accept = p.answer === 'binary' ? '*/*' : 'application/json';
    const { request, FormData } = await undici();
    const res = await request(url, {
      method: p.method,
      dispatcher: await this.dispatcher,
      signal,
      headers:
        p.body.kind === 'json' ? { 'content-type': 'application/json; charset=utf-8', accept } : { accept },
      body: p.body.kind === 'json' ? JSON.stringify(p.body.value) : p.body.kind === 'form' ? p.body.build(FormData) : undefined,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    let text: string;
    if (p.answer === 'binary') {
      const bytes = new Uint8Array(await res.body.arrayBuffer());
      const contentType = headerValue(res.headers['content-type']);
      // WeChat answers errors as JSON in the file's place (sometimes under the file's content type).
      const json = /json|text\/plain/i.test(contentType) || bytes[0] === 0x7b;
      if (ok && !json) return { binary: { bytes, contentType, filename: dispositionFilename(headerValue(res.headers['content-disposition'])) } };
      text = Buffer.from(bytes).toString('utf8');
    } else {
      text = await res.body.text();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (!ok) {
        throw new WeChatTransportError('http_status', logPath, `HTTP ${res.statusCode}: ${text.slice(0, 200)}`, res.statusCode);
      }
      throw new WeChatTransportError('bad_response', logPath, `answer is not JSON: ${text.slice(0, 200)}`, res.statusCode);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new WeChatTransportError('bad_response', logPath, `answer is not a JSON object: ${text.slice(0, 200)}`, res.statusCode);
    }
    const obj = json as Record<string, unknown>;
    // A non-2xx with a WeChat error body is still a WeChat answer; without errcode it is an HTTP failure.
    if (!ok && typeof obj.errcode !== 'number') {
      throw new WeChatTransportError('http_status', logPath, `HTTP ${res.statusCode}: ${text.slice(0, 200)}`, res.statusCode);
    }
    return { json: obj };
  }

  private backoff(tries: number): Promise<void> {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (tries - 1));
    // "Equal jitter": at least half the ceiling, so retries from many callers spread out but still back off.
    const delay = ceiling / 2 + this.random() * (ceiling / 2);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** A request ready to send, from call() or invoke(). */
interface Prepared {
  /** Path with the query, no token. */
  path: string;
  method: 'GET' | 'POST';
  /** A form is built per attempt, so a retry sends the whole file again. */
  body: { kind: 'json'; value: unknown } | { kind: 'form'; build: (Form: typeof FormData) => FormData } | { kind: 'none' };
  token: TokenArg | undefined;
  tokenParam: TokenParam;
  appid: string | null;
  authorizerAppid: string | undefined;
  idempotent: boolean;
  answer: 'json' | 'binary';
  response?: EndpointSpec['response'];
  signal?: AbortSignal;
}

type Answer = { json: Record<string, unknown> } | { binary: BinaryAnswer };

/** The request body for the API log: JSON redacted (AppSecret, tokens, ticket, codes), a file as its name and size. */
function logRequestBody(p: Prepared): string | null {
  if (p.body.kind === 'json') return redactBody(p.body.value);
  if (p.body.kind === 'form') return '(multipart/form-data：文件上传 / a file upload)';
  return null;
}

/** WeChat's answer for the API log: the JSON redacted (it carries tokens), or a file's type and size. */
function logResponseBody(answer: Answer): string {
  if ('binary' in answer) return `${answer.binary.contentType || 'application/octet-stream'}, ${answer.binary.bytes.byteLength} B`;
  return redactBody(answer.json);
}

/** Parse a successful answer with the spec's schema: the parsed value, a problem in words, or null (no schema). */
function answerProblem(p: Prepared, json: Record<string, unknown>): { data: unknown } | string | null {
  if (!p.response) return null;
  const parsed = p.response.safeParse(json);
  if (parsed.success) return { data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'the answer';
  return `${where}: ${issue?.message ?? 'unexpected shape'}; it does not look like WeChat's`;
}

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** filename="QRCode.jpg" from Content-Disposition, or null. */
function dispositionFilename(disposition: string): string | null {
  return /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
}

/** Request fields into the query string (strings and numbers; undefined left out). */
function setQuery(params: URLSearchParams, fields: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) params.set(k, String(v));
}

function fileSize(file: FileInput | undefined): number | null {
  if (!file || typeof file !== 'object' || typeof file.filename !== 'string' || file.filename === '') return null;
  if (file.data instanceof Blob) return file.data.size;
  if (file.data instanceof Uint8Array) return file.data.byteLength;
  return null;
}

function formWith(Form: typeof FormData, field: string, file: FileInput): FormData {
  const type = file.contentType ?? contentTypeFor(file.filename);
  // (The DOM typings want an ArrayBuffer-backed array; any Uint8Array works at run time.)
  const blob = file.data instanceof Blob ? file.data : new Blob([file.data as Uint8Array<ArrayBuffer>], { type });
  const form = new Form();
  form.append(field, blob, file.filename);
  return form;
}

