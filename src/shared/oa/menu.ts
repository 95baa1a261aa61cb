/**
 * Official-account menu rules ("OA and MP APIs" §1), counted as WeChat counts them (UTF-8 bytes): shared by the menu
 * editor (checks while typing), the batch job (checks before anything is sent) and tests. No Node or DOM imports.
 */

/** A leaf button ({type, name, key?, url?, …}) or a parent ({name, sub_button}), as menu/create takes it. */
export interface MenuButton {
  type?: string;
  name: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: MenuButton[];
}

/** Button types that send an event with a `key`. */
export const KEY_BUTTON_TYPES = [
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
] as const;
export const MENU_BUTTON_TYPES = [
  ...KEY_BUTTON_TYPES,
  'view',
  'miniprogram',
  'media_id',
  'view_limited',
  'article_id',
  'article_view_limited',
] as const;
export type MenuButtonType = (typeof MENU_BUTTON_TYPES)[number];

/** Exactly the fields each type needs (besides name). */
export const FIELDS_OF_TYPE: Record<MenuButtonType, readonly ('key' | 'url' | 'appid' | 'pagepath' | 'media_id' | 'article_id')[]> = {
  click: ['key'],
  scancode_push: ['key'],
  scancode_waitmsg: ['key'],
  pic_sysphoto: ['key'],
  pic_photo_or_album: ['key'],
  pic_weixin: ['key'],
  location_select: ['key'],
  view: ['url'],
  miniprogram: ['url', 'appid', 'pagepath'],
  media_id: ['media_id'],
  view_limited: ['media_id'],
  article_id: ['article_id'],
  article_view_limited: ['article_id'],
};

export const MENU_LIMITS = {
  topButtons: 3,
  subButtons: 5,
  topNameBytes: 16,
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
} as const;

/** One broken rule: where (e.g. "button[1].sub_button[0].name"), which rule, and the rule in both languages. */
export interface MenuIssue {
  path: string;
  rule: 'top_count' | 'sub_count' | 'name_required' | 'name_bytes' | 'type' | 'field_required' | 'key_bytes' | 'url_bytes' | 'url_scheme' | 'not_an_object';
  en: string;
  zh: string;
}

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Every rule the menu breaks (empty: WeChat's limits are met). */
export function menuIssues(menu: unknown): MenuIssue[] {
  const issues: MenuIssue[] = [];
  const buttons = (menu as { button?: unknown } | null)?.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > MENU_LIMITS.topButtons) {
    const n = Array.isArray(buttons) ? buttons.length : 0;
    issues.push({
      path: 'button',
      rule: 'top_count',
      en: `A menu has 1 to ${MENU_LIMITS.topButtons} top-level buttons; this one has ${n}.`,
      zh: `菜单有 1 到 ${MENU_LIMITS.topButtons} 个一级按钮，这里有 ${n} 个。`,
    });
    if (!Array.isArray(buttons)) return issues;
  }
  buttons.forEach((raw, i) => checkButton(raw, `button[${i}]`, false, issues));
  return issues;
}

function checkButton(raw: unknown, path: string, sub: boolean, issues: MenuIssue[]): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path, rule: 'not_an_object', en: 'A button must be an object.', zh: '按钮必须是一个对象。' });
    return;
  }
  const b = raw as MenuButton;
  const maxName = sub ? MENU_LIMITS.subNameBytes : MENU_LIMITS.topNameBytes;
  const level = sub ? { en: 'a sub-button', zh: '二级按钮' } : { en: 'a top-level button', zh: '一级按钮' };
  if (typeof b.name !== 'string' || b.name.trim() === '') {
    issues.push({ path: `${path}.name`, rule: 'name_required', en: 'Every button needs a name.', zh: '每个按钮都需要名称。' });
  } else if (utf8Bytes(b.name) > maxName) {
    issues.push({
      path: `${path}.name`,
      rule: 'name_bytes',
      en: `The name of ${level.en} is at most ${maxName} bytes (a Chinese character is 3); "${b.name}" is ${utf8Bytes(b.name)}.`,
      zh: `${level.zh}名称最多 ${maxName} 字节（一个汉字 3 字节），“${b.name}”有 ${utf8Bytes(b.name)} 字节。`,
    });
  }
  if (!sub && b.sub_button !== undefined) {
    const subs = b.sub_button;
    if (!Array.isArray(subs) || subs.length < 1 || subs.length > MENU_LIMITS.subButtons) {
      const n = Array.isArray(subs) ? subs.length : 0;
      issues.push({
        path: `${path}.sub_button`,
        rule: 'sub_count',
        en: `A top-level button holds 1 to ${MENU_LIMITS.subButtons} sub-buttons (or none, then it needs a type); this one has ${n}.`,
        zh: `一级按钮下有 1 到 ${MENU_LIMITS.subButtons} 个二级按钮（或者没有，那它自己需要类型），这里有 ${n} 个。`,
      });
    }
    if (Array.isArray(subs)) subs.forEach((s, j) => checkButton(s, `${path}.sub_button[${j}]`, true, issues));
    return;
  }
  if (typeof b.type !== 'string' || !(MENU_BUTTON_TYPES as readonly string[]).includes(b.type)) {
    issues.push({
      path: `${path}.type`,
      rule: 'type',
      en: `Unknown button type ${JSON.stringify(b.type ?? '')}: use one of ${MENU_BUTTON_TYPES.join(', ')}.`,
      zh: `未知的按钮类型 ${JSON.stringify(b.type ?? '')}：可选 ${MENU_BUTTON_TYPES.join('、')}。`,
    });
    return;
  }
  for (const field of FIELDS_OF_TYPE[b.type as MenuButtonType]) {
    const v = b[field];
    if (typeof v !== 'string' || v.trim() === '') {
      issues.push({
        path: `${path}.${field}`,
        rule: 'field_required',
        en: `A ${b.type} button needs ${field}.`,
        zh: `${b.type} 类型的按钮需要填写 ${field}。`,
      });
    }
  }
  if (typeof b.key === 'string' && utf8Bytes(b.key) > MENU_LIMITS.keyBytes) {
    issues.push({
      path: `${path}.key`,
      rule: 'key_bytes',
      en: `key is at most ${MENU_LIMITS.keyBytes} bytes; this one is ${utf8Bytes(b.key)}.`,
      zh: `key 最多 ${MENU_LIMITS.keyBytes} 字节，这里有 ${utf8Bytes(b.key)} 字节。`,
    });
  }
  if (typeof b.url === 'string' && b.url !== '') {
    if (utf8Bytes(b.url) > MENU_LIMITS.urlBytes) {
      issues.push({
        path: `${path}.url`,
        rule: 'url_bytes',
        en: `url is at most ${MENU_LIMITS.urlBytes} bytes; this one is ${utf8Bytes(b.url)}.`,
        zh: `url 最多 ${MENU_LIMITS.urlBytes} 字节，这里有 ${utf8Bytes(b.url)} 字节。`,
      });
    }
    if (!/^https?:\/\//i.test(b.url)) {
      issues.push({ path: `${path}.url`, rule: 'url_scheme', en: 'url must start with http:// or https://.', zh: 'url 必须以 http:// 或 https:// 开头。' });
    }
  }
}

const LEAF_FIELDS = ['type', 'name', 'key', 'url', 'media_id', 'article_id', 'appid', 'pagepath'] as const;

/** The menu as WeChat keeps it: only the fields that mean something, sub-buttons in order; for comparing menus. */
export function normalizeMenu(menu: { button: MenuButton[] }): MenuButton[] {
  const one = (b: MenuButton): MenuButton => {
    if (Array.isArray(b.sub_button) && b.sub_button.length > 0) return { name: b.name, sub_button: b.sub_button.map(one) };
    const out: Record<string, string> = {};
    for (const f of LEAF_FIELDS) if (typeof b[f] === 'string' && b[f] !== '') out[f] = b[f] as string;
    return out as unknown as MenuButton;
  };
  return (menu.button ?? []).map(one);
}

export function sameMenu(a: { button: MenuButton[] }, b: { button: MenuButton[] }): boolean {
  return JSON.stringify(normalizeMenu(a)) === JSON.stringify(normalizeMenu(b));
}
