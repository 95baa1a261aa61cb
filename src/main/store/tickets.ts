import type Database from 'better-sqlite3';
import type { TicketRecord } from '../../shared/domain';
import type { TicketsRepo } from './api';
import { appidArg, limitArg, nonEmptyStringArg, timeArg } from './validate';

interface TicketRow {
  id: number;
  component_appid: string;
  ticket: string;
  create_time: number;
  received_at: number;
}

/** A ticket arrives every 10 minutes; keep this many per platform so the history stays bounded. */
const KEEP_PER_PLATFORM = 1000;

export class SqlTickets implements TicketsRepo {
  private readonly insertRow: Database.Statement;
  private readonly selectNewest: Database.Statement<[string, number], TicketRow>;
  private readonly pruneOld: Database.Statement<[string, string, number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      'INSERT INTO tickets (component_appid, ticket, create_time, received_at) VALUES (?, ?, ?, ?)',
    );
    this.selectNewest = db.prepare('SELECT * FROM tickets WHERE component_appid = ? ORDER BY id DESC LIMIT ?');
    this.pruneOld = db.prepare(
      `DELETE FROM tickets WHERE component_appid = ? AND id <=
         (SELECT id FROM tickets WHERE component_appid = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
  }

  add(componentAppid: string, ticket: string, createTime: number, receivedAt?: number): TicketRecord {
    const appid = appidArg(componentAppid);
    nonEmptyStringArg(ticket, 'ticket', 2000);
    timeArg(createTime, 'createTime');
    const at = receivedAt === undefined ? this.now() : timeArg(receivedAt, 'receivedAt');
    return this.db.transaction(() => {
      const id = Number(this.insertRow.run(appid, ticket, createTime, at).lastInsertRowid);
      this.pruneOld.run(appid, appid, KEEP_PER_PLATFORM);
      return { id, componentAppid: appid, ticket, createTime, receivedAt: at };
    })();
  }

  latest(componentAppid: string): TicketRecord | null {
    const row = this.selectNewest.get(appidArg(componentAppid), 1);
    return row ? toRecord(row) : null;
  }

  list(componentAppid: string, limit?: number): TicketRecord[] {
    return this.selectNewest.all(appidArg(componentAppid), limitArg(limit, 50, KEEP_PER_PLATFORM)).map(toRecord);
  }
}

function toRecord(row: TicketRow): TicketRecord {
  return {
    id: row.id,
    componentAppid: row.component_appid,
    ticket: row.ticket,
    createTime: row.create_time,
    receivedAt: row.received_at,
  };
}
