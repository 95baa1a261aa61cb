/** What a failed WeChat call throws: WeChat's own error, a transport failure, or input refused before sending. */
import { explainErrcode, isTokenInvalidErrcode, type ErrcodeExplanation } from '../../shared/errcodes';
import { parseRequestIp, scrubSecrets } from './log';

/** WeChat answered with errcode ≠ 0. */
export class WeChatApiError extends Error {
  override readonly name = 'WeChatApiError';
  readonly explanation: ErrcodeExplanation;
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly rid: string | null,
    /** The API path without tokens, e.g. /cgi-bin/component/api_query_auth. */
    readonly path: string,
    /** The authorizer the call was about, when there was one. */
    readonly appid: string | null = null,
  ) {
    const explanation = explainErrcode(errcode);
    const requestIp = parseRequestIp(errmsg);
    // For 61004 the IP WeChat saw is what the operator has to whitelist, so say it outright.
    const seen = errcode === 61004 && requestIp ? ` WeChat saw the call coming from ${requestIp}.` : '';
    super(`WeChat API ${path} failed with errcode ${errcode}: ${explanation.en}${seen} (errmsg: ${scrubSecrets(errmsg)})`);
    this.explanation = explanation;
    this.requestIp = requestIp;
  }

  /** The caller IP WeChat reports in 61004 errmsgs ("requestIP: 1.2.3.4", sometimes masked "47.106.*.*"), or null. */
  readonly requestIp: string | null;
}

export type TransportFailure = 'network' | 'timeout' | 'http_status' | 'bad_response';

/** The call did not produce a WeChat JSON answer: connection failure, timeout, non-2xx without JSON, or not JSON. */
export class WeChatTransportError extends Error {
  override readonly name = 'WeChatTransportError';
  constructor(
    readonly kind: TransportFailure,
    readonly path: string,
    detail: string,
    readonly status: number | null = null,
    /** The underlying error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …), when there was one. */
    readonly code: string | null = null,
  ) {
    super(`WeChat API ${path}: ${scrubSecrets(detail)}`);
  }
}

/** A request was rejected before it was sent because an argument is missing or malformed. */
export class WeChatInputError extends Error {
  override readonly name = 'WeChatInputError';
}

export function isTokenInvalidError(err: unknown): err is WeChatApiError {
  return err instanceof WeChatApiError && isTokenInvalidErrcode(err.errcode);
}

/** WeChatTransportError.code when the egress proxy (the relay) answered CONNECT with a non-200. */
export const PROXY_REFUSED = 'PROXY_REFUSED';

/** Connection never opened: the request cannot have reached WeChat, so any call may be retried. */
export const CONNECT_PHASE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A transport failure after which WeChat may have acted on the request (a timeout, a connection dropped after sending,
 * an answer that was not JSON); false when it cannot have reached WeChat (the connection never opened, or the relay
 * refused the tunnel).
 */
export function outcomeUnknown(err: unknown): err is WeChatTransportError {
  return err instanceof WeChatTransportError && err.code !== PROXY_REFUSED && !(err.code !== null && CONNECT_PHASE_CODES.has(err.code));
}

export function toTransportError(err: unknown, path: string, timeoutMs: number): WeChatTransportError {
  if (err instanceof WeChatTransportError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code ?? null;
  if (e?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new WeChatTransportError('timeout', path, `no answer within ${timeoutMs} ms`, null, code);
  }
  const proxyStatus = /Proxy response \((\d+)\)/.exec(e?.message ?? '')?.[1];
  if (proxyStatus) {
    return new WeChatTransportError(
      'network',
      path,
      `the egress proxy (relay) refused the tunnel with HTTP ${proxyStatus}: check the desk key, and that the relay's ` +
        'egressAllow lists this host',
      Number(proxyStatus),
      PROXY_REFUSED,
    );
  }
  const detail = e?.message ? `${code ?? 'network error'}: ${e.message}` : String(code ?? err);
  return new WeChatTransportError('network', path, `network failure (${detail})`, null, code);
}
