import type { ApiArgs, ApiMethod, ApiResult } from '../../shared/contract';

/** Who is calling, as the transport saw it. The router asks `trustSender` before running anything. */
export type SenderInfo =
  /** Electron IPC: the URL of the frame that sent the message, and whether it is the main window's top frame. */
  | { transport: 'ipc'; frameUrl: string; isMainFrame: boolean; webContentsId: number }
  /** Console mode over HTTP: the session token the request carried (null when it carried none). */
  | { transport: 'http'; token: string | null };

export interface CallContext {
  sender: SenderInfo;
}

export type ApiHandler<M extends ApiMethod> = (args: ApiArgs<M>, ctx: CallContext) => Promise<ApiResult<M>>;

/** One handler per contract method; the handler map `satisfies` this type. */
export type ApiHandlers = { [M in ApiMethod]: ApiHandler<M> };

/** The handlers of one domain's methods: a domain's handler file `satisfies HandlersOf<typeof <domain>Methods>`. */
export type HandlersOf<Methods extends object> = { [M in keyof Methods & ApiMethod]: ApiHandler<M> };
