/**
 * vue-i18n in composition mode: Chinese first, English second; the choice is remembered and sent to settings.
 * Each domain brings its strings (domains/<domain>/i18n.ts, zh-CN and en with the same keys), merged here into one
 * catalogue per language; a key path is owned by one domain only (merging two that define the same string throws).
 * vue-i18n syntax: {name} is a parameter; a literal @ $ | { } is written as a literal such as {'|'}.
 */
import { createI18n } from 'vue-i18n';
import * as apilog from '../domains/apilog/i18n';
import * as app from '../domains/app/i18n';
import * as authorize from '../domains/authorize/i18n';
import * as authorizers from '../domains/authorizers/i18n';
import * as batch from '../domains/batch/i18n';
import * as dashboard from '../domains/dashboard/i18n';
import * as events from '../domains/events/i18n';
import * as menus from '../domains/menus/i18n';
import * as messagesDomain from '../domains/messages/i18n';
import * as miniprograms from '../domains/miniprograms/i18n';
import * as mpregister from '../domains/mpregister/i18n';
import * as relay from '../domains/relay/i18n';
import * as setup from '../domains/setup/i18n';
import * as workbench from '../domains/workbench/i18n';
import * as templates from '../domains/templates/i18n';
import * as mpcode from '../domains/mpcode/i18n';
import type { ValidationIssue } from '../lib/validators';
import * as common from './common';
import { compileMessage } from './compile';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'wxopen.locale';

/** Every domain's strings. */
export const catalogues = { common, app, setup, dashboard, relay, events, authorizers, authorize, menus, templates, messages: messagesDomain, miniprograms, mpcode, mpregister, batch, apilog, workbench };

type Catalogue = (typeof catalogues)[keyof typeof catalogues];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type Messages = UnionToIntersection<Catalogue['zhCN']>;

type Tree = { [key: string]: string | Tree };

/** Deep-merges the domains' strings; a string defined twice is a mistake, named in the error. */
export function mergeMessages(parts: readonly object[], path = ''): Tree {
  const out: Tree = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part) as [string, string | Tree][]) {
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else if (typeof existing === 'object' && typeof value === 'object') {
        out[key] = mergeMessages([existing, value], `${path}${key}.`);
      } else throw new Error(`i18n: the string ${path}${key} is defined by two domains`);
    }
  }
  return out;
}

const all = Object.values(catalogues);
export const messages = {
  'zh-CN': mergeMessages(all.map((c) => c.zhCN)) as Messages,
  en: mergeMessages(all.map((c) => c.en)) as Messages,
};

export function initialLocale(stored: string | null | undefined, browser: string | undefined): Locale {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  // Chinese unless the browser clearly prefers another language.
  return browser && !browser.toLowerCase().startsWith('zh') && browser.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

/** The app's current language, read by code outside components; set by the latest i18n created. */
let activeLocale: { value: unknown } | null = null;

export function createAppI18n(locale?: Locale) {
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  const i18n = createI18n({
    legacy: false,
    locale: locale ?? initialLocale(stored, globalThis.navigator?.language),
    fallbackLocale: 'zh-CN',
    messages,
    messageCompiler: compileMessage,
    missingWarn: false,
    fallbackWarn: false,
  });
  activeLocale = i18n.global.locale as unknown as { value: unknown };
  return i18n;
}

/** The language shown now (of the latest i18n created: the app's), for code outside components (stores). */
export function currentLocale(): Locale {
  return activeLocale?.value === 'en' ? 'en' : 'zh-CN';
}

/**
 * A sentence the main process sent in both languages, for the current (or given) locale: Chinese unless English is
 * chosen. Events stored before the Chinese columns existed have only English, which is shown then.
 */
export function pick(en: string | null | undefined, zh: string | null | undefined, locale: string = currentLocale()): string {
  if (locale === 'en') return en ?? zh ?? '';
  return zh || en || '';
}

/**
 * A catalogue sentence in both languages, for code that builds an error outside any component (the transport):
 * `{name}` parameters only.
 */
export function bothLanguages(key: string, params: Record<string, string | number> = {}): { message: string; messageZh: string } {
  const lookup = (tree: unknown): string => {
    const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
    return String(text ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
  return { message: lookup(messages.en), messageZh: lookup(messages['zh-CN']) };
}

/** What to show for a caught error: an API error's sentence in the current language (its messageZh in zh-CN). */
export function errorText(err: unknown, locale: string = currentLocale()): string {
  if (err instanceof Error) return pick(err.message, (err as { messageZh?: string }).messageZh, locale);
  return typeof err === 'string' ? err : String(err);
}

export function rememberLocale(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** Translate a validation issue. */
export function issueText(t: (key: string, params?: Record<string, unknown>) => string, issue: ValidationIssue | null | undefined): string {
  return issue ? t(issue.key, issue.params ?? {}) : '';
}
