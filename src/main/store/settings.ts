import type Database from 'better-sqlite3';
import type { SettingsRepo } from './api';
import { invalidArgument } from './errors';
import { appidArg, jsonArg, nonEmptyStringArg } from './validate';

/** component_appid '' holds global settings. */
const GLOBAL = '';

export class SqlSettings implements SettingsRepo {
  private readonly selectOne: Database.Statement<[string, string], { value: string }>;
  private readonly selectAll: Database.Statement<[string], { key: string; value: string }>;
  private readonly upsertRow: Database.Statement<[string, string, string]>;
  private readonly deleteRow: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT value FROM settings WHERE component_appid = ? AND key = ?');
    this.selectAll = db.prepare('SELECT key, value FROM settings WHERE component_appid = ? ORDER BY key');
    this.upsertRow = db.prepare(
      `INSERT INTO settings (component_appid, key, value) VALUES (?, ?, ?)
       ON CONFLICT (component_appid, key) DO UPDATE SET value = excluded.value`,
    );
    this.deleteRow = db.prepare('DELETE FROM settings WHERE component_appid = ? AND key = ?');
  }

  get<T = unknown>(key: string, componentAppid?: string | null): T | undefined {
    const row = this.selectOne.get(scope(componentAppid), nonEmptyStringArg(key, 'setting key', 200));
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown, componentAppid?: string | null): void {
    nonEmptyStringArg(key, 'setting key', 200);
    if (value === undefined) throw invalidArgument('a setting value must not be undefined: use settings.delete to remove it');
    this.upsertRow.run(scope(componentAppid), key, jsonArg(value, `setting ${key}`));
  }

  delete(key: string, componentAppid?: string | null): boolean {
    return this.deleteRow.run(scope(componentAppid), nonEmptyStringArg(key, 'setting key', 200)).changes > 0;
  }

  all(componentAppid?: string | null): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const row of this.selectAll.all(scope(componentAppid))) out[row.key] = JSON.parse(row.value);
    return out;
  }
}

function scope(componentAppid: string | null | undefined): string {
  return componentAppid === null || componentAppid === undefined ? GLOBAL : appidArg(componentAppid);
}
