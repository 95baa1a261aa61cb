/** Menu rules as WeChat counts them (UTF-8 bytes), each broken rule named with its path, in both languages. */
import { describe, expect, it } from 'vitest';
import { FIELDS_OF_TYPE, MENU_BUTTON_TYPES, menuIssues, sameMenu } from '../../src/shared/oa/menu';

const rules = (menu: unknown) => menuIssues(menu).map((i) => `${i.path} ${i.rule}`);

describe('menu rules', () => {
  it('accepts every button type with exactly its fields', () => {
    const leaf = (type: string) => {
      const b: Record<string, string> = { type, name: type.slice(0, 5) };
      for (const f of FIELDS_OF_TYPE[type as keyof typeof FIELDS_OF_TYPE]) b[f] = f === 'url' ? 'https://example.com/' : `${f}-1`;
      return b;
    };
    const types = [...MENU_BUTTON_TYPES];
    const menu = { button: [0, 1, 2].map((i) => ({ name: `m${i}`, sub_button: types.slice(i * 5, i * 5 + 5).map(leaf) })) };
    expect(types.length).toBeLessThanOrEqual(15);
    expect(menuIssues(menu)).toEqual([]);
  });

  it('counts names, keys and urls in UTF-8 bytes (a Chinese character is 3)', () => {
    expect(rules({ button: [{ type: 'click', name: '五个汉字五', key: 'k' }] })).toEqual([]); // 15 bytes
    expect(rules({ button: [{ type: 'click', name: '六个汉字六个', key: 'k' }] })).toEqual(['button[0].name name_bytes']); // 18
    expect(rules({ button: [{ name: 'p', sub_button: [{ type: 'click', name: '二'.repeat(20), key: 'k' }] }] })).toEqual([]); // 60
    expect(rules({ button: [{ name: 'p', sub_button: [{ type: 'click', name: '二'.repeat(21), key: 'k' }] }] })).toEqual(['button[0].sub_button[0].name name_bytes']);
    expect(rules({ button: [{ type: 'click', name: 'a', key: 'k'.repeat(129) }] })).toEqual(['button[0].key key_bytes']);
    expect(rules({ button: [{ type: 'view', name: 'a', url: 'https://e.com/' + 'u'.repeat(1011) }] })).toEqual(['button[0].url url_bytes']);
  });

  it('names the count, type and field rules', () => {
    expect(rules({ button: [] })).toEqual(['button top_count']);
    expect(rules({ button: [1, 2, 3, 4].map((i) => ({ type: 'click', name: `b${i}`, key: 'k' })) })).toEqual(['button top_count']);
    const six = Array.from({ length: 6 }, (_, i) => ({ type: 'click', name: `s${i}`, key: 'k' }));
    expect(rules({ button: [{ name: 'p', sub_button: six }] })).toEqual(['button[0].sub_button sub_count']);
    expect(rules({ button: [{ type: 'news', name: 'a' }] })).toEqual(['button[0].type type']);
    expect(rules({ button: [{ type: 'miniprogram', name: 'a', url: 'https://e.com/' }] })).toEqual(['button[0].appid field_required', 'button[0].pagepath field_required']);
    expect(rules({ button: [{ type: 'view', name: 'a', url: 'ftp://e.com/' }] })).toEqual(['button[0].url url_scheme']);
    const issue = menuIssues({ button: [{ type: 'click', name: '六个汉字六个', key: 'k' }] })[0]!;
    expect(issue.zh).toContain('最多 16 字节');
    expect(issue.en).toContain('at most 16 bytes');
  });

  it('compares menus as WeChat keeps them', () => {
    const a = { button: [{ type: 'click', name: 'a', key: 'k', sub_button: [] as never[] }] };
    const b = { button: [{ name: 'a', key: 'k', type: 'click', url: '' }] };
    expect(sameMenu(a, b)).toBe(true);
    expect(sameMenu(a, { button: [{ type: 'click', name: 'a', key: 'k2' }] })).toBe(false);
  });
});
