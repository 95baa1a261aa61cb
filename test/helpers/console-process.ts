/**
 * `wxopen console` as its own process (the built CLI), for tests that kill it mid-run: started on a data folder and a
 * simulator URL, it resolves with its URL (the first stdout line) and an `api` caller holding its session token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SESSION_TOKEN_HEADER } from '../../src/shared/contract';
import { cliBundle, repoRoot } from './paths';

export interface ConsoleProcess {
  child: ChildProcess;
  url: string;
  api<T>(method: string, args?: unknown): Promise<T>;
}

export async function startConsoleProcess(dataDir: string, apiBaseUrl: string): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, [cliBundle, 'console', '--no-open', '--data-dir', dataDir, '--api-base-url', apiBaseUrl], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`wxopen console exited ${code}: ${stderr}`)));
  });
  const token = new URL(url).searchParams.get('token')!;
  return {
    child,
    url,
    async api<T>(method: string, args: unknown = {}): Promise<T> {
      const res = await fetch(new URL(`/api/${method}`, url), { method: 'POST', headers: { [SESSION_TOKEN_HEADER]: token }, body: JSON.stringify(args) });
      const envelope = (await res.json()) as { ok: true; result: T } | { ok: false; error: { message: string } };
      if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
      return envelope.result;
    },
  };
}

/** Sends the signal and waits for the process to exit (nothing to do when it already has). */
export async function stopConsoleProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
