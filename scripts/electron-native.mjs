#!/usr/bin/env node
/**
 * postinstall: build a copy of better-sqlite3 for Electron's ABI into .electron-native/better-sqlite3, which the
 * Electron main process loads through better-sqlite3's `nativeBinding` option. Plain Node (tests, CLI, console mode)
 * keeps using node_modules/better-sqlite3 as built for Node.
 *
 * It needs the Electron binary's version and Electron's headers (downloaded by node-gyp from electronjs.org). Where
 * either is missing, or the build fails, it prints ONE note and exits 0: it must never fail `npm install` or CI.
 * Skips at once when the copy is already built for this Electron version, or when WXOPEN_SKIP_ELECTRON_NATIVE=1.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const target = join(root, '.electron-native', 'better-sqlite3');
const stampFile = join(target, '.electron-version');
const BUILD_TIMEOUT_MS = 10 * 60_000;

function note(message) {
  process.stdout.write(`wxopen: electron-native: ${message}\n`);
  process.exit(0);
}

function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

try {
  if (process.env.WXOPEN_SKIP_ELECTRON_NATIVE === '1') note('skipped (WXOPEN_SKIP_ELECTRON_NATIVE=1)');
  if (process.env.CI) note('skipped on CI (tests and console mode use the Node build of better-sqlite3)');

  const electronDir = packageDir('electron');
  const sqliteDir = packageDir('better-sqlite3');
  if (!electronDir || !sqliteDir) note('skipped: electron or better-sqlite3 is not installed');

  // The Electron binary must be present (downloaded now if it is not): without it the app cannot run here anyway.
  const electron = ensureElectronBinary();
  if (!('binary' in electron)) note(`skipped: ${electron.reason}; the desktop app cannot run on this machine (console mode works: npm start)`);
  const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === electronVersion) {
    note(`better-sqlite3 for Electron ${electronVersion} is already built`);
  }

  const nodeGyp = (() => {
    try {
      return require.resolve('node-gyp/bin/node-gyp.js');
    } catch {
      // npm bundles node-gyp
      const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
      return existsSync(bundled) ? bundled : null;
    }
  })();
  if (!nodeGyp) note('skipped: node-gyp was not found (install it to build better-sqlite3 for Electron)');

  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  cpSync(sqliteDir, target, {
    recursive: true,
    // The Node-ABI build output stays behind; node-gyp makes a fresh one.
    filter: (src) => src !== join(sqliteDir, 'build') && !src.startsWith(join(sqliteDir, 'build') + sep),
  });

  const env = { ...process.env };
  delete env.npm_config_nodedir; // the Node headers are wrong for Electron; node-gyp must fetch Electron's
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
      `--devdir=${join(root, '.electron-native', '.gyp')}`,
    ],
    { cwd: target, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: BUILD_TIMEOUT_MS, encoding: 'utf8' },
  );
  const built = join(target, 'build', 'Release', 'better_sqlite3.node');
  if (result.status !== 0 || !existsSync(built)) {
    const output = `${result.stderr ?? ''}${result.error ? result.error.message : ''}`;
    const errorLine = output.split('\n').find((l) => /ERR! stack \w*Error:/.test(l));
    const why = /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET/.test(output)
      ? "Electron's headers could not be downloaded from electronjs.org"
      : (errorLine ?? output.trim().split('\n').pop() ?? `exit ${result.status}`).replace(/^.*ERR! stack /, '').replace(/\s+/g, ' ').slice(0, 200);
    rmSync(target, { recursive: true, force: true });
    note(`could not build better-sqlite3 for Electron ${electronVersion} (${why}); the desktop app will not open its database until this succeeds (rerun: node scripts/electron-native.mjs)`);
  }
  writeFileSync(stampFile, `${electronVersion}\n`);
  note(`built better-sqlite3 for Electron ${electronVersion} in .electron-native/`);
} catch (err) {
  note(`skipped after an unexpected problem: ${String(err?.message ?? err).split('\n')[0]}`);
}
