import type Database from 'better-sqlite3';
import type { MenuButton } from '../../shared/oa/menu';
import type { MenuHistoryEntry, MenuHistoryRepo } from './api';
import { appidArg, intArg, jsonArg, nonEmptyStringArg, optionalInt } from './validate';

interface Row {
  id: number;
  component_appid: string;
  appid: string;
  published_at: number;
  published_by: string;
  menu: string;
  batch_run_id: number | null;
}

/** How many published menus are kept per account (older ones are dropped when a new one is added). */
const KEEP_PER_ACCOUNT = 50;

export class SqlMenuHistory implements MenuHistoryRepo {
  private readonly insertRow: Database.Statement;
  private readonly selectList: Database.Statement<[string, string, number], Row>;
  private readonly selectOne: Database.Statement<[string, number], Row>;
  private readonly trim: Database.Statement<[string, string, string, string, number]>;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO menu_history (component_appid, appid, published_at, published_by, menu, batch_run_id)
       VALUES (@componentAppid, @appid, @publishedAt, @publishedBy, @menu, @batchRunId)`,
    );
    this.selectList = db.prepare('SELECT * FROM menu_history WHERE component_appid = ? AND appid = ? ORDER BY id DESC LIMIT ?');
    this.selectOne = db.prepare('SELECT * FROM menu_history WHERE component_appid = ? AND id = ?');
    this.trim = db.prepare(
      `DELETE FROM menu_history WHERE component_appid = ? AND appid = ? AND id < coalesce((
         SELECT id FROM menu_history WHERE component_appid = ? AND appid = ? ORDER BY id DESC LIMIT 1 OFFSET ?), 0)`,
    );
  }

  add(entry: { componentAppid: string; appid: string; publishedBy: string; menu: { button: MenuButton[] }; batchRunId?: number | null }): MenuHistoryEntry {
    const componentAppid = appidArg(entry.componentAppid);
    const appid = appidArg(entry.appid, 'appid');
    const id = Number(
      this.insertRow.run({
        componentAppid,
        appid,
        publishedAt: this.now(),
        publishedBy: nonEmptyStringArg(entry.publishedBy, 'publishedBy', 200),
        menu: jsonArg(entry.menu, 'menu'),
        batchRunId: optionalInt(entry.batchRunId, 'batchRunId', 1),
      }).lastInsertRowid,
    );
    this.trim.run(componentAppid, appid, componentAppid, appid, KEEP_PER_ACCOUNT - 1);
    return this.get(componentAppid, id)!;
  }

  list(componentAppid: string, appid: string, limit = KEEP_PER_ACCOUNT): MenuHistoryEntry[] {
    return this.selectList.all(appidArg(componentAppid), appidArg(appid, 'appid'), intArg(limit, 'limit', 1, 500)).map(toEntry);
  }

  get(componentAppid: string, id: number): MenuHistoryEntry | null {
    const row = this.selectOne.get(appidArg(componentAppid), intArg(id, 'id', 1));
    return row ? toEntry(row) : null;
  }
}

function toEntry(row: Row): MenuHistoryEntry {
  return {
    id: row.id,
    appid: row.appid,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    menu: JSON.parse(row.menu) as { button: MenuButton[] },
    batchRunId: row.batch_run_id,
  };
}
