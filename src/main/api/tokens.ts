/** Where a call's token comes from, and the one rule for an invalid token: throw that token away, retry once. */
import { isTokenInvalidError } from './errors';

/** Where a call's token comes from when the client may refresh it (TokenManager provides these). */
export interface TokenSource {
  /** A currently valid token (refreshing it if needed). */
  get(): Promise<string>;
  /** Throw away exactly this token, if it is still the current one: a token someone else already replaced stays. */
  invalidate(token: string): void;
  /** The account the token belongs to, for the API log. */
  readonly appid?: string;
}

/** A bare token (no refresh on 40001/40014/42001, the error surfaces) or a source (refresh and retry once). */
export type TokenArg = string | TokenSource;

/**
 * Run fn with a token from source; on 40001/40014/42001 invalidate that exact token and run fn once more with a
 * fresh one. Shared by WeChatClient and TokenManager.withComponentToken/withAuthorizerToken.
 */
export async function withTokenRetry<T>(source: TokenSource, fn: (token: string) => Promise<T>): Promise<T> {
  const token = await source.get();
  try {
    return await fn(token);
  } catch (err) {
    if (!isTokenInvalidError(err)) throw err;
    source.invalidate(token);
    return fn(await source.get());
  }
}
