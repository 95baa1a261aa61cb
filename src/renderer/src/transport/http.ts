/**
 * Console-mode transport: POST /api/<method> with the session token header; events over one WebSocket
 * (/events?token=…) that reconnects with backoff while anyone listens.
 */
import {
  HTTP_API_PREFIX,
  HTTP_EVENTS_PATH,
  SESSION_TOKEN_HEADER,
  SESSION_TOKEN_PARAM,
  isAppEventName,
  type ApiEnvelope,
  type AppEventMessage,
} from '../../../shared/contract';
import { bothLanguages } from '../i18n';
import type { ConnectionState, Transport } from './types';

export interface HttpTransportDeps {
  origin: string;
  token: string;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  setTimeout: (fn: () => void, ms: number) => unknown;
  /** Backoff bounds for the events socket. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

export function createHttpTransport(opts: Partial<HttpTransportDeps> & { origin: string; token: string }): Transport {
  const deps: HttpTransportDeps = {
    fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    WebSocket: opts.WebSocket ?? globalThis.WebSocket,
    setTimeout: opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
    minBackoffMs: opts.minBackoffMs ?? 500,
    maxBackoffMs: opts.maxBackoffMs ?? 10_000,
    origin: opts.origin,
    token: opts.token,
  };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'disconnected';
  let backoff = deps.minBackoffMs;
  let reconnectPending = false;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const cb of connectionListeners) cb(next);
  };

  const eventsUrl = (): string => {
    const url = new URL(HTTP_EVENTS_PATH, deps.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set(SESSION_TOKEN_PARAM, deps.token);
    return url.toString();
  };

  const connect = (): void => {
    if (socket || listeners.size === 0) return;
    setState('connecting');
    const ws = new deps.WebSocket(eventsUrl());
    socket = ws;
    ws.onopen = () => {
      backoff = deps.minBackoffMs;
      setState('connected');
    };
    ws.onmessage = (ev: MessageEvent) => {
      let msg: AppEventMessage;
      try {
        msg = JSON.parse(String(ev.data)) as AppEventMessage;
      } catch {
        return; // not ours; the server only sends JSON frames
      }
      if (!msg || !isAppEventName(msg.event)) return;
      for (const cb of listeners.get(msg.event) ?? []) cb(msg.payload);
    };
    ws.onclose = () => {
      socket = null;
      setState('disconnected');
      scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
  };

  const scheduleReconnect = (): void => {
    if (reconnectPending || listeners.size === 0) return;
    reconnectPending = true;
    const wait = backoff;
    backoff = Math.min(deps.maxBackoffMs, backoff * 2);
    deps.setTimeout(() => {
      reconnectPending = false;
      connect();
    }, wait);
  };

  return {
    kind: 'http',
    async invoke(method, args) {
      const res = await deps.fetch(new URL(HTTP_API_PREFIX + method, deps.origin).toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_TOKEN_HEADER]: deps.token },
        body: JSON.stringify(args ?? {}),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      if (body && typeof body === 'object' && typeof (body as { ok?: unknown }).ok === 'boolean') {
        return body as ApiEnvelope<never>;
      }
      // Not an envelope (a proxy, a crash page): say what came back.
      const code = res.status === 401 || res.status === 403 ? 'forbidden' : res.status === 404 ? 'unknown_method' : 'internal';
      return {
        ok: false,
        error: { code, ...bothLanguages('transport.httpStatus', { method, status: res.status, text: text.slice(0, 200) || res.statusText }) },
      } as ApiEnvelope<never>;
    },
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const fn = cb as (payload: unknown) => void;
      set.add(fn);
      connect();
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(event);
        if (listeners.size === 0 && socket) {
          const s = socket;
          socket = null;
          s.onclose = null;
          s.close();
          setState('disconnected');
        }
      };
    },
    onConnection(cb) {
      connectionListeners.add(cb);
      cb(state);
      return () => connectionListeners.delete(cb);
    },
  };
}
