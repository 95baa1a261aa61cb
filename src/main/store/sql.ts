import type Database from 'better-sqlite3';

/**
 * Prepared statements for queries whose text depends on which filters are set. The set of possible texts is
 * small (filters only toggle fixed clauses), so each text is prepared once and reused.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get<Row>(sql: string): Database.Statement<unknown[], Row> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt as Database.Statement<unknown[], Row>;
  }
}

/** A LIKE pattern matching `text` anywhere, with % _ and \ taken literally (use with ESCAPE '\'). */
export function likePattern(text: string): string {
  return '%' + text.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

/** One minute in epoch ms, the bucket of the dashboard counts. */
export const MINUTE_MS = 60_000;

/** Widest range the per-minute dashboard queries accept (bounds the rows they return). */
export const MAX_BUCKET_SPAN_MS = 31 * 24 * 60 * MINUTE_MS;
