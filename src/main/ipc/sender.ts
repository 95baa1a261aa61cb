import type { SenderInfo } from './types';

/**
 * Electron: whether an IPC message comes from the console's own window. The frame must be the main window's top frame
 * and its URL must be the app's own origin (app://renderer in production, the electron-vite dev server in
 * development). Anything else (an iframe, a navigated-away page, another window) is refused.
 */
export function isTrustedIpcSender(
  sender: SenderInfo,
  expected: { webContentsId: number | null; allowedOrigins: readonly string[] },
): boolean {
  if (sender.transport !== 'ipc') return false;
  if (expected.webContentsId === null || sender.webContentsId !== expected.webContentsId) return false;
  if (!sender.isMainFrame) return false;
  let origin: string;
  try {
    const url = new URL(sender.frameUrl);
    // Custom schemes report origin "null"; compare scheme + host instead.
    origin = url.origin !== 'null' ? url.origin : `${url.protocol}//${url.host}`;
  } catch {
    return false;
  }
  return expected.allowedOrigins.includes(origin);
}
