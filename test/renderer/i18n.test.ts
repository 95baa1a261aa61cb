import { describe, expect, it } from 'vitest';
import { bothLanguages, catalogues, createAppI18n, errorText, mergeMessages, messages, pick } from '../../src/renderer/src/i18n';
import { navItems, routes } from '../../src/renderer/src/router';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe('strings by domain', () => {
  for (const [domain, catalogue] of Object.entries(catalogues)) {
    it(`${domain}: English has exactly the Chinese keys`, () => {
      expect(keys(catalogue.en).sort()).toEqual(keys(catalogue.zhCN).sort());
    });
  }

  it('no two domains define the same string, and merging names the one that is', () => {
    const all = Object.values(catalogues).flatMap((c) => keys(c.zhCN));
    expect(new Set(all).size).toBe(all.length);
    expect(keys(messages['zh-CN']).length).toBe(all.length);
    expect(() => mergeMessages([{ nav: { events: '推送事件' } }, { nav: { events: 'again' } }])).toThrow(
      'i18n: the string nav.events is defined by two domains',
    );
  });

  it('every screen has a title in both languages, and the menu lists the screens in order', () => {
    const i18n = createAppI18n('zh-CN').global;
    for (const route of routes) {
      const title = route.meta?.title;
      if (!title) continue;
      for (const locale of ['zh-CN', 'en'] as const) expect(i18n.te(title, locale), `${title} in ${locale}`).toBe(true);
    }
    expect(navItems.map((n) => n.path)).toEqual(['/dashboard', '/events', '/authorizers', '/authorize', '/menus', '/templates', '/messages', '/mini-programs', '/mp-code', '/code-templates', '/mp-register', '/batch', '/apilog', '/workbench', '/setup']);
    expect(navItems.map((n) => n.key)).toEqual(navItems.map((n) => `nav${n.path.replace('/', '.')}`));
  });

  it('a sentence from the main process is shown in the chosen language; English-only old events show their English', () => {
    expect(pick('ticket stored', '已保存 ticket', 'zh-CN')).toBe('已保存 ticket');
    expect(pick('ticket stored', '已保存 ticket', 'en')).toBe('ticket stored');
    expect(pick('decryption failed (-40007): …', null, 'zh-CN')).toBe('decryption failed (-40007): …');
    const err = Object.assign(new Error('A sync is already running; wait for it to finish.'), { messageZh: '同步正在进行中，请等它完成。' });
    expect(errorText(err, 'zh-CN')).toBe('同步正在进行中，请等它完成。');
    expect(errorText(err, 'en')).toBe('A sync is already running; wait for it to finish.');
    // The transport's own errors come from the catalogue, in both languages.
    expect(bothLanguages('transport.unreachable', { why: 'ECONNREFUSED' })).toEqual({
      message: 'Could not reach the console backend (ECONNREFUSED).',
      messageZh: '无法连接控制台后端（ECONNREFUSED）。',
    });
  });
});
