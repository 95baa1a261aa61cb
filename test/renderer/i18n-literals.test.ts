/**
 * Every sentence an operator reads in the renderer comes from the domain's i18n.ts (zh-CN and en) or, for sentences
 * the main process made, is picked for the current language (pick / errorText). This scans the renderer's sources
 * for the class coming back: literal text in .vue templates and user-visible attributes, Chinese or English
 * sentences in script string literals (toasts, ElMessage/ElMessageBox, thrown errors, transport errors), and server
 * sentences shown without choosing the language. WXOPEN_I18N_SCAN_ROOT points it at another tree (to check it
 * catches an older renderer).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/renderer/src/i18n';
import { repoRoot } from '../helpers/paths';

const root = process.env['WXOPEN_I18N_SCAN_ROOT'] ?? join(repoRoot, 'src', 'renderer', 'src');

/** Text that is the same in every language: brand and protocol names, field names, units, placeholders of codes. */
const ALLOWED_TEXT = new Set([
  'wxopen', // the product
  '中文', // the language switch names each language in itself
  'English',
  'appid',
  'errcode',
  'rid',
  'seq',
  'ms',
  '#',
  'HTTP',
  'JSON',
  'CSV (UTF-8 BOM)',
  'Excel (XLSX)',
  'InfoType / MsgType / Event',
  'timestamp',
  'nonce',
  'msg_signature',
  'wx…',
  'wx0123456789abcdef',
  '1|2|15',
  '<xml><ToUserName>…</ToUserName><Encrypt>…</Encrypt></xml>',
]);

/**
 * Script literals that are not shown to people: assertions about the program's own use of a helper (a bug, never an
 * operator's input), each named with its file.
 */
const ALLOWED_SCRIPT_LITERALS: Record<string, string[]> = {
  'lib/virtual-list.ts': ['rowHeight must be positive', 'pageSize must be positive', 'pageSize and capacity must be positive'],
  'i18n/index.ts': ['i18n: the string ${path}${key} is defined by two domains'],
  // Word tables with both languages side by side, chosen by the locale argument (no catalogue lookup outside components).
  'lib/format.ts': ['天', '小时', '分', '秒'],
  'domains/authorizers/funcscope.ts': ['未知 (${code})', 'Unknown permission set (#${id})', '未知权限集 (#${id})'],
  // The shell command copied to the clipboard: its option names and variables are the CLI's, not sentences.
  'domains/events/decrypt-command.ts': ['*'],
};

/** Reading these fields shows a sentence the main process made; the renderer must pick the language (pick/errorText). */
const SERVER_SENTENCE = /(?<!ElMessage(?:Box)?)\.(message|failReason|handledNote|lastError|warning)\b(?!Zh)/;
/** Where such fields are read to be matched or passed on, not shown. */
const SERVER_SENTENCE_ALLOWED = new Set(['transport/index.ts', 'transport/http.ts', 'i18n/index.ts', 'domains/events/filter.ts']);

const CJK = /[\u3400-\u9fff\uff00-\uffef]/;
/** An English sentence: three or more words in a row (letters, optionally joined by - or '), spaces or light punctuation between. */
const ENGLISH_SENTENCE = /[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The i18n catalogues themselves, and type declarations, hold text on purpose. */
const isCatalogue = (rel: string) => /(^|\/)i18n\.ts$/.test(rel) || rel === 'i18n/common.ts' || rel.endsWith('.d.ts');

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function stringLiterals(code: string): string[] {
  return [...code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)].map((m) => m[0].slice(1, -1));
}

/** Literal text an operator would read, found in one file. */
export function findLiterals(rel: string, source: string): string[] {
  const found: string[] = [];
  const vue = rel.endsWith('.vue');
  const script = vue ? [...source.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : source;
  const allowedHere = ALLOWED_SCRIPT_LITERALS[rel] ?? [];
  if (!allowedHere.includes('*')) {
    for (const lit of stringLiterals(stripComments(script))) {
      if ((CJK.test(lit) || ENGLISH_SENTENCE.test(lit)) && !allowedHere.includes(lit)) found.push(`script literal: ${lit}`);
    }
  }
  if (vue) {
    const template = /<template>([\s\S]*)<\/template>/.exec(source)?.[1] ?? '';
    const text = template.replace(/\{\{[\s\S]*?\}\}/g, ' ');
    for (const m of text.matchAll(/>([^<>]+)</g)) {
      const t = m[1]!.replace(/[·|]/g, ' ').trim();
      if (/[A-Za-z\u3400-\u9fff]/.test(t) && !ALLOWED_TEXT.has(t) && !t.split(/\s+/).every((w) => ALLOWED_TEXT.has(w) || !/[A-Za-z\u3400-\u9fff]/.test(w))) {
        found.push(`template text: ${t}`);
      }
    }
    const visible = /\s(label|placeholder|title|content|description|empty-text|start-placeholder|end-placeholder|alt|aria-label|[a-z-]+-text)="([^"]*)"/g;
    for (const m of template.matchAll(visible)) {
      if (/[A-Za-z\u3400-\u9fff]/.test(m[2]!) && !ALLOWED_TEXT.has(m[2]!)) found.push(`attribute ${m[1]}: ${m[2]}`);
    }
    // Literals inside interpolations and bound attributes (not class/style/type/test hooks).
    const expressions = [...template.matchAll(/\{\{([\s\S]*?)\}\}|\s:(?!class|style|type|key|data-test)[\w-]+="([^"]*)"|\s@[\w.-]+="([^"]*)"/g)];
    for (const m of expressions) {
      for (const lit of stringLiterals(m[1] ?? m[2] ?? m[3] ?? '')) {
        if (CJK.test(lit) || /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(lit)) found.push(`template literal: ${lit}`);
      }
    }
  }
  if (!SERVER_SENTENCE_ALLOWED.has(rel)) {
    const code = vue ? source.replace(/\sv-(if|else-if|show)="[^"]*"/g, '') : stripComments(source);
    for (const line of code.split('\n')) {
      if (SERVER_SENTENCE.test(line) && !/\bpick\(|\berrorText\(/.test(line)) found.push(`server sentence shown as is: ${line.trim()}`);
    }
  }
  return found;
}

describe('renderer: no hardcoded sentences (every one in zh-CN and en)', () => {
  const files = walk(root)
    .map((p) => relative(root, p).split('\\').join('/'))
    .filter((rel) => /\.(vue|ts)$/.test(rel) && !isCatalogue(rel));

  it('scans the renderer', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)('%s', (rel) => {
    expect(findLiterals(rel, readFileSync(join(root, rel), 'utf8'))).toEqual([]);
  });

  it('catches each kind it looks for', () => {
    const vue = (template: string, script = '') => `<script setup lang="ts">\n${script}\n</script>\n<template>\n${template}\n</template>`;
    expect(findLiterals('x.vue', vue('<p>Could not load</p>'))).toEqual(['template text: Could not load']);
    expect(findLiterals('x.vue', vue('<p>加载失败</p>'))).toEqual(['template text: 加载失败']);
    expect(findLiterals('x.vue', vue('<el-input placeholder="Search accounts" />'))).toEqual(['attribute placeholder: Search accounts']);
    expect(findLiterals('x.vue', vue(`<p>{{ busy ? 'Please wait' : t('x') }}</p>`))).toEqual(['template literal: Please wait']);
    expect(findLiterals('x.vue', vue('', `ElMessage.success('Saved the platform settings');`))).toEqual(['script literal: Saved the platform settings']);
    expect(findLiterals('x.ts', `throw new Error(\`Could not reach \${url} in time\`);`)).toEqual(['script literal: Could not reach ${url} in time']);
    expect(findLiterals('x.ts', `ElMessageBox.confirm('确定删除吗？');`)).toEqual(['script literal: 确定删除吗？']);
    expect(findLiterals('x.vue', vue('<span>{{ d.failReason }}</span>'))).toEqual(['server sentence shown as is: <span>{{ d.failReason }}</span>']);
    expect(findLiterals('x.ts', `error.value = err.message;`)).toEqual(['server sentence shown as is: error.value = err.message;']);
    // …and lets through what is fine: keys, codes, picked sentences.
    expect(findLiterals('x.vue', vue(`<p :class="ok ? 'ok big' : 'bad'">{{ t('events.none') }} appid</p><span v-if="d.failReason">{{ pick(d.failReason, d.failReasonZh, locale) }}</span>`))).toEqual([]);
  });

  it('the zh-CN catalogue has no English sentence (a command the operator copies is not one)', () => {
    const flat = (tree: object, prefix = ''): [string, string][] =>
      Object.entries(tree).flatMap(([k, v]) => (typeof v === 'object' ? flat(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]]));
    const commands = /wxopen [a-z]+ [a-z]+/g;
    const english = flat(messages['zh-CN']).filter(([, v]) => ENGLISH_SENTENCE.test(v.replace(commands, '')));
    expect(english).toEqual([]);
  });
});
