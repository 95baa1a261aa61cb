export type StoreErrorCode =
  /** The database was written by a newer app version. */
  | 'newer_schema'
  /** The file cannot be opened or is not a SQLite database. */
  | 'unreadable'
  /** The key file is unsafe (permissions) or malformed. */
  | 'key_file'
  /** A stored secret cannot be decrypted (wrong key, tampered or foreign blob). */
  | 'decrypt'
  /** A caller passed data that would corrupt the store. */
  | 'invalid_argument'
  /** The referenced row does not exist. */
  | 'not_found'
  /** A backup could not be written (the destination exists, or SQLite failed). */
  | 'backup_failed'
  /** Another process holds the data folder's lock. */
  | 'in_use';

/** Every error the store throws on purpose; `.code` says which kind. Messages never contain secret values. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function invalidArgument(message: string): StoreError {
  return new StoreError('invalid_argument', message);
}
