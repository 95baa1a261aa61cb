/**
 * `wxopen console [--port P] [--data-dir D] [--api-base-url URL] [--no-open]` and `wxopen demo [--port P] [--data-dir D] [--no-open]`.
 * The first stdout line is the console URL (http://127.0.0.1:P/?token=…); diagnostics go to stderr.
 * `wxopen backup [--data-dir D] --out FILE`: an online backup of the data folder's database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandFailure, UsageError, parseFlags, required } from '../node/args';
import { isLoopbackHost } from '../shared/net';
import type { DemoLauncher, RuntimeHost } from '../main/services/host';
import type { PlatformRuntimeFactory } from '../main/runtime';
import { NodeSecretStore, StoreError, acquireDataFolderLock, backupDatabaseFile, openStore, partialBackupPath, type DataFolderLock } from '../main/store';
import { startConsoleServer } from './console-server';
import type { DemoSandboxOptions } from './demo';

const CONSOLE_HELP = `Usage: wxopen console [--port P] [--data-dir D] [--api-base-url URL] [--no-open]

Runs the console in your browser: the same API as the desktop window, on 127.0.0.1 only.
  --port P       listen port (default 0: a free port)
  --data-dir D   where the database and key file live (default ~/.wxopen-console)
  --api-base-url URL   where the WeChat API is for configured platforms (default https://api.weixin.qq.com);
                 e.g. a running \`wxopen sim\`. https, or http on this computer only (tokens travel with every call)
  --no-open      do not open a browser; just print the URL
With no platform configured, the demo sandbox (simulator + relay on loopback) opens.
The first line printed is the URL with its session token; keep it private.
`;

const DEMO_HELP = `Usage: wxopen demo [--port P] [--data-dir D] [--no-open]

Starts the WeChat simulator, a relay and the console on loopback with generated credentials, 200 seeded
accounts, a ticket push every 30 s and light live message traffic. Data lives in a temporary folder
(removed on exit) unless --data-dir is given. The first line printed is the console URL.
`;

const BACKUP_HELP = `Usage: wxopen backup [--data-dir D] --out FILE

Copies D/console.db with SQLite's online backup (consistent even while the console or the app runs) into FILE, a new
file readable only by you (0600; an existing file is never overwritten), then checks the copy (PRAGMA quick_check).
  --data-dir D   the data folder (default ~/.wxopen-console, or WXOPEN_DATA_DIR); the desktop app's is shown on its
                 Setup screen
  --out FILE     the new backup file
Secrets inside stay encrypted with D/secret.key (console mode) or the system keyring (the app): keep that as carefully.
Exit status: 0 written and sound; 1 the backup failed, or the copy fails its check too (the database is damaged: the
copy keeps what could be read); 2 usage error.
`;

const FLAGS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-open': { type: 'boolean' },
  'api-base-url': { type: 'string' },
} as const;

/** The folder holding package.json (works from src/server in tests and from dist/cli.mjs once bundled). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'wxopen-console') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

export function defaultConsoleDataDir(): string {
  return process.env['WXOPEN_DATA_DIR'] || join(homedir(), '.wxopen-console');
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (0 = any free port), got "${raw}"`);
  }
  return Number(raw);
}

/**
 * --api-base-url: an origin (optionally with a path) over https, or http to this computer only, since every call
 * carries an access token. No credentials, query or fragment: the client appends the API's path and query.
 */
export function parseApiBaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api-base-url must be an absolute URL such as https://api.weixin.qq.com or http://127.0.0.1:PORT, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UsageError(`--api-base-url must use https (http only to 127.0.0.1, localhost or [::1]: access tokens travel with every call), got "${raw}"`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(`--api-base-url takes no user name, password, query or fragment, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Opens the URL in the default browser; failures only mean the user opens it by hand. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write('wxopen: could not open a browser; open the URL above by hand\n'));
    child.unref();
  } catch {
    process.stderr.write('wxopen: could not open a browser; open the URL above by hand\n');
  }
}

/**
 * The engine (WeChat API client, undici, XML, the endpoint schemas) and the demo sandbox (simulator + relay) load when
 * first used, from their own chunks of the bundle (scripts/build-cli.mjs splits it): the URL is printed and the first
 * page served without compiling them first (issue 9: cold start).
 */
const createPlatformEngineLater: PlatformRuntimeFactory = async (options) => (await import('../main/engine')).createPlatformEngine(options);

function demoLauncherLater(options: DemoSandboxOptions): DemoLauncher {
  let launcher: Promise<DemoLauncher> | null = null;
  const get = () => (launcher ??= import('./demo').then((m) => m.createDemoLauncher(options)));
  return {
    ensure: async () => (await get()).ensure(),
    stop: async () => {
      if (launcher) await (await launcher).stop();
    },
  };
}

/**
 * The integrity check reads the whole database (in a worker thread, but on a CPU and the disk all the same), so it
 * starts this long after the URL, when the browser has usually loaded the first screen.
 */
const QUICK_CHECK_DELAY_MS = 3000;

interface RunOptions {
  args: string[];
  help: string;
  demo: boolean;
}

async function run({ args, help, demo }: RunOptions): Promise<number | null> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const port = parsePort(values.port);
  if (demo && values['api-base-url'] !== undefined) throw new UsageError('--api-base-url is for wxopen console: the demo runs its own simulator');
  const apiBaseUrl = parseApiBaseUrl(values['api-base-url']);
  const tempDir = demo && !values['data-dir'] ? mkdtempSync(join(tmpdir(), 'wxopen-demo-')) : null;
  const dataDir = resolve(values['data-dir'] ?? tempDir ?? defaultConsoleDataDir());
  const root = packageRoot();
  const version = (() => {
    try {
      return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '0.0.0';
    }
  })();
  const log = (line: string) => process.stderr.write(`wxopen: ${line}\n`);

  // One process per data folder: two would share the relay cursor and overwrite each other's settings.
  let lock: DataFolderLock;
  try {
    lock = acquireDataFolderLock(dataDir, demo ? 'demo' : 'console');
  } catch (err) {
    if (err instanceof StoreError) throw new CommandFailure(err.message);
    throw err;
  }
  const store = openStore({ path: join(dataDir, 'console.db'), secrets: new NodeSecretStore(join(dataDir, 'secret.key')) });
  const demoLauncher = demoLauncherLater({ store, dataDir, log });
  // The host (and, inside the server, the contract and the handlers) is built once the URL is out: the browser opens
  // the page meanwhile, and API requests wait for it (issue 9: cold start).
  let hostReady!: (host: Promise<RuntimeHost>) => void;
  const hostLater = new Promise<RuntimeHost>((resolveHost) => (hostReady = resolveHost));
  const buildHost = async (): Promise<RuntimeHost> => {
    const { RuntimeHost } = await import('../main/services/host');
    const host = new RuntimeHost({
      store,
      mode: 'console',
      dataDir,
      version,
      secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
      createRuntime: createPlatformEngineLater,
      demo: demoLauncher,
      ...(apiBaseUrl ? { apiBaseUrl } : {}),
    });
    host.subscribe((event, payload) => {
      if (event !== 'alert:new') return;
      const { message, messageZh } = payload as { message: string; messageZh?: string };
      log(messageZh ? `${messageZh} / ${message}` : message);
    });
    // In the background, a little after start: a damaged database raises an alert (live, and in app/info).
    setTimeout(() => void host.checkDatabase(), QUICK_CHECK_DELAY_MS).unref();
    return host;
  };

  let server;
  try {
    server = await startConsoleServer({ runtimeHost: hostLater, port, staticDir: join(root, 'out', 'renderer'), log });
  } catch (err) {
    store.close();
    lock.release();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; pick another with --port or use 0`);
    throw err;
  }
  // Fixed contract: the URL is the first line on stdout.
  process.stdout.write(`${server.url}\n`);
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    log('the UI is not built (out/renderer is missing): run "npx electron-vite build" for the screens');
  }
  // API calls wait for the host to have opened its platform (or the demo sandbox), so the first screen shows it
  // rather than "no platform"; the browser starts meanwhile.
  const startHost = async (): Promise<RuntimeHost> => {
    const host = await buildHost();
    try {
      if (demo) {
        const sandbox = await demoLauncher.ensure();
        await host.select(sandbox.componentAppid).catch(() => undefined);
      } else {
        await host.start();
      }
    } catch (err) {
      // Keep serving: the UI shows "no platform" and Setup still works.
      log((err as Error)?.message ?? String(err));
    }
    return host;
  };
  hostReady(startHost());
  if (!values['no-open']) openBrowser(server.url);
  const host = await hostLater;

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await host.close().catch(() => undefined);
    store.close();
    lock.release();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  return null;
}

export async function consoleCommand(args: string[]): Promise<number | null> {
  return run({ args, help: CONSOLE_HELP, demo: false });
}

export async function demoCommand(args: string[]): Promise<number | null> {
  return run({ args, help: DEMO_HELP, demo: true });
}

export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { 'data-dir': { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    process.stdout.write(BACKUP_HELP);
    return 0;
  }
  const out = resolve(required(values, 'out'));
  const dataDir = resolve(values['data-dir'] ?? defaultConsoleDataDir());
  const source = join(dataDir, 'console.db');
  if (!existsSync(source)) {
    throw new UsageError(`no console.db in ${dataDir}: give the data folder with --data-dir (the app shows its own on the Setup screen)`);
  }
  if (existsSync(out)) throw new UsageError(`${out} already exists: choose a new file name (a backup never overwrites a file)`);
  let result;
  // Stopped halfway (Ctrl-C): the unfinished copy goes; --out was never written.
  const stopped = () => {
    rmSync(partialBackupPath(out), { force: true });
    rmSync(`${partialBackupPath(out)}-journal`, { force: true });
    process.stderr.write(`wxopen: backup stopped; ${out} was not written\n`);
    process.exit(130);
  };
  process.once('SIGINT', stopped);
  process.once('SIGTERM', stopped);
  try {
    result = await backupDatabaseFile(source, out);
  } catch (err) {
    throw new CommandFailure(err instanceof StoreError ? err.message : `the backup failed: ${(err as Error).message}`);
  } finally {
    process.off('SIGINT', stopped);
    process.off('SIGTERM', stopped);
  }
  if (!result.integrity.ok) {
    throw new CommandFailure(
      `backup written to ${result.path} (${result.bytes} bytes), but the copy fails its integrity check too ` +
        `(${result.integrity.problems[0]}): ${source} is damaged and the copy keeps what could be read`,
    );
  }
  process.stdout.write(`backup written: ${result.path} (${result.bytes} bytes), integrity check ok\n`);
  return 0;
}
