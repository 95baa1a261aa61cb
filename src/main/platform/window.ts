import { BrowserWindow, session, shell, type WebContents } from 'electron';
import { APP_CSP } from './app-protocol';

/**
 * Electron security checklist, in one place: isolated, sandboxed, no Node in the renderer, CSP on every response,
 * no navigation away from the app, no new windows, no webviews, no permissions. External links open in the system
 * browser only when `isAllowedExternal` says so.
 */
export function hardenWebContents(
  contents: WebContents,
  opts: { appOrigins: () => readonly string[]; isAllowedExternal: (url: string) => boolean },
): void {
  const sameApp = (url: string) => {
    try {
      const u = new URL(url);
      const origin = u.origin !== 'null' ? u.origin : `${u.protocol}//${u.host}`;
      return opts.appOrigins().includes(origin);
    } catch {
      return false;
    }
  };
  contents.on('will-navigate', (event, url) => {
    if (!sameApp(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!sameApp(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (opts.isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** Denies every permission request (camera, notifications, …) and adds the CSP header to every response. */
export function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'wxopen console',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
