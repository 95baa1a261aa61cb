/**
 * Takes a database file back to an older schema version, as a file written by an older release would be: drops what
 * the later steps created (triggers first, then tables, newest step first) and sets user_version. Tests of a step's
 * migration use it so they keep working as later steps are appended.
 */
import type Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/main/store/migrations';

export function rollBackTo(raw: Database.Database, version: number): void {
  const drops: string[] = [];
  for (const step of MIGRATIONS.slice(version).reverse()) {
    // Columns a later step added to an older table (a column an index uses cannot be dropped: left as it was).
    for (const m of [...step.matchAll(/ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)/gi)].reverse()) {
      try {
        raw.exec(`ALTER TABLE ${m[1]} DROP COLUMN ${m[2]};`);
      } catch {
        // no such table or column (dropped already), or indexed
      }
    }
    for (const m of step.matchAll(/CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/gi)) drops.push(`DROP TRIGGER IF EXISTS ${m[1]};`);
    for (const m of [...step.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/gi)].reverse()) drops.push(`DROP TABLE IF EXISTS ${m[1]};`);
  }
  raw.exec(`${drops.join('\n')}\nPRAGMA user_version = ${version};`);
}
