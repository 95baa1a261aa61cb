/**
 * `wxopen console [--port P] [--data-dir D] [--no-open]` and `wxopen demo [--port P] [--data-dir D] [--no-open]`.
 * The first stdout line is the console URL (http://127.0.0.1:P/?token=…); diagnostics go to stderr.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, parseFlags } from '../cli/args';
import { RuntimeHost } from '../main/services/host';
import { createPlatformRuntime } from '../main/services/runtime-factory';
import { NodeSecretStore, openStore } from '../main/store';
import { startConsoleServer } from './console-server';
import { createDemoLauncher } from './demo';

const CONSOLE_HELP = `Usage: wxopen console [--port P] [--data-dir D] [--no-open]

Runs the console in your browser: the same API as the desktop window, on 127.0.0.1 only.
  --port P       listen port (default 0: a free port)
  --data-dir D   where the database and key file live (default ~/.wxopen-console)
  --no-open      do not open a browser; just print the URL
With no platform configured, the demo sandbox (simulator + relay on loopback) opens.
The first line printed is the URL with its session token; keep it private.
`;

const DEMO_HELP = `Usage: wxopen demo [--port P] [--data-dir D] [--no-open]

Starts the WeChat simulator, a relay and the console on loopback with generated credentials, 200 seeded
accounts, a ticket push every 30 s and light live message traffic. Data lives in a temporary folder
(removed on exit) unless --data-dir is given. The first line printed is the console URL.
`;

const FLAGS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-open': { type: 'boolean' },
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

  const store = openStore({ path: join(dataDir, 'console.db'), secrets: new NodeSecretStore(join(dataDir, 'secret.key')) });
  const demoLauncher = createDemoLauncher({ store, dataDir, log });
  const host = new RuntimeHost({
    store,
    mode: 'console',
    dataDir,
    version,
    secretStorage: { kind: 'node-aes-256-gcm', insecure: false },
    createRuntime: createPlatformRuntime,
    demo: demoLauncher,
  });
  host.subscribe((event, payload) => {
    if (event === 'alert:new') log((payload as { message: string }).message);
  });

  let server;
  try {
    server = await startConsoleServer({ runtimeHost: host, port, staticDir: join(root, 'out', 'renderer'), log });
  } catch (err) {
    store.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; pick another with --port or use 0`);
    throw err;
  }
  // Fixed contract: the URL is the first line on stdout.
  process.stdout.write(`${server.url}\n`);
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    log('the UI is not built (out/renderer is missing): run "npx electron-vite build" for the screens');
  }

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
  if (!values['no-open']) openBrowser(server.url);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await host.close().catch(() => undefined);
    store.close();
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
