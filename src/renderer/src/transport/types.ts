/** What both transports (IPC, HTTP + WebSocket) provide; its own file so each transport can name it without a cycle. */
import type { WindowApi } from '../../../shared/contract';

export type TransportKind = 'ipc' | 'http' | 'none';
export type ConnectionState = 'connected' | 'connecting' | 'disconnected';

/** What both transports provide: the contract's WindowApi plus how it is connected. */
export interface Transport extends WindowApi {
  readonly kind: TransportKind;
  /** Live-event connection state changes (IPC is always connected). Returns an unsubscribe function. */
  onConnection(cb: (state: ConnectionState) => void): () => void;
}
