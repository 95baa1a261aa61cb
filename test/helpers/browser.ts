/** What the browser tests share: where Chromium is, how it is started, and a fresh renderer build to serve. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './paths';

/** Debian's Chromium; WXOPEN_CHROMIUM overrides. The browser tests are skipped where it is missing. */
export const CHROMIUM = process.env['WXOPEN_CHROMIUM'] ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const rendererDir = join(repoRoot, 'out', 'renderer');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Newest modification time under a folder. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** Built renderer older than its sources (the renderer, and the contract it imports)? */
function rendererStale(): boolean {
  const index = join(rendererDir, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(newestMtime(join(repoRoot, 'src', 'renderer')), newestMtime(join(repoRoot, 'src', 'shared')));
  return statSync(index).mtimeMs < sources;
}

/**
 * The console server serves out/renderer: build it when missing or older than the sources. Browser test files run in
 * parallel, so one builds while the others wait for its lock.
 */
export async function ensureRendererBuilt(): Promise<void> {
  if (!rendererStale()) return;
  const lock = join(repoRoot, 'out', '.renderer-build-lock');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is taken over after five minutes.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
      if (!existsSync(lock) && !rendererStale()) return;
    }
  }
  try {
    if (!rendererStale()) return;
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`electron-vite build failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
