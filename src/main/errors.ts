import type { ApiErrorCode } from '../shared/contract';

/**
 * A failure a service reports on purpose: `code` is the envelope's error code and `message` one sentence saying what
 * went wrong and what to do. Never put secret values in the message or details.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
