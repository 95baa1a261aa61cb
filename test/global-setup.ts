import { execFileSync } from 'node:child_process';
import { cachedAuthorizers100k } from './fixtures/authorizers-100k';

/** Integration tests spawn `node dist/cli.mjs …` as real processes: bundle the CLI once, fresh. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  // The 100,000-authorizer store is built here (once per generator/schema version, cached in .test-data/), outside
  // any hook's timeout; tests open copies of it.
  const { built } = cachedAuthorizers100k();
  if (built) process.stderr.write('test fixture: built the 100,000-authorizer store into .test-data/\n');
}
