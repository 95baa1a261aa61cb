import { execFileSync } from 'node:child_process';

/** Integration tests spawn `node dist/cli.mjs …` as real processes: bundle the CLI once, fresh. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
}
