/**
 * The app's own message compiler (src/renderer/src/i18n/compile.ts) against vue-i18n's: every message of both
 * catalogues, formatted with values for each of its placeholders, must read the same with either.
 */
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { createAppI18n, messages } from '../../src/renderer/src/i18n';
import { compileMessage, parseMessage } from '../../src/renderer/src/i18n/compile';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

describe('the app message compiler', () => {
  it('splits text, named and list placeholders and literals', () => {
    expect(parseMessage("共 {n} 个，例如 1{'|'}2 · {0}")).toEqual(['共 ', { named: 'n' }, ' 个，例如 1|2 · ', { list: 0 }]);
    expect(parseMessage('plain')).toEqual(['plain']);
    expect(parseMessage("{ name }{'@'}")).toEqual([{ named: 'name' }, '@']);
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`formats every ${locale} message as vue-i18n's own compiler does`, () => {
      const ours = createAppI18n(locale).global;
      const theirs = createI18n({ legacy: false, locale, messages, missingWarn: false, fallbackWarn: false }).global;
      const all = leaves(messages[locale] as unknown as Tree);
      expect(all.length).toBeGreaterThan(1000);
      let withPlaceholders = 0;
      for (const [key, source] of all) {
        const values: Record<string, string> = {};
        for (const p of parseMessage(source)) if (typeof p !== 'string' && 'named' in p) values[p.named] = `‹${p.named}›`;
        if (Object.keys(values).length > 0) withPlaceholders++;
        expect(ours.t(key, values), key).toBe(theirs.t(key, values));
      }
      expect(withPlaceholders).toBeGreaterThan(100);
    });
  }

  it('is the compiler the app uses: a bare | or @ reads as written, where vue-i18n would take them as syntax', () => {
    const ours = createAppI18n('en').global;
    const theirs = createI18n({ legacy: false, locale: 'en', messages: { en: {} }, missingWarn: false, fallbackWarn: false, warnHtmlMessage: false }).global;
    const probe = { probe: 'one | two, mail a@b' };
    ours.mergeLocaleMessage('en', probe);
    theirs.mergeLocaleMessage('en', probe);
    expect(ours.t('probe')).toBe('one | two, mail a@b');
    let theirsRead: unknown;
    try {
      theirsRead = theirs.t('probe');
    } catch (err) {
      theirsRead = err; // vue-i18n's compiler refuses the bare @ ("Invalid linked format")
    }
    expect(theirsRead).not.toBe('one | two, mail a@b');
  });
});
