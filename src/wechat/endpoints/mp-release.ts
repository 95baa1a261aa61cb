/** Releasing the approved version ("OA and MP APIs" §7). */
import { endpoint } from '../spec';
import type { WeChatBaseResponse } from './common';

/** POST with an empty object; 85019 no approved version, 85020 not releasable, 85052 already released. */
export const release = endpoint<Record<string, never>, WeChatBaseResponse>({
  name: 'wxa/release',
  family: 'mp/release',
  method: 'POST',
  path: '/wxa/release',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  // Not idempotent: a repeat of a release that went through answers 85052.
  idempotent: false,
});
