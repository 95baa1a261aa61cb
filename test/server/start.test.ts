import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

it('npm start falls back to console mode with one line saying why Electron cannot start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxopen-start-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env, WXOPEN_SKIP_BUILD: '1' };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-open', '--data-dir', dataDir], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const stderrLines: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => stderrLines.push(l));
    const firstStdout = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`start.mjs exited (${code}): ${stderrLines.join(' | ')}`)));
    });
    expect(firstStdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32,}$/);
    const why = stderrLines.filter((l) => l.includes('Electron cannot start'));
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^wxopen: Electron cannot start: .+; running console mode in your browser instead$/);
    const res = await fetch(new URL('/api/app/info', firstStdout), {
      method: 'POST',
      headers: { 'x-wxopen-token': new URL(firstStdout).searchParams.get('token')! },
      body: '{}',
    });
    expect(await res.json()).toMatchObject({ ok: true, result: { mode: 'console', dataDir } });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
