import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type AppEventMessage } from '../../shared/contract';
import type { Router } from '../ipc/router';
import type { RuntimeHost } from '../services/host';

/** Routes window.api.invoke through the router (which checks the sender) and forwards host events to the window. */
export function connectIpc(router: Router, host: RuntimeHost, getWindow: () => BrowserWindow | null): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, args: unknown) => {
    const frame = event.senderFrame;
    return router.dispatch(method, args, {
      transport: 'ipc',
      frameUrl: frame?.url ?? '',
      // The top frame of the sending page: no parent, and the same frame as the web contents' main frame.
      isMainFrame:
        frame !== null &&
        frame.parent === null &&
        frame.processId === event.sender.mainFrame.processId &&
        frame.routingId === event.sender.mainFrame.routingId,
      webContentsId: event.sender.id,
    });
  });
  const unsubscribe = host.subscribe((event, payload) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return;
    win.webContents.send(IPC_EVENT_CHANNEL, { event, payload } as AppEventMessage);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
  };
}
