/**
 * The message compiler the app gives vue-i18n. The catalogues use only plain text, {name} and {0} placeholders and
 * literals written {'|'} (test/renderer/i18n-compile.test.ts formats every message with both compilers and holds them
 * to the same output), so this one handles just that, without vue-i18n's general parser: on a small machine that parser
 * took ~60 ms of the first screen's start for its ~80 messages, and its code is left out of the bundle
 * (__INTLIFY_DROP_MESSAGE_COMPILER__ in electron.vite.config.ts). Issue 9: cold start.
 */
import type { MessageCompiler, MessageContext } from 'vue-i18n';

type Part = string | { named: string } | { list: number };

/** What vue-i18n's message context also carries at run time (left out of its published types). */
interface Formatting {
  normalize(values: unknown[]): string;
  interpolate(value: unknown): unknown;
}

/** {name}, {0}, {'literal'}, with spaces allowed inside the braces as vue-i18n allows them. */
const PLACEHOLDER = /\{\s*(?:'([^']*)'|(\d+)|([A-Za-z_$][\w$-]*))\s*\}/g;

export function parseMessage(source: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let at = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    text += source.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[1] !== undefined) {
      text += m[1];
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push(m[2] !== undefined ? { list: Number(m[2]) } : { named: m[3]! });
  }
  text += source.slice(at);
  if (text) parts.push(text);
  return parts;
}

export const compileMessage: MessageCompiler = (source, context) => {
  if (typeof source !== 'string') return () => context.key; // a precompiled AST: the catalogues have none
  const parts = parseMessage(source);
  if (parts.every((p) => typeof p === 'string')) {
    const text = parts.join('');
    return () => text;
  }
  return (ctx: MessageContext) => {
    const f = ctx as unknown as Formatting;
    return f.normalize(parts.map((p) => (typeof p === 'string' ? p : f.interpolate('named' in p ? ctx.named(p.named) : ctx.list(p.list)))));
  };
};
