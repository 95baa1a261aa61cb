/** Permission-set names for the screen; the names themselves are shared with the export. */
import { FUNC_SCOPE_NAMES as NAMES } from '../../../../shared/authorizer-words';

export const KNOWN_FUNC_IDS = Object.keys(NAMES).map(Number);

export function funcScopeName(id: number, locale: string): string {
  const n = NAMES[id];
  if (!n) return `#${id}`;
  return `${locale === 'en' ? n.en : n.zh} (#${id})`;
}
