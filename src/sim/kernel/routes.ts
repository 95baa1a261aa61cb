/**
 * API routes, each registered against its endpoint spec (src/wechat/endpoints/): the spec gives the path, the token
 * kind and the request kind, the route adds the handler. The table finds a route by path (and the spec's fixed query).
 */
import type { EndpointSpec } from '../../wechat/spec';
import { ApiError } from './errors';
import type { Principal } from './state';

export interface ApiCtx {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body ({} when the request has none). */
  body: Record<string, unknown>;
  /** The multipart form of an upload (null when the body is not one). */
  form: FormData | null;
  principal: Principal;
  ip: string;
}

/** A binary answer (the JPEG of get_qrcode). */
export class SimBinary {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
    readonly filename: string | null = null,
  ) {}
}

export type ApiResult = Record<string, unknown> | SimBinary;

export interface Route {
  spec: EndpointSpec;
  /** Whether the platform's IP whitelist applies (61004); api_start_push_ticket and clear_quota/v2 are not checked. */
  ipCheck: boolean;
  handler: (ctx: ApiCtx) => ApiResult | Promise<ApiResult>;
}

export function route(spec: EndpointSpec, handler: Route['handler'], opts: { ipCheck?: boolean } = {}): Route {
  return { spec, ipCheck: opts.ipCheck ?? true, handler };
}

export class RouteTable {
  private readonly byPath = new Map<string, Route[]>();

  constructor(routes: readonly Route[]) {
    const names = new Set<string>();
    for (const r of routes) {
      if (names.has(r.spec.name)) throw new Error(`simulator: two routes for the spec ${r.spec.name}`);
      names.add(r.spec.name);
      const list = this.byPath.get(r.spec.path) ?? [];
      list.push(r);
      this.byPath.set(r.spec.path, list);
    }
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The route for this path and query; 'query' when the path is known but no spec's fixed query matches. */
  find(path: string, query: URLSearchParams): Route | 'query' | undefined {
    const list = this.byPath.get(path);
    if (!list) return undefined;
    return list.find((r) => Object.entries(r.spec.query ?? {}).every(([k, v]) => query.get(k) === v)) ?? 'query';
  }

  /** The fixed queries a path takes, for the error when none matched. */
  queriesFor(path: string): string[] {
    return (this.byPath.get(path) ?? []).map((r) => new URLSearchParams(r.spec.query ?? {}).toString());
  }

  specs(): EndpointSpec[] {
    return [...this.byPath.values()].flat().map((r) => r.spec);
  }
}

// --- helpers for handlers ----------------------------------------------------------------------------------------

export const ok = (extra: Record<string, unknown> = {}) => ({ errcode: 0, errmsg: 'ok', ...extra });

export function str(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A required body field: appid-ish → 41002, secret-ish → 41004, anything else → 47001 naming it. */
export function need(body: Record<string, unknown>, name: string): string {
  const v = str(body, name);
  if (v !== undefined) return v;
  if (/appid$/.test(name)) throw new ApiError(41002, `appid missing: ${name}`);
  if (/secret$/.test(name)) throw new ApiError(41004, `appsecret missing: ${name}`);
  throw new ApiError(47001, `data format error: ${name} missing`);
}
