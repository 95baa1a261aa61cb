/**
 * The router every transport (Electron IPC, console-mode HTTP) goes through: checks the sender, rejects unknown
 * methods, validates the arguments with the method's zod schema, runs the handler, and answers with one envelope.
 * It never throws: every failure becomes `{ ok: false, error: { code, message, details? } }`.
 */
import type { z } from 'zod';
import { isApiMethod, type ApiEnvelope, type ApiError, type InvalidArgumentsDetails } from '../../shared/contract';
import { explainErrcode } from '../../shared/errcodes';
import { ServiceError } from '../errors';
import { argSchemas } from './schemas';
import type { ApiHandlers, SenderInfo } from './types';

export interface RouterOptions {
  handlers: ApiHandlers;
  /** True when the sender is the console's own UI (main window frame, or the right session token). */
  trustSender: (sender: SenderInfo) => boolean;
  /** Called with unexpected (internal) errors, for the log. Messages only: never arguments (they may hold secrets). */
  onInternalError?: (method: string, err: unknown) => void;
}

export interface Router {
  dispatch(method: unknown, args: unknown, sender: SenderInfo): Promise<ApiEnvelope<unknown>>;
}

function fail(code: ApiError['code'], message: string, details?: unknown): ApiEnvelope<never> {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/** "limit: Too big: expected number to be <=500" → a list of field + message, and one sentence naming them. */
function describeIssues(error: z.ZodError): { sentence: string; details: InvalidArgumentsDetails } {
  const issues = error.issues.map((issue) => {
    let path = issue.path.map(String).join('.');
    // Unknown keys are reported on the parent object; name the keys themselves.
    if (issue.code === 'unrecognized_keys') path = [path, ...issue.keys].filter(Boolean).join(', ');
    return { path: path || '(arguments)', message: issue.message };
  });
  const sentence = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { sentence, details: { issues } };
}

/** Maps anything a handler throws to the envelope's error. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ServiceError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  const e = err as { name?: string; code?: unknown; message?: string; errcode?: unknown; errmsg?: unknown };
  if (e && typeof e.errcode === 'number') {
    // The WeChat API client's error: explain the errcode in Chinese and English.
    const explanation = explainErrcode(e.errcode);
    const rid = typeof (e as { rid?: unknown }).rid === 'string' ? (e as { rid: string }).rid : null;
    const path = typeof (e as { path?: unknown }).path === 'string' ? (e as { path: string }).path : null;
    // The API client's own message is already scrubbed and may add specifics (e.g. the IP WeChat saw for 61004).
    const english =
      e.name === 'WeChatApiError' && typeof e.message === 'string'
        ? e.message
        : `WeChat refused the call${path ? ` to ${path}` : ''} with errcode ${e.errcode}: ${explanation.en}`;
    return {
      code: 'wechat_error',
      message: `${english} / ${explanation.zh}`,
      details: { path, errcode: e.errcode, errmsg: typeof e.errmsg === 'string' ? e.errmsg : '', rid, explanation },
    };
  }
  // The engine's failures to reach something (WeChat, the relay) or to proceed without a ticket / refresh token.
  if (e?.name === 'WeChatTransportError' || e?.name === 'RelayClientError' || e?.name === 'NoTicketError') {
    return { code: 'unavailable', message: e.message ?? String(err) };
  }
  if (e?.name === 'NoRefreshTokenError') return { code: 'conflict', message: e.message ?? String(err) };
  if (e?.name === 'WeChatInputError') return { code: 'invalid_arguments', message: e.message ?? String(err) };
  if (e?.name === 'StoreError') {
    if (e.code === 'not_found') return { code: 'not_found', message: e.message ?? 'not found' };
    if (e.code === 'invalid_argument') return { code: 'invalid_arguments', message: e.message ?? 'invalid argument' };
    return { code: 'internal', message: `The local database failed: ${e.message}` };
  }
  return { code: 'internal', message: `Unexpected failure: ${e?.message ?? String(err)}` };
}

export function createRouter(options: RouterOptions): Router {
  const { handlers, trustSender, onInternalError } = options;
  return {
    async dispatch(method, args, sender) {
      if (!trustSender(sender)) {
        return fail('forbidden', 'This caller is not the console window (or lacks the session token); request refused.');
      }
      if (!isApiMethod(method)) {
        const shown = typeof method === 'string' ? `"${method.slice(0, 80)}"` : `a ${typeof method}`;
        return fail('unknown_method', `Unknown method ${shown}: the console API has no such method (expected domain/verb, e.g. "events/list").`);
      }
      const parsed = argSchemas[method].safeParse(args === undefined || args === null ? {} : args);
      if (!parsed.success) {
        const { sentence, details } = describeIssues(parsed.error);
        return fail('invalid_arguments', `Invalid arguments for ${method}: ${sentence}`, details);
      }
      try {
        const handler = handlers[method] as (a: unknown, ctx: { sender: SenderInfo }) => Promise<unknown>;
        const result = await handler(parsed.data, { sender });
        return { ok: true, result };
      } catch (err) {
        const error = toApiError(err);
        if (error.code === 'internal') onInternalError?.(method, err);
        return { ok: false, error };
      }
    },
  };
}
