import type { StoredToken, TokenStorage } from '../../src/main/tokens/token-manager';

/**
 * In-memory TokenStorage for the token manager's tests only. The app uses the SQLite store; this exists so the
 * token tests do not depend on another part. It counts writes so tests can check what was written back.
 */
export class MemoryTokenStorage implements TokenStorage {
  ticket: string | null = null;
  componentToken: StoredToken | null = null;
  readonly authorizerTokens = new Map<string, StoredToken>();
  readonly refreshTokens = new Map<string, string>();
  readonly writes = { componentToken: 0, authorizerToken: 0, refreshToken: 0, invalidations: 0 };

  getTicket(): string | null {
    return this.ticket;
  }
  getComponentToken(): StoredToken | null {
    return this.componentToken ? { ...this.componentToken } : null;
  }
  saveComponentToken(token: StoredToken): void {
    this.writes.componentToken++;
    this.componentToken = { ...token };
  }
  invalidateComponentToken(token: string): void {
    if (this.componentToken?.token === token) {
      this.writes.invalidations++;
      this.componentToken = null;
    }
  }
  getAuthorizerToken(appid: string): StoredToken | null {
    const t = this.authorizerTokens.get(appid);
    return t ? { ...t } : null;
  }
  saveAuthorizerToken(appid: string, token: StoredToken): void {
    this.writes.authorizerToken++;
    this.authorizerTokens.set(appid, { ...token });
  }
  invalidateAuthorizerToken(appid: string, token: string): void {
    if (this.authorizerTokens.get(appid)?.token === token) {
      this.writes.invalidations++;
      this.authorizerTokens.delete(appid);
    }
  }
  getRefreshToken(appid: string): string | null {
    return this.refreshTokens.get(appid) ?? null;
  }
  saveRefreshToken(appid: string, refreshToken: string): void {
    this.writes.refreshToken++;
    this.refreshTokens.set(appid, refreshToken);
  }
}
