/**
 * The Electron binary, downloading it first when it is missing. Electron's npm package has no install script: the
 * binary comes from GitHub on first use (its install.js), which `npm start` and the postinstall step trigger here so
 * a user's `npm install && npm start` opens the desktop app. Where the download cannot happen, says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function binaryPath(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** @returns {{ binary: string, electronDir: string } | { reason: string }} */
export function ensureElectronBinary({ timeoutMs = 5 * 60_000 } = {}) {
  let electronDir;
  try {
    electronDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const present = binaryPath(electronDir);
  if (present) return { binary: present, electronDir };
  process.stderr.write('wxopen: downloading the Electron binary (first run)…\n');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const downloaded = binaryPath(electronDir);
  if (result.status === 0 && downloaded) return { binary: downloaded, electronDir };
  // The error line, not the stack frames under it (e.g. "TypeError: fetch failed").
  const lines = (result.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  const detail = result.error?.message ?? lines.find((l) => /Error\b/.test(l)) ?? lines.pop() ?? `exit ${result.status}`;
  return { reason: `the Electron binary could not be downloaded (${detail.replace(/\s+/g, ' ').slice(0, 160)})` };
}
