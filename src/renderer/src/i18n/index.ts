/** vue-i18n in composition mode: Chinese first, English second; the choice is remembered and sent to settings. */
import { createI18n } from 'vue-i18n';
import { en } from './en';
import { zhCN } from './zh-CN';
import type { ValidationIssue } from '../lib/validators';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'wxopen.locale';

export const messages = { 'zh-CN': zhCN, en };

export function initialLocale(stored: string | null | undefined, browser: string | undefined): Locale {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  // Chinese unless the browser clearly prefers another language.
  return browser && !browser.toLowerCase().startsWith('zh') && browser.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export function createAppI18n(locale?: Locale) {
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  return createI18n({
    legacy: false,
    locale: locale ?? initialLocale(stored, globalThis.navigator?.language),
    fallbackLocale: 'zh-CN',
    messages,
    missingWarn: false,
    fallbackWarn: false,
  });
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
