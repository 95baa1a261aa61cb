/**
 * The renderer's only door to the main process. Picks a transport once:
 * - Electron: the preload's `window.api` (IPC);
 * - console mode (a browser): HTTP POST /api/<method> + WebSocket /events, with the session token from the page URL.
 * Components call `api.invoke(method, args)` (typed from the contract; resolves to the result, rejects with an
 * ApiCallError) and `api.on(event, cb)`; nothing else touches window.api.
 */
import type {
  ApiArgs,
  ApiEnvelope,
  ApiError,
  ApiErrorCode,
  ApiMethod,
  ApiResult,
  AppEventName,
  AppEvents,
  WindowApi,
} from '../../../shared/contract';
import { bothLanguages } from '../i18n';
import { createHttpTransport, type HttpTransportDeps } from './http';
import type { ConnectionState, Transport, TransportKind } from './types';

export type { ConnectionState, Transport, TransportKind } from './types';

export interface TransportEnv {
  /** `window.api` if the preload exposed it. */
  windowApi?: unknown;
  /** The page URL (location.href). */
  href: string;
  /** Where the token is remembered across reloads of the same tab. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  deps?: Partial<HttpTransportDeps>;
}

const TOKEN_STORAGE_KEY = 'wxopen.sessionToken';

function isWindowApi(value: unknown): value is WindowApi {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WindowApi).invoke === 'function' &&
    typeof (value as WindowApi).on === 'function'
  );
}

/** The session token from `?token=` in the query, or in the hash's query (`#/events?token=`), or remembered. */
export function tokenFromUrl(href: string): string | null {
  const url = new URL(href);
  const fromSearch = url.searchParams.get('token');
  if (fromSearch) return fromSearch;
  const q = url.hash.indexOf('?');
  if (q >= 0) {
    const fromHash = new URLSearchParams(url.hash.slice(q + 1)).get('token');
    if (fromHash) return fromHash;
  }
  return null;
}

function unavailableTransport(text: { message: string; messageZh: string }): Transport {
  return {
    kind: 'none',
    invoke: async () => ({ ok: false, error: { code: 'forbidden', ...text } }) as ApiEnvelope<never>,
    on: () => () => undefined,
    onConnection: (cb) => {
      cb('disconnected');
      return () => undefined;
    },
  };
}

export function selectTransport(env: TransportEnv): Transport {
  if (isWindowApi(env.windowApi)) {
    const ipc = env.windowApi;
    return {
      kind: 'ipc',
      invoke: (method, args) => ipc.invoke(method, args),
      on: (event, cb) => ipc.on(event, cb),
      onConnection: (cb) => {
        cb('connected');
        return () => undefined;
      },
    };
  }
  let token = tokenFromUrl(env.href);
  if (token) env.storage?.setItem(TOKEN_STORAGE_KEY, token);
  else token = env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  if (!token) {
    return unavailableTransport(bothLanguages('transport.noToken'));
  }
  const url = new URL(env.href);
  return createHttpTransport({ origin: url.origin, token, ...env.deps });
}

/**
 * An API error as thrown by `api.invoke`: `code` from the contract, `message` (English) and `messageZh` for people
 * (show it with errorText from i18n), `details` as sent.
 */
export class ApiCallError extends Error {
  readonly code: ApiErrorCode;
  readonly messageZh: string;
  readonly details: unknown;
  readonly method: ApiMethod;

  constructor(method: ApiMethod, error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    // A backend older than the Chinese messages sends none: show its English.
    this.messageZh = typeof error.messageZh === 'string' && error.messageZh ? error.messageZh : error.message;
    this.details = error.details;
    this.method = method;
  }
}

export interface Api {
  readonly kind: TransportKind;
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>;
  on<E extends AppEventName>(event: E, cb: (payload: AppEvents[E]) => void): () => void;
  onConnection(cb: (state: ConnectionState) => void): () => void;
  /**
   * The event socket is back after it dropped (not its first connection): events sent meanwhile never arrived, so
   * whoever shows live data reads it again.
   */
  onReconnect(cb: () => void): () => void;
  /**
   * Sends a call now and keeps its answer for the first `invoke` of the same method and arguments, which then does not
   * ask again. The app's start uses it so the first screen's data travels while the screen renders (issue 9).
   */
  prime<M extends ApiMethod>(method: M, args: ApiArgs<M>): void;
}

const PRIME_TTL_MS = 10_000;

export function createApi(transport: Transport): Api {
  /** Primed answers; one not taken within PRIME_TTL_MS is too old to stand for a new call. */
  const primed = new Map<string, { answer: Promise<ApiEnvelope<unknown>>; at: number }>();
  const primeKey = (method: string, args: unknown) => `${method} ${JSON.stringify(args)}`;
  /** The primed answer for this call, taken (once), if there is a fresh one. */
  function takePrimed(method: string, args: unknown): Promise<ApiEnvelope<unknown>> | null {
    if (primed.size === 0) return null; // every call after the start: no key to build
    const key = primeKey(method, args);
    const early = primed.get(key);
    primed.delete(key);
    return early && Date.now() - early.at < PRIME_TTL_MS ? early.answer : null;
  }
  return {
    kind: transport.kind,
    prime(method, args) {
      const answer = transport.invoke(method, args) as Promise<ApiEnvelope<unknown>>;
      answer.catch(() => undefined); // reported to the invoke that takes it; unclaimed, it is dropped quietly
      const key = primeKey(method, args);
      primed.set(key, { answer, at: Date.now() });
      setTimeout(() => primed.delete(key), PRIME_TTL_MS); // unclaimed: dropped, so later calls build no keys
    },
    async invoke(method, args) {
      let envelope: ApiEnvelope<ApiResult<typeof method>>;
      try {
        envelope = (await (takePrimed(method, args) ?? transport.invoke(method, args))) as ApiEnvelope<ApiResult<typeof method>>;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new ApiCallError(method, { code: 'unavailable', ...bothLanguages('transport.unreachable', { why }) });
      }
      if (!envelope || typeof envelope !== 'object' || typeof envelope.ok !== 'boolean') {
        throw new ApiCallError(method, { code: 'internal', ...bothLanguages('transport.malformed', { method }) });
      }
      if (!envelope.ok) throw new ApiCallError(method, envelope.error);
      return envelope.result;
    },
    on: (event, cb) => transport.on(event, cb),
    onConnection: (cb) => transport.onConnection(cb),
    onReconnect(cb) {
      let connectedOnce = false;
      let dropped = false;
      return transport.onConnection((state) => {
        if (state !== 'connected') {
          dropped = connectedOnce;
          return;
        }
        if (dropped) cb();
        dropped = false;
        connectedOnce = true;
      });
    },
  };
}

let singleton: Api | null = null;

/** The app-wide API, created on first use from the real window. */
export function useApi(): Api {
  if (!singleton) {
    const w = globalThis as unknown as { api?: unknown; location: Location; sessionStorage?: Storage };
    singleton = createApi(
      selectTransport({ windowApi: w.api, href: w.location.href, storage: w.sessionStorage ?? null }),
    );
  }
  return singleton;
}

/** Tests and the app bootstrap may install a specific API. */
export function setApi(next: Api | null): void {
  singleton = next;
}
