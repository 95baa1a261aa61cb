#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/cli.mjs by `npm install` (prepare) and `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('wxopen: dist/cli.mjs is missing; run `npm run build:cli` (or `npm install`) in the project folder first\n');
  process.exit(2);
}
await import(pathToFileURL(bundle).href);
