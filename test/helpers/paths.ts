import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliBundle = join(repoRoot, 'dist/cli.mjs');

/** Test data kept in the repository (test/fixtures/): tests never read outside it, so a clone alone passes. */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts);
}
