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
  /** The raw request body as received. For auth_redirect, a JSON object with auth_code, expires_in and link. */
  body: string;
  /** Epoch ms by which a passive reply must reach the relay (authorizer pushes while a desk is connected), else null. */
  replyDeadline: number | null;
}

/** client → relay: N is the last seq the client has durably processed (0 at first). */
export interface HelloFrame {
  type: 'hello';
  cursor: number;
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

export type RelayToClient = PushFrame;
export type ClientToRelay = HelloFrame | AckFrame | ReplyFrame;

/** POST /desk/auth-links */
export interface AuthLinkRequest {
  url: string;
  expiresAt: number;
}
export interface AuthLinkResponse {
  id: string;
  startUrl: string;
}

/** GET /healthz */
export interface RelayHealth {
  ok: boolean;
  queueDepth: number;
  lastPushAt: number | null;
  lastTicketPushAt: number | null;
}
