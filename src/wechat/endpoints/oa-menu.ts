/** Official-account menus (reference "OA and MP APIs" §1; authorizer token, permission set 15). */
import { endpoint } from '../spec';
import type { MenuButton } from '../../shared/oa/menu';
import type { WeChatBaseResponse } from './common';

export type { MenuButton };

export interface CreateMenuRequest {
  /** 1–3 top-level buttons, each with 1–5 sub-buttons or none. */
  button: MenuButton[];
}
export interface GetMenuResponse extends WeChatBaseResponse {
  menu: { button: MenuButton[]; menuid?: number };
  /** Only when conditional menus exist. */
  conditionalmenu?: { button: MenuButton[]; matchrule: Record<string, unknown>; menuid: number }[];
}
export interface CurrentSelfMenuResponse extends WeChatBaseResponse {
  is_menu_open: number;
  /** Sub-buttons come wrapped as sub_button: {list: […]}. */
  selfmenu_info: { button: Record<string, unknown>[] };
}

const menu = { family: 'oa/menu', token: 'authorizer', tokenParam: 'access_token', answer: 'json', idempotent: true } as const;

export const createMenu = endpoint<CreateMenuRequest, WeChatBaseResponse>({
  ...menu,
  name: 'menu/create',
  method: 'POST',
  path: '/cgi-bin/menu/create',
  request: 'json',
  check: (b) => (Array.isArray(b?.button) && b.button.length >= 1 && b.button.length <= 3 ? null : 'button must be a list of 1–3 buttons'),
});

export const getMenu = endpoint<Record<string, never>, GetMenuResponse>({
  ...menu,
  name: 'menu/get',
  method: 'GET',
  path: '/cgi-bin/menu/get',
  request: 'none',
});

/** Deletes the default menu and every conditional menu. */
export const deleteMenu = endpoint<Record<string, never>, WeChatBaseResponse>({
  ...menu,
  name: 'menu/delete',
  method: 'GET',
  path: '/cgi-bin/menu/delete',
  request: 'none',
});

/** The menu users see, whichever way it was made (API or the editor). */
export const getCurrentSelfMenuInfo = endpoint<Record<string, never>, CurrentSelfMenuResponse>({
  ...menu,
  name: 'get_current_selfmenu_info',
  method: 'GET',
  path: '/cgi-bin/get_current_selfmenu_info',
  request: 'none',
});

/** A conditional menu's match rule. Privacy fields (sex, region, language) are refused with 65320 now. */
export interface MenuMatchRule {
  tag_id?: string;
  /** 1 iOS, 2 Android, 3 others. */
  client_platform_type?: string;
}
export interface AddConditionalMenuRequest {
  button: MenuButton[];
  matchrule: MenuMatchRule;
}
export interface AddConditionalMenuResponse extends WeChatBaseResponse {
  menuid: string;
}

/** A default menu must exist first (65303). */
export const addConditionalMenu = endpoint<AddConditionalMenuRequest, AddConditionalMenuResponse>({
  ...menu,
  name: 'menu/addconditional',
  method: 'POST',
  path: '/cgi-bin/menu/addconditional',
  request: 'json',
  // Not idempotent: a repeat adds a second conditional menu.
  idempotent: false,
  check: (b) =>
    !Array.isArray(b?.button) || b.button.length < 1 || b.button.length > 3
      ? 'button must be a list of 1–3 buttons'
      : !b.matchrule || typeof b.matchrule !== 'object'
        ? 'matchrule is required (tag_id and/or client_platform_type)'
        : null,
});

export const deleteConditionalMenu = endpoint<{ menuid: string }, WeChatBaseResponse>({
  ...menu,
  name: 'menu/delconditional',
  method: 'POST',
  path: '/cgi-bin/menu/delconditional',
  request: 'json',
  check: (b) => (b?.menuid === undefined || String(b.menuid) === '' ? 'menuid is required' : null),
});

/** The menu a user (openid or WeChat ID) would see. */
export const tryMatchMenu = endpoint<{ user_id: string }, { button: MenuButton[] } & WeChatBaseResponse>({
  ...menu,
  name: 'menu/trymatch',
  method: 'POST',
  path: '/cgi-bin/menu/trymatch',
  request: 'json',
  check: (b) => (typeof b?.user_id !== 'string' || b.user_id === '' ? 'user_id (an openid or WeChat ID) is required' : null),
});
