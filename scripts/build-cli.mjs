// Bundles the `wxopen` CLI (and everything it starts: simulator, relay, console mode) into dist/cli.mjs.
// Runs on `npm install` (prepare) so `npx wxopen` works without a full build; takes well under a second.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'src/cli/index.ts')],
  outfile: join(root, 'dist/cli.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Native and runtime dependencies stay in node_modules; electron is never part of the CLI.
  packages: 'external',
  banner: { js: "import { createRequire as __wxCreateRequire } from 'node:module'; const require = __wxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
