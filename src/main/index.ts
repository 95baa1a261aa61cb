/**
 * Electron bootstrap only: lifecycle, the hardened window, the app:// protocol, secret storage, and wiring the
 * router to IPC. Everything else lives in services (no 'electron' import there).
 */
import { app, BrowserWindow, dialog, shell } from 'electron';
import { join } from 'node:path';
import { createPlatformEngine } from './engine';
import { createRouter } from './ipc/router';
import { isTrustedIpcSender } from './ipc/sender';
import { APP_INDEX_URL, APP_ORIGIN, registerAppScheme, serveRenderer } from './platform/app-protocol';
import { connectIpc } from './platform/ipc';
import { electronSqliteBinding } from './platform/native-sqlite';
import { desktopSecrets } from './platform/secrets';
import { createMainWindow, hardenWebContents, lockDownSession } from './platform/window';
import { createHandlers, isAllowedExternalUrl } from './services/handlers';
import { RuntimeHost } from './services/host';
import { acquireDataFolderLock, openStore, type DataFolderLock, type Store } from './store';
import { createDemoLauncher } from '../server/demo';

/** electron-vite sets this in `dev`; in production the renderer comes from app://renderer. */
const DEV_RENDERER_URL = process.env['ELECTRON_RENDERER_URL'] ?? null;
const appOrigins = (): string[] => [APP_ORIGIN, ...(DEV_RENDERER_URL ? [new URL(DEV_RENDERER_URL).origin] : [])];

let mainWindow: BrowserWindow | null = null;
let host: RuntimeHost | null = null;
let store: Store | null = null;
let dataLock: DataFolderLock | null = null;
let relayUrlOfSelected: string | null = null;

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // The running instance gets 'second-instance' and comes to the front.
  process.stderr.write('wxopen: wxopen console 已在运行，已切换到它的窗口 / wxopen console is already running: switched to its window\n');
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  // Every web contents (the window, and anything it might try to create) gets the same lock-down.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      appOrigins,
      isAllowedExternal: (url) => isAllowedExternalUrl(url, relayUrlOfSelected),
    });
  });

  app.on('window-all-closed', () => app.quit());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !host) return;
    event.preventDefault();
    quitting = true;
    void host
      .close()
      .catch(() => undefined)
      .finally(() => {
        store?.close();
        dataLock?.release();
        app.quit();
      });
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('wxopen console could not start', (err as Error)?.message ?? String(err));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  lockDownSession();
  const appRoot = app.getAppPath();
  serveRenderer(join(appRoot, 'out', 'renderer'));

  // better-sqlite3 built for Electron's ABI (scripts/electron-native.mjs); plain Node keeps the normal build.
  const binding = electronSqliteBinding(appRoot);
  if (binding) process.env['WXOPEN_SQLITE_BINDING'] = binding;

  const dataDir = app.getPath('userData');
  // The single-instance lock covers this app; the folder's lock file also keeps out a console-mode process
  // started with --data-dir on the same folder (its error, zh + en, reaches the dialog below).
  dataLock = acquireDataFolderLock(dataDir, 'electron');
  const secrets = desktopSecrets(dataDir);
  store = openStore({ path: join(dataDir, 'console.db'), secrets: secrets.store });
  const log = (line: string) => process.stderr.write(`wxopen: ${line}\n`);
  host = new RuntimeHost({
    store,
    mode: 'electron',
    dataDir,
    version: app.getVersion(),
    secretStorage: secrets.probe,
    createRuntime: createPlatformEngine,
    demo: createDemoLauncher({ store, dataDir, writeDemoSecrets: secrets.bypass, log }),
    openExternal: (url) => shell.openExternal(url),
  });
  const runtimeHost = host;
  secrets.setAllowed(() => runtimeHost.settings().allowInsecureSecretStorage);
  runtimeHost.subscribe((event, payload) => {
    if (event === 'platform:changed') {
      const selected = (payload as { selectedAppid: string | null }).selectedAppid;
      relayUrlOfSelected = selected ? (runtimeHost.store.platforms.get(selected)?.relayUrl ?? null) : null;
    }
    if (event === 'alert:new') log((payload as { message: string }).message);
  });
  void runtimeHost.checkDatabase(); // in the background: a damaged database raises an alert (live, and in app/info)

  const win = createMainWindow(join(import.meta.dirname, '../preload/index.cjs'));
  mainWindow = win;
  win.on('closed', () => {
    mainWindow = null;
  });
  const router = createRouter({
    handlers: createHandlers(runtimeHost),
    trustSender: (sender) =>
      isTrustedIpcSender(sender, {
        webContentsId: mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null,
        allowedOrigins: appOrigins(),
      }),
    onInternalError: (method, err) => log(`${method} failed: ${(err as Error)?.message ?? String(err)}`),
  });
  connectIpc(router, runtimeHost, () => mainWindow);

  await win.loadURL(DEV_RENDERER_URL ?? APP_INDEX_URL);
  const storage = runtimeHost.secretStorage();
  if (storage.warning) {
    log(storage.warning);
    runtimeHost.emit('alert:new', { level: 'warning', code: 'insecure_secret_storage', message: storage.warning, messageZh: storage.warningZh ?? storage.warning, at: Date.now() });
  }
  // The window is up; the platform (or the demo sandbox) starts behind it and reports through events.
  runtimeHost.start().catch((err: unknown) => log((err as Error)?.message ?? String(err)));
}
