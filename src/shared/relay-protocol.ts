/**
 * Relay protocol v1 (fixed: shared/design/architecture.md, "Fixed: relay protocol v1").
 * Frames on the /desk WebSocket are JSON text frames of these shapes. No Node, no DOM.
 */

export type PushKind = 'component' | 'authorizer' | 'auth_redirect';

/** relay → client: one stored push, in seq order (backlog after the cursor first, then live). */
export interface PushFrame {
  type: 'push';
  seq: number;
  receivedAt: number;
  kind: PushKind;
  /** The authorizer appid for `authorizer` pushes (from the URL path), else null. */
  appid: string | null;
  /** The request's query parameters (timestamp, nonce, msg_signature, signature, encrypt_type, openid, …). */
  query: Record<string, string>;
  /**
   * The raw request body as received. For auth_redirect, a JSON object with auth_code, expires_in and link.
   * Addition 5: for a link whose url is WeChat's /cgi-bin/fastregisterauth page (a mini program registered via an
   * official account), the landing records `{ticket, link}` instead: the desk calls account/fastregister with it.
   */
  body: string;
  /** Epoch ms by which a passive reply must reach the relay (authorizer pushes while a desk is connected), else null. */
  replyDeadline: number | null;
}

/** client → relay: N is the last seq the client has durably processed (0 at first). */
export interface HelloFrame {
  type: 'hello';
  cursor: number;
  /**
   * Addition 1 (optional): the queue id the cursor belongs to, as the client last received it in a `queue` frame.
   * Absent from old clients and from a client that has never seen a `queue` frame.
   */
  queueId?: string;
}

/**
 * Addition 1, relay → client: sent in answer to every hello, before any push.
 * `queueId` is made once with the relay's data folder (a new folder, a lost disk or another relay has another id).
 * `reset` is true when the hello's cursor was NOT taken as an acknowledgement: its queueId differs from this queue's,
 * or the cursor is beyond `newestSeq`. Then nothing is acknowledged and delivery starts at the oldest push the relay
 * still holds; the client must forget its cursor (seqs of another queue mean nothing here), keep `queueId` beside
 * its cursor from now on, and tell the operator. A cursor beyond the relay's newest seq never acknowledges anything.
 */
export interface QueueFrame {
  type: 'queue';
  queueId: string;
  /** The newest seq the relay has stored (0 when empty). */
  newestSeq: number;
  reset: boolean;
}

/**
 * Why the public relay refused a request (4xx) without storing it. The desk shows these in the operator's language;
 * an unknown reason from a newer relay is shown as its code.
 */
export type RefusalReason =
  | 'bad_msg_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'bad_timestamp'
  | 'missing_query'
  | 'repeated_query_key'
  | 'bad_query_encoding'
  | 'no_encrypt'
  | 'encrypt_not_base64'
  | 'body_too_large'
  | 'body_timeout'
  | 'doctype_or_entity'
  | 'not_xml_content_type'
  | 'component_appid_mismatch'
  | 'bad_appid_in_path'
  | 'unknown_link'
  | 'link_used'
  | 'rate_limited'
  | 'too_many_connections'
  | 'method_not_allowed'
  | 'not_found';

/** One refused request, as the relay remembers it (never the body, never a secret). */
export interface Refusal {
  at: number;
  reason: RefusalReason | string;
  status: number;
  /** Path only, no query string. */
  path: string;
  /** The source address as the relay saw it (after trusted proxy headers, if configured). */
  remote: string;
}

/**
 * Addition 2, relay → client: what the relay refused lately. Sent after the `queue` frame and again (at most every
 * few seconds) when a new refusal arrives. Counts cover the last `windowMs` (24 h); `recent` is the newest first,
 * at most 20.
 */
export interface RefusalsFrame {
  type: 'refusals';
  windowMs: number;
  total: number;
  counts: Record<string, number>;
  recent: Refusal[];
}

/** client → relay: cumulative acknowledgement. */
export interface AckFrame {
  type: 'ack';
  seq: number;
}

/** client → relay: the passive reply body for an authorizer push. */
export interface ReplyFrame {
  type: 'reply';
  seq: number;
  body: string;
}

export type RelayToClient = PushFrame | QueueFrame | RefusalsFrame;
export type ClientToRelay = HelloFrame | AckFrame | ReplyFrame;

/** POST /desk/auth-links */
export interface AuthLinkRequest {
  url: string;
  expiresAt: number;
  /**
   * Addition 3 (optional): the link id the desk already put in the redirect_uri (`/authorized?link=<id>`),
   * 16-64 of [A-Za-z0-9_-]. The relay registers the link under it (409 if taken); without it the relay makes one.
   * GET /authorized records an auth_redirect only for a known, unexpired link, once per link.
   * Addition 5: `url` may be WeChat's /cgi-bin/fastregisterauth page; the start page then says "register a mini
   * program", and GET /authorized takes `ticket` (not auth_code) for it.
   */
  id?: string;
}
export interface AuthLinkResponse {
  id: string;
  startUrl: string;
}

/**
 * GET /healthz. Addition 4: without the desk key the answer is only `{ "ok": boolean }`; with
 * `Authorization: Bearer <desk key>` it is the whole RelayHealth.
 */
export interface RelayHealthPublic {
  ok: boolean;
}
export interface RelayHealth {
  ok: boolean;
  queueDepth: number;
  lastPushAt: number | null;
  lastTicketPushAt: number | null;
}

/** Open connections as the relay counts them (addition 4 details). */
export interface RelayConnectionCounts {
  /** Open now: HTTP, desk WebSocket and egress tunnels. */
  open: number;
  /** Distinct source addresses among them. */
  addresses: number;
  /** The caps (config maxConnections, maxConnectionsPerAddress). */
  max: number;
  maxPerAddress: number;
  /** Connections closed at once for being over a cap, since start. */
  refused: number;
}

/**
 * Addition 4 (added with the relay side; additive): what GET /healthz answers with the desk key, RelayHealth and more.
 */
export interface RelayHealthDetails extends RelayHealth {
  queueId: string;
  /** The newest seq stored (0 when empty). */
  newestSeq: number;
  /** The highest seq the desk has acknowledged. */
  ackedSeq: number;
  /** A desk is connected and has said hello. */
  deskConnected: boolean;
  /** How far behind the desk is: age (ms) of the oldest push it has not acknowledged; null when caught up. */
  deskLagMs: number | null;
  connections: RelayConnectionCounts;
  refusals: Omit<RefusalsFrame, 'type'>;
  /** Addition 5: the address the relay's outbound calls leave from (its config's egressIp), when the operator gave it. */
  egressIp?: string;
}
