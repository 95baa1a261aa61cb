#!/usr/bin/env node
/**
 * `npm start`: build if needed, then start the desktop app with Electron. Where Electron cannot start (its binary is
 * not installed, there is no display, or it exits at once), print ONE line saying why and run console mode instead:
 * the same UI in a browser, with the demo sandbox when no platform is configured.
 *
 *   npm start                      Electron, else console mode
 *   npm start -- --port 8080       arguments after -- go to console mode (wxopen console --help)
 *   WXOPEN_CONSOLE=1 npm start     skip Electron
 *   WXOPEN_SKIP_BUILD=1            use out/ and dist/ as they are (tests)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
/** An Electron that dies this soon after launch did not really start (missing libraries, no display, …). */
const EARLY_EXIT_MS = 4000;

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function oldestOutput(paths) {
  let oldest = Infinity;
  for (const p of paths) oldest = Math.min(oldest, existsSync(p) ? statSync(p).mtimeMs : 0);
  return oldest;
}

function run(label, cmd, cmdArgs) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`wxopen: ${label} failed (exit ${result.status ?? result.signal}); fix the error above and retry\n`);
    process.exit(1);
  }
}

/** electron-vite build when out/ is missing or older than the sources; the CLI bundle likewise. */
function buildIfNeeded() {
  const sources = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'electron.vite.config.ts')));
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
  if (oldestOutput(outputs) < sources) {
    run('electron-vite build', process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build']);
  }
  if (oldestOutput([join(root, 'dist/cli.mjs')]) < sources) {
    run('building the CLI', process.execPath, [join(root, 'scripts/build-cli.mjs')]);
  }
}

/** The Electron binary, or the reason there is none. */
function findElectron() {
  if (process.env.WXOPEN_CONSOLE === '1') return { reason: 'WXOPEN_CONSOLE=1 is set' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const found = ensureElectronBinary();
  if (!('binary' in found)) return found;
  // better-sqlite3 built for Electron's ABI (postinstall does this; after a first-run download it has not run yet).
  if (!existsSync(join(root, '.electron-native', 'better-sqlite3', '.electron-version'))) {
    spawnSync(process.execPath, [join(root, 'scripts/electron-native.mjs')], { cwd: root, stdio: 'inherit' });
  }
  return found;
}

function runConsole(reason) {
  process.stderr.write(`wxopen: Electron cannot start: ${reason}; running console mode in your browser instead\n`);
  const child = spawn(process.execPath, [join(root, 'dist/cli.mjs'), 'console', ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runElectron(binary) {
  const started = Date.now();
  // Electron's stderr is piped so an early crash can be summarised in one line before falling back.
  const child = spawn(binary, ['.'], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    if (Date.now() - started < EARLY_EXIT_MS) stderr += chunk;
    process.stderr.write(chunk);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => runConsole(`launching ${binary} failed (${err.message})`));
  child.on('exit', (code, signal) => {
    if (code !== 0 && Date.now() - started < EARLY_EXIT_MS) {
      const why = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${code ?? signal}`;
      runConsole(`it exited at once (${why.slice(0, 200)})`);
      return;
    }
    process.exit(code ?? 0);
  });
}

if (process.env.WXOPEN_SKIP_BUILD !== '1') buildIfNeeded();
const electron = findElectron();
if (electron.binary) runElectron(electron.binary);
else runConsole(electron.reason);
