/** `npm run bench`: every benchmark module in one process run; prints the machine and one table per section. */
import { cpus, totalmem } from 'node:os';
import type { BenchModule, BenchSection } from './types';

const modules: [string, () => Promise<BenchModule>][] = [
  ['crypto and XML', () => import('./crypto')],
  ['engine', () => import('./engine')],
  ['desk delivery', () => import('./desk')],
  ['API client', () => import('./api-client')],
  ['console', () => import('./console')],
  ['relay', () => import('./relay')],
  ['batch runner', () => import('./batch')],
  ['mp release', () => import('./mp-release')],
  ['batch screen', () => import('./batch-screen')],
  ['customer-service messages', () => import('./messages')],
];

function printSection(s: BenchSection): void {
  const widths = s.columns.map((c, i) => Math.max(c.length, ...s.rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: (string | number)[]) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n### ${s.title}\n`);
  console.log(line(s.columns));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of s.rows) console.log(line(r));
  if (s.notes?.length) console.log('\n' + s.notes.map((n) => `- ${n}`).join('\n'));
}

const only = process.argv.slice(2);
console.log(`# wxopen-console benchmarks\n\nmachine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${new Date().toISOString()}`);
for (const [name, load] of modules) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const mod = await load();
  for (const section of await mod.run()) printSection(section);
}
