/**
 * The layer rules of .dependency-cruiser.cjs (README "Architecture") over src/, type-only imports included. A broken
 * rule fails here with the rule's name and the offending import. There is no list of known violations: none is allowed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

const depcruise = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

it('every import in src/ keeps to the layer rules', async () => {
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [depcruise, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: repoRoot },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  expect(output, 'a layer rule is broken (rule: importer → imported)').not.toMatch(/\berror\b/);
  expect(code, output).toBe(0);
}, 60_000);
