/**
 * The data folder's health as the operator sees it: the start-up integrity check's alert (what to do, zh and en)
 * and backups into <data folder>/backups/. No 'electron' import.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AppEvents, SetupBackupResult } from '../../shared/contract';
import type { IntegrityReport, Store } from '../store';
import { ensurePrivateFolder } from '../store/file-modes';

export const BACKUPS_FOLDER = 'backups';
export const DATABASE_DAMAGED = 'database_damaged';

/** The alert for a database that failed quick_check: what is wrong and what to do, in Chinese and English. */
export function databaseDamagedAlert(report: IntegrityReport, dbPath: string, dataDir: string): AppEvents['alert:new'] {
  const first = report.problems[0] ?? 'unknown';
  const n = report.problems.length;
  const cli = `wxopen backup --data-dir "${dataDir}" --out <file>`;
  const recover = `sqlite3 "${dbPath}" ".recover" | sqlite3 <new file>`;
  return {
    level: 'error',
    code: DATABASE_DAMAGED,
    message:
      `The database ${dbPath} is damaged: the integrity check at start found ${n}${n >= 20 ? '+' : ''} problem(s) (first: ${first}). ` +
      `Screens that read the damaged part will fail with "database disk image is malformed". ` +
      `Back it up now (Setup → Back up the database, or ${cli}); then quit and either restore an earlier backup as ` +
      `console.db or rebuild it with ${recover}, and start again.`,
    messageZh:
      `数据库 ${dbPath} 已损坏：启动时的完整性检查发现 ${n}${n >= 20 ? '+' : ''} 处问题（第一处：${first}）。` +
      `读取损坏部分的页面会报 "database disk image is malformed"。` +
      `请立即备份（设置 → 备份数据库，或 ${cli}）；然后退出，用更早的备份替换 console.db，或用 ${recover} 重建，再重新启动。`,
    at: report.checkedAt,
  };
}

/** Backs the store up into <dataDir>/backups/console-<UTC time>.db (a new 0600 file in a 0700 folder). */
export async function backupIntoDataFolder(store: Store, dataDir: string, now = new Date()): Promise<SetupBackupResult> {
  const folder = join(dataDir, BACKUPS_FOLDER);
  ensurePrivateFolder(folder);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15); // 20261130-160503
  const stem = basename(store.path).replace(/\.(db|sqlite)$/, '');
  let path = join(folder, `${stem}-${stamp}.db`);
  for (let n = 2; existsSync(path); n++) path = join(folder, `${stem}-${stamp}-${n}.db`);
  const result = await store.backup(path);
  return { path: result.path, bytes: result.bytes, ok: result.integrity.ok, problems: result.integrity.problems };
}
