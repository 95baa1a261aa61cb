/** Menus for tests. */
import { FIELDS_OF_TYPE, MENU_BUTTON_TYPES, type MenuButton } from '../../src/shared/oa/menu';

/**
 * Every button type with exactly its fields, spread over three top-level buttons (names cut to `nameChars` of the
 * type). The miniprogram button opens `miniProgram`, which must be linked to the account publishing it (45064).
 */
export function everyTypeMenu(miniProgram: string, nameChars = 8): { button: MenuButton[] } {
  const leaf = (type: string, i: number): MenuButton => {
    const b: Record<string, string> = { type, name: `${type.slice(0, nameChars)}${i}` };
    for (const f of FIELDS_OF_TYPE[type as keyof typeof FIELDS_OF_TYPE]) b[f] = f === 'url' ? `https://example.com/${i}` : f === 'appid' ? miniProgram : `${f}_${i}`;
    return b as unknown as MenuButton;
  };
  const types = [...MENU_BUTTON_TYPES];
  return { button: [0, 1, 2].map((g) => ({ name: `菜单${g}`, sub_button: types.slice(g * 5, g * 5 + 5).map((t, i) => leaf(t, g * 5 + i)) })) };
}
