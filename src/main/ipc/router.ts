/**
 * The router every transport (Electron IPC, console-mode HTTP) goes through: checks the sender, rejects unknown
 * methods, validates the arguments with the method's zod schema, runs the handler, and answers with one envelope.
 * It never throws: every failure becomes `{ ok: false, error: { code, message, details? } }`.
 */
import { z } from 'zod';
import { isApiMethod, type ApiEnvelope, type ApiError, type Bilingual, type InvalidArgumentsDetails } from '../../shared/contract';
import { explainErrcode } from '../../shared/errcodes';
import { ServiceError, errorText } from '../errors';

/** zod's zh-CN messages, for the Chinese half of invalid_arguments. */
const ZH_ISSUES = z.locales.zhCN().localeError;
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

function fail(code: ApiError['code'], text: Bilingual, details?: unknown): ApiEnvelope<never> {
  const error: ApiError = { code, message: text.en, messageZh: text.zh };
  return { ok: false, error: details === undefined ? error : { ...error, details } };
}

/**
 * "limit: Too big: expected number to be <=500" → a list of field + message in both languages, and one sentence
 * naming them. The Chinese messages come from parsing again with zod's zh-CN locale (only on failure; messages a
 * schema sets itself stay as written).
 */
function describeIssues(error: z.ZodError, zhError: z.ZodError | undefined): { text: Bilingual; details: InvalidArgumentsDetails } {
  const issues = error.issues.map((issue, i) => {
    let path = issue.path.map(String).join('.');
    // Unknown keys are reported on the parent object; name the keys themselves.
    if (issue.code === 'unrecognized_keys') path = [path, ...issue.keys].filter(Boolean).join(', ');
    // A schema's own message is written "English / 中文": each language gets its half.
    const [en, zh] = splitBilingual(issue.message);
    return { path: path || '(arguments)', message: en, messageZh: zh ?? zhError?.issues[i]?.message ?? en };
  });
  return {
    text: { en: issues.map((i) => `${i.path}: ${i.message}`).join('; '), zh: issues.map((i) => `${i.path}：${i.messageZh}`).join('；') },
    details: { issues },
  };
}

/** "English / 中文" → both halves (the Chinese half starts with a Chinese character); other text → [text]. */
function splitBilingual(message: string): [string, string?] {
  const at = message.search(/ \/ (?=[\u3400-\u9fff])/);
  return at < 0 ? [message] : [message.slice(0, at), message.slice(at + 3)];
}

/** Maps anything a handler throws to the envelope's error, its sentence in both languages. */
export function toApiError(err: unknown): ApiError {
  const text = errorText(err);
  const error = (code: ApiError['code'], details?: unknown): ApiError =>
    details === undefined ? { code, message: text.en, messageZh: text.zh } : { code, message: text.en, messageZh: text.zh, details };
  if (err instanceof ServiceError) return error(err.code, err.details);
  const e = err as { name?: string; code?: unknown; message?: string; errcode?: unknown; errmsg?: unknown };
  if (e && typeof e.errcode === 'number') {
    // The WeChat API client's error: explained in Chinese and English (its own message is already scrubbed and may
    // add specifics, e.g. the IP WeChat saw for 61004).
    const rid = typeof (e as { rid?: unknown }).rid === 'string' ? (e as { rid: string }).rid : null;
    const path = typeof (e as { path?: unknown }).path === 'string' ? (e as { path: string }).path : null;
    return error('wechat_error', { path, errcode: e.errcode, errmsg: typeof e.errmsg === 'string' ? e.errmsg : '', rid, explanation: explainErrcode(e.errcode) });
  }
  // The engine's failures to reach something (WeChat, the relay) or to proceed without a ticket / refresh token.
  if (e?.name === 'WeChatTransportError' || e?.name === 'RelayClientError' || e?.name === 'NoTicketError') return error('unavailable');
  if (e?.name === 'NoRefreshTokenError') return error('conflict');
  if (e?.name === 'WeChatInputError') return error('invalid_arguments');
  if (e?.name === 'StoreError') {
    if (e.code === 'not_found') return error('not_found');
    if (e.code === 'invalid_argument') return error('invalid_arguments');
  }
  return { code: 'internal', message: `Unexpected failure: ${text.en}`, messageZh: text.zh };
}

export function createRouter(options: RouterOptions): Router {
  const { handlers, trustSender, onInternalError } = options;
  return {
    async dispatch(method, args, sender) {
      if (!trustSender(sender)) {
        return fail('forbidden', {
          en: 'This caller is not the console window (or lacks the session token); request refused.',
          zh: '调用方不是控制台窗口（或没有会话令牌），请求已拒绝。',
        });
      }
      if (!isApiMethod(method)) {
        const shown = typeof method === 'string' ? `"${method.slice(0, 80)}"` : `a ${typeof method}`;
        return fail('unknown_method', {
          en: `Unknown method ${shown}: the console API has no such method (expected domain/verb, e.g. "events/list").`,
          zh: `未知的方法 ${shown}：控制台 API 没有这个方法（应为 域/动作，例如 "events/list"）。`,
        });
      }
      const parsed = argSchemas[method].safeParse(args === undefined || args === null ? {} : args);
      if (!parsed.success) {
        const zh = argSchemas[method].safeParse(args === undefined || args === null ? {} : args, { error: ZH_ISSUES });
        const { text, details } = describeIssues(parsed.error, zh.success ? undefined : zh.error);
        return fail('invalid_arguments', { en: `Invalid arguments for ${method}: ${text.en}`, zh: `${method} 的参数无效：${text.zh}` }, details);
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
