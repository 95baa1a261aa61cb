import type Database from 'better-sqlite3';
import type { RelayCursorRepo, RelayQueueState } from './api';
import { appidArg, intArg, nonEmptyStringArg } from './validate';

export class SqlRelayCursor implements RelayCursorRepo {
  private readonly selectQueue: Database.Statement<[string], { cursor: number; queue_id: string | null; queue_epoch: number }>;
  private readonly advanceCursor: Database.Statement<[string, number], { cursor: number; queue_epoch: number }>;
  private readonly updateQueueId: Database.Statement<[string, string]>;
  private readonly startQueue: Database.Statement<[string, string], { queue_epoch: number }>;

  constructor(db: Database.Database) {
    this.selectQueue = db.prepare('SELECT cursor, queue_id, queue_epoch FROM relay_cursor WHERE component_appid = ?');
    this.advanceCursor = db.prepare(
      `INSERT INTO relay_cursor (component_appid, cursor) VALUES (?, ?)
       ON CONFLICT (component_appid) DO UPDATE SET cursor = max(cursor, excluded.cursor)
       RETURNING cursor, queue_epoch`,
    );
    this.updateQueueId = db.prepare(
      `INSERT INTO relay_cursor (component_appid, cursor, queue_id) VALUES (?, 0, ?)
       ON CONFLICT (component_appid) DO UPDATE SET queue_id = excluded.queue_id`,
    );
    this.startQueue = db.prepare(
      `INSERT INTO relay_cursor (component_appid, cursor, queue_id, queue_epoch) VALUES (?, 0, ?, 1)
       ON CONFLICT (component_appid) DO UPDATE SET cursor = 0, queue_id = excluded.queue_id, queue_epoch = queue_epoch + 1
       RETURNING queue_epoch`,
    );
  }

  getCursor(componentAppid: string): number {
    return this.selectQueue.get(appidArg(componentAppid))?.cursor ?? 0;
  }

  getQueue(componentAppid: string): RelayQueueState {
    const row = this.selectQueue.get(appidArg(componentAppid));
    return { cursor: row?.cursor ?? 0, queueId: row?.queue_id ?? null, epoch: row?.queue_epoch ?? 0 };
  }

  advance(componentAppid: string, seq: number): number {
    return this.advanceUnchecked(appidArg(componentAppid), intArg(seq, 'seq', 0)).cursor;
  }

  /** For callers that already validated (events.insert, inside its transaction); also says which epoch seq is in. */
  advanceUnchecked(componentAppid: string, seq: number): { cursor: number; epoch: number } {
    const row = this.advanceCursor.get(componentAppid, seq)!;
    return { cursor: row.cursor, epoch: row.queue_epoch };
  }

  setQueueId(componentAppid: string, queueId: string): void {
    this.updateQueueId.run(appidArg(componentAppid), nonEmptyStringArg(queueId, 'queueId', 200));
  }

  startNewQueue(componentAppid: string, queueId: string): number {
    return this.startQueue.get(appidArg(componentAppid), nonEmptyStringArg(queueId, 'queueId', 200))!.queue_epoch;
  }
}
