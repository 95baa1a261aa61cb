import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where scripts/electron-native.mjs puts better-sqlite3 built for Electron's ABI. */
export const ELECTRON_NATIVE_DIR = '.electron-native';

/**
 * The Electron-ABI better_sqlite3.node (for better-sqlite3's `nativeBinding` option), or null when the postinstall
 * step could not build it (then the normal build is tried, which works only if its ABI happens to match).
 */
export function electronSqliteBinding(appRoot: string): string | null {
  const file = join(appRoot, ELECTRON_NATIVE_DIR, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  return existsSync(file) ? file : null;
}
