/**
 * Endpoint specs: each WeChat API described once (path, method, token, request and answer shape), so the client
 * (src/main/api/client.ts, `invoke`) and the simulator (src/sim/apis/<family>/) work from the same facts.
 * Protocol only: no Node, no I/O; imports nothing of ours but shared.
 */
import type { z } from 'zod';

/** The API families, as the references group them; the simulator has one folder per family. */
export type ApiFamily =
  | 'component'
  | 'quota'
  | 'oa/menu'
  | 'oa/link'
  | 'oa/template'
  | 'oa/custom-service'
  | 'media'
  | 'mp/register'
  | 'mp/settings'
  | 'mp/template'
  | 'mp/code'
  | 'mp/audit'
  | 'mp/release';

/**
 * Which token the call carries: the platform's component_access_token, an authorizer_access_token, either (the
 * quota APIs act on the account the token belongs to), or none (the call authenticates with the secret).
 */
export type TokenKind = 'component' | 'authorizer' | 'component_or_authorizer' | 'none';

/** The query parameter the token goes in. Component APIs accept either name at WeChat (reference §0). */
export type TokenParam = 'access_token' | 'component_access_token';

/**
 * Where the request's fields go: a JSON body; the query string (GET APIs); a multipart form with one file (the file
 * field as `upload.field`, every other field in the query string); or nowhere.
 */
export type RequestKind = 'json' | 'query' | 'multipart' | 'none';

/** A file to upload. `data` is the content (a Buffer is a Uint8Array); the extension of `filename` is its type. */
export interface FileInput {
  data: Uint8Array | Blob;
  filename: string;
  /** Default: from the extension. */
  contentType?: string;
}

/** A binary answer (e.g. the JPEG of /wxa/get_qrcode). */
export interface BinaryAnswer {
  bytes: Uint8Array;
  contentType: string;
  /** From Content-Disposition, when WeChat sent one. */
  filename: string | null;
}

/** One kind of file an upload API takes, with WeChat's limit. */
export interface UploadKind {
  /** Lower-case extensions without the dot. */
  extensions: readonly string[];
  maxBytes: number;
}

/** The errcodes WeChat answers an upload with when the file breaks a rule (they differ between the APIs). */
export interface UploadErrcodes {
  /** No file in the form. */
  missing: number;
  /** An empty file. */
  empty: number;
  /** The `type` parameter names no kind this API takes (media/upload only). */
  badKind?: number;
  /** The file's type is not one the kind takes. */
  badFormat: number;
  /** Over the kind's size limit. */
  tooLarge: number;
}

export interface UploadSpec {
  /** The form field that carries the file. */
  field: string;
  /**
   * How the kind is chosen: by a request field (media/upload's `type`, sent in the query) or by the file's extension
   * (the first kind that lists it).
   */
  kindFrom: { param: string } | 'extension';
  kinds: Readonly<Record<string, UploadKind>>;
  errcodes: UploadErrcodes;
}

/** What an example request may name: the platform and the account the workbench calls as (null: the platform). */
export interface ExampleContext {
  componentAppid: string;
  authorizerAppid: string | null;
}

/** `check` and `about` are methods (not function-typed properties) so any spec fits EndpointSpec<unknown>. */
export interface EndpointSpec<Req = unknown, Res = unknown> {
  /** Unique; used in errors and logs (e.g. "api_component_token", "wxa/get_qrcode"). */
  readonly name: string;
  readonly family: ApiFamily;
  readonly method: 'GET' | 'POST';
  /** WeChat's path, without the query. */
  readonly path: string;
  /** Fixed query parameters that select this API on a shared path (fastregisterweapp?action=create). */
  readonly query?: Readonly<Record<string, string>>;
  readonly token: TokenKind;
  /** Null exactly when token is 'none'. */
  readonly tokenParam: TokenParam | null;
  readonly request: RequestKind;
  readonly answer: 'json' | 'binary';
  /** Safe to send again when the answer was lost (a repeat changes nothing a caller would regret). */
  readonly idempotent: boolean;
  /** Checks before sending: a problem in words (no API name; the caller prefixes it), or null. */
  check?(req: Req): string | null;
  /**
   * For answers the code relies on: the fields it cannot do without. The client parses the answer with it (unknown
   * keys kept; transforms such as the screenshot spelling applied) and treats a mismatch as a bad response.
   */
  readonly response?: z.ZodType;
  /** The account the call is about, for the API log, when the request names it. */
  about?(req: Req): string | undefined;
  /** 61023 on this call means the authorizer named by `about` must authorize the platform again. */
  readonly reauthOn61023?: boolean;
  readonly upload?: UploadSpec;
  /**
   * A request that passes `check`, for the API workbench to start from (src/wechat/examples.ts holds the examples of
   * specs written before this field; a spec may carry its own here instead). The context gives real appids.
   */
  example?(ctx: ExampleContext): Req;
  /** Type carrier only; never set. */
  readonly _types?: { req: Req; res: Res };
}

export type RequestOf<S> = S extends EndpointSpec<infer Req, unknown> ? Req : never;
export type ResponseOf<S> = S extends EndpointSpec<unknown, infer Res> ? Res : never;

/** Freeze a spec and check the facts that must agree. */
export function endpoint<Req, Res>(spec: EndpointSpec<Req, Res>): EndpointSpec<Req, Res> {
  if ((spec.token === 'none') !== (spec.tokenParam === null)) {
    throw new Error(`endpoint ${spec.name}: tokenParam must be null exactly when token is 'none'`);
  }
  if ((spec.request === 'multipart') !== (spec.upload !== undefined)) {
    throw new Error(`endpoint ${spec.name}: a multipart request needs an upload rule, and only it`);
  }
  if (spec.method === 'GET' && (spec.request === 'json' || spec.request === 'multipart')) {
    throw new Error(`endpoint ${spec.name}: a GET has no body`);
  }
  return Object.freeze(spec);
}

/** The path with the spec's fixed query, e.g. /cgi-bin/component/fastregisterweapp?action=create. */
export function specPath(spec: EndpointSpec): string {
  const q = spec.query ? new URLSearchParams(spec.query).toString() : '';
  return q ? `${spec.path}?${q}` : spec.path;
}

// --- checks shared by the specs ------------------------------------------------------------------------------------

/** The first of `fields` that is not a non-empty string, as a problem, or null. */
export function missingString(req: unknown, fields: readonly string[]): string | null {
  if (req === null || typeof req !== 'object') return `the request body must be an object with ${fields.join(', ')}`;
  const record = req as Record<string, unknown>;
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'string' || value.trim() === '') return `"${field}" is required and must be a non-empty string`;
  }
  return null;
}

/** A check that requires these fields to be non-empty strings. */
export const requireStrings =
  (...fields: string[]) =>
  (req: unknown): string | null =>
    missingString(req, fields);
