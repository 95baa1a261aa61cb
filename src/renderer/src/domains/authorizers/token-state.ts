/**
 * Whether an account's refresh token is usable, as far as the desk knows: missing (none stored), dead (a refresh
 * failed with 61023 and the account was marked needs_reauth, or the check just failed), unauthorized (the account
 * revoked the platform), else stored. Only 'stored' is green.
 */
import type { RefreshTokenHealth } from '../../../../shared/contract';
import type { Authorizer } from '../../../../shared/domain';

export type RefreshTokenState = 'stored' | 'missing' | 'dead' | 'revoked' | 'checkFailed';

export function refreshTokenState(
  a: Pick<Authorizer, 'hasRefreshToken' | 'status'>,
  lastCheck?: Pick<RefreshTokenHealth, 'ok'> | null,
): RefreshTokenState {
  if (a.status === 'revoked') return 'revoked';
  if (!a.hasRefreshToken) return 'missing';
  if (a.status === 'needs_reauth') return 'dead';
  if (lastCheck && !lastCheck.ok) return 'checkFailed';
  return 'stored';
}
