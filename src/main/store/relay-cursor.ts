import type Database from 'better-sqlite3';
import type { RelayCursorRepo } from './api';
import { appidArg, intArg } from './validate';

export class SqlRelayCursor implements RelayCursorRepo {
  private readonly selectCursor: Database.Statement<[string], { cursor: number }>;
  private readonly advanceCursor: Database.Statement<[string, number], { cursor: number }>;

  constructor(db: Database.Database) {
    this.selectCursor = db.prepare('SELECT cursor FROM relay_cursor WHERE component_appid = ?');
    this.advanceCursor = db.prepare(
      `INSERT INTO relay_cursor (component_appid, cursor) VALUES (?, ?)
       ON CONFLICT (component_appid) DO UPDATE SET cursor = max(cursor, excluded.cursor)
       RETURNING cursor`,
    );
  }

  getCursor(componentAppid: string): number {
    return this.selectCursor.get(appidArg(componentAppid))?.cursor ?? 0;
  }

  advance(componentAppid: string, seq: number): number {
    return this.advanceUnchecked(appidArg(componentAppid), intArg(seq, 'seq', 0));
  }

  /** For callers that already validated (events.insert, inside its transaction). */
  advanceUnchecked(componentAppid: string, seq: number): number {
    return this.advanceCursor.get(componentAppid, seq)!.cursor;
  }
}
