// Bundles the `wxopen` CLI (and everything it starts: simulator, relay, console mode) into dist/cli.mjs, and the
// relay queue's writer thread into dist/queue-writer.js beside it (src/relay/queue.ts starts it from there).
// Runs on `npm install` (prepare) so `npx wxopen` works without a full build; takes well under a second.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Native and runtime dependencies stay in node_modules; electron is never part of the CLI.
  packages: 'external',
  banner: { js: "import { createRequire as __wxCreateRequire } from 'node:module'; const require = __wxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/cli/index.ts')], outfile: join(root, 'dist/cli.mjs') }),
  build({ ...common, entryPoints: [join(root, 'src/relay/queue-writer.ts')], outfile: join(root, 'dist/queue-writer.js') }),
]);
