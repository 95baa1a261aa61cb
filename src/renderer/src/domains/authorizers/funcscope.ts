/** Permission sets and coded account fields in words for the screen; the words themselves are shared with the export. */
import {
  ACCOUNT_STATUS_WORDS,
  FUNC_SCOPE_KIND,
  FUNC_SCOPE_NAMES as NAMES,
  SERVICE_TYPE_WORDS,
  VERIFY_TYPE_WORDS,
  type Words,
} from '../../../../shared/authorizer-words';
import type { AuthorizerKind } from '../../../../shared/domain';

/** Every named id, official-account sets first, then mini-program sets, each in id order. */
export const KNOWN_FUNC_IDS = Object.keys(NAMES)
  .map(Number)
  .sort((a, b) => (FUNC_SCOPE_KIND[a] === FUNC_SCOPE_KIND[b] ? a - b : FUNC_SCOPE_KIND[a] === 'OA' ? -1 : 1));

const pick = (w: Words, locale: string): string => (locale === 'en' ? w.en : w.zh);
const unknown = (code: number | string, locale: string): string => (locale === 'en' ? `Unknown (${code})` : `未知 (${code})`);

/** "消息管理 (#1)"; an id WeChat added after this list: "未知权限集 (#99)". */
export function funcScopeName(id: number, locale: string): string {
  const n = NAMES[id];
  if (!n) return locale === 'en' ? `Unknown permission set (#${id})` : `未知权限集 (#${id})`;
  return `${pick(n, locale)} (#${id})`;
}

/** service_type_info.id in words for the account's kind: 订阅号 / 服务号 …; null → "—". */
export function serviceTypeText(kind: AuthorizerKind, code: number | null, locale: string): string {
  if (code === null) return '—';
  const w = SERVICE_TYPE_WORDS[kind][code];
  return w ? pick(w, locale) : unknown(code, locale);
}

/** verify_type_info.id in words: 未认证 / 微信认证 …; null → "—". */
export function verifyTypeText(code: number | null, locale: string): string {
  if (code === null) return '—';
  const w = VERIFY_TYPE_WORDS[code];
  return w ? pick(w, locale) : unknown(code, locale);
}

/** account_status in words; null → "—". */
export function accountStatusText(code: number | null, locale: string): string {
  if (code === null) return '—';
  const w = ACCOUNT_STATUS_WORDS[code];
  return w ? pick(w, locale) : unknown(code, locale);
}
