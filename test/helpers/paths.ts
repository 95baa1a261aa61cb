import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliBundle = join(repoRoot, 'dist/cli.mjs');

/** shared/ sits beside the checkout (../shared); CI clones next to it as well. */
export function sharedPath(...parts: string[]): string {
  for (const base of [join(repoRoot, '../shared'), join(repoRoot, 'shared')]) {
    if (existsSync(base)) return join(base, ...parts);
  }
  throw new Error('shared/ not found beside the checkout (expected ../shared)');
}
