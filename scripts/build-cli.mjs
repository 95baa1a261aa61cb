// Bundles the `wxopen` CLI (and everything it starts: simulator, relay, console mode) into dist/cli.mjs, and the
// relay queue's writer thread into dist/queue-writer.js beside it (src/relay/queue.ts starts it from there).
// Runs on `npm install` (prepare) so `npx wxopen` works without a full build; takes well under a second.
// The CLI is split at its dynamic imports (dist/cli-chunk-*.mjs beside cli.mjs): a command compiles only what it uses,
// and `wxopen console` prints its URL before loading the engine or the demo sandbox (issue 9: cold start).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Pure-JS packages of many small ES modules go inside the bundle: Node's loader resolves, reads and links each file on
// its own, which took zod 45 ms to load instead of 23 (issue 9: cold start). Native and CommonJS packages stay outside.
const BUNDLED = new Set(['zod', 'fast-xml-parser']);
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Native and runtime dependencies stay in node_modules; electron is never part of the CLI.
  external: [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name)), 'electron'],
  banner: { js: "import { createRequire as __wxCreateRequire } from 'node:module'; const require = __wxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
const dist = join(root, 'dist');
// Chunks of an earlier build would pile up (their names carry a content hash).
try {
  for (const f of readdirSync(dist)) if (f.startsWith('cli-chunk-')) rmSync(join(dist, f));
} catch {
  // no dist/ yet
}
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: join(root, 'src/cli/index.ts') },
    outdir: dist,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-chunk-[hash]',
  }),
  build({ ...common, entryPoints: [join(root, 'src/relay/queue-writer.ts')], outfile: join(root, 'dist/queue-writer.js') }),
]);
