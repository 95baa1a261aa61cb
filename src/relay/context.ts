/** What the relay's parts (intake, delivery, auth pages, egress) share; startRelay (./server.ts) makes one. */
import type { RelayConfig } from './config';
import type { RelayLogger } from './log';
import type { PushQueue } from './queue';
import type { RefusalReport } from './refusal-report';

export interface RelayContext {
  readonly config: RelayConfig;
  readonly queue: PushQueue;
  readonly log: RelayLogger;
  readonly refusals: RefusalReport;
  readonly deskKeyDigest: Buffer;
  readonly trustedProxies: ReadonlySet<string>;
  /** The base URL start pages are built from: config.publicUrl, or the listen URL (publicUrlIsListenUrl) once listening. */
  publicUrl: string;
  /** Set when close() begins: pushes get 503 and nothing more is delivered. */
  closing: boolean;
  lastPushAt: number | null;
  lastTicketPushAt: number | null;
}
