import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { TokenRecord } from '../../shared/domain';
import type { TokensRepo } from './api';
import type { SecretStore } from './secret-store';
import { appidArg, nonEmptyStringArg, objectArg, timeArg } from './validate';

interface TokenRow {
  token_enc: Buffer;
  expires_at: number;
  obtained_at: number;
}

/** authorizer_appid for the component token itself. */
const COMPONENT = '';

export class SqlTokens implements TokensRepo {
  private readonly selectRow: Database.Statement<[string, string], TokenRow>;
  private readonly upsertRow: Database.Statement;
  private readonly deleteIfHash: Database.Statement<[string, string, Buffer]>;

  constructor(
    db: Database.Database,
    private readonly secrets: SecretStore,
  ) {
    this.selectRow = db.prepare(
      'SELECT token_enc, expires_at, obtained_at FROM tokens WHERE component_appid = ? AND authorizer_appid = ?',
    );
    this.upsertRow = db.prepare(
      `INSERT INTO tokens (component_appid, authorizer_appid, token_enc, token_hash, expires_at, obtained_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (component_appid, authorizer_appid) DO UPDATE SET token_enc = excluded.token_enc,
         token_hash = excluded.token_hash, expires_at = excluded.expires_at, obtained_at = excluded.obtained_at`,
    );
    // One statement, so compare and clear cannot be split by another writer.
    this.deleteIfHash = db.prepare(
      'DELETE FROM tokens WHERE component_appid = ? AND authorizer_appid = ? AND token_hash = ?',
    );
  }

  getComponent(componentAppid: string): TokenRecord | null {
    return this.read(appidArg(componentAppid), COMPONENT);
  }

  setComponent(componentAppid: string, record: TokenRecord): void {
    this.write(appidArg(componentAppid), COMPONENT, record);
  }

  invalidateComponent(componentAppid: string, token: string): boolean {
    return this.invalidate(appidArg(componentAppid), COMPONENT, token);
  }

  getAuthorizer(componentAppid: string, authorizerAppid: string): TokenRecord | null {
    return this.read(appidArg(componentAppid), appidArg(authorizerAppid, 'authorizerAppid'));
  }

  setAuthorizer(componentAppid: string, authorizerAppid: string, record: TokenRecord): void {
    this.write(appidArg(componentAppid), appidArg(authorizerAppid, 'authorizerAppid'), record);
  }

  invalidateAuthorizer(componentAppid: string, authorizerAppid: string, token: string): boolean {
    return this.invalidate(appidArg(componentAppid), appidArg(authorizerAppid, 'authorizerAppid'), token);
  }

  private read(componentAppid: string, subject: string): TokenRecord | null {
    const row = this.selectRow.get(componentAppid, subject);
    if (!row) return null;
    return { token: this.secrets.decrypt(row.token_enc), expiresAt: row.expires_at, obtainedAt: row.obtained_at };
  }

  private write(componentAppid: string, subject: string, record: TokenRecord): void {
    objectArg(record, 'token record');
    const token = nonEmptyStringArg(record.token, 'token', 4000);
    const expiresAt = timeArg(record.expiresAt, 'expiresAt');
    const obtainedAt = timeArg(record.obtainedAt, 'obtainedAt');
    this.upsertRow.run(componentAppid, subject, this.secrets.encrypt(token), hashToken(token), expiresAt, obtainedAt);
  }

  private invalidate(componentAppid: string, subject: string, token: string): boolean {
    nonEmptyStringArg(token, 'token', 4000);
    return this.deleteIfHash.run(componentAppid, subject, hashToken(token)).changes > 0;
  }
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
