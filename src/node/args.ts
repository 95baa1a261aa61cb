/** Shared command-line plumbing: strict flag parsing, usage errors (exit 2), one-line failures on stderr. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user caused with valid syntax (bad signature, wrong key, …): exit 1. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs that turns every parse problem into a UsageError naming the flag. Also refused: a flag given twice (which
 * value was meant?) and an empty value (an unset shell variable: --data-dir "" would mean the current folder).
 */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name) && !options[t.name]?.multiple) throw new UsageError(`--${t.name} is given more than once; give it once`);
    seen.add(t.name);
    if (t.value === '') throw new UsageError(`--${t.name} is empty; give it a value`);
  }
  return parsed;
}

/** The value of a required string flag, or a UsageError naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('this command reads its input from stdin (pipe or redirect a file)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Run a command's main: exit 2 on usage errors, 1 on failures, the returned code otherwise. Long-running commands return null. */
export function runMain(fn: () => Promise<number | null>): void {
  fn().then(
    (code) => {
      if (code !== null) process.exitCode = code;
    },
    (err: unknown) => {
      const e = err as Error;
      const line = (e?.message ?? String(err)).split('\n')[0];
      if (e instanceof UsageError) {
        process.stderr.write(`wxopen: ${line}\n`);
        process.exitCode = 2;
      } else if (e instanceof CommandFailure || e?.name === 'CryptoError' || e?.name === 'XmlError') {
        process.stderr.write(`wxopen: ${line}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`wxopen: unexpected error: ${line}\n`);
        process.exitCode = 1;
      }
    },
  );
}
