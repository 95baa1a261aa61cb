/** Official accounts: menus (both sources, publish with read-back, delete, conditional menus, history). */
import type { MenuButton } from '../oa/menu';
import { defineMethods, returns } from './define';

/** A button as get_current_selfmenu_info shows it: also the MP editor's own types (text, img, news, …) with `value`. */
export interface EditorMenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  value?: string;
  appid?: string;
  pagepath?: string;
  media_id?: string;
  article_id?: string;
  sub_button?: EditorMenuButton[];
}

export interface MenuOverview {
  /** The menu made through the API (menu/get), or null when there is none. */
  api: { button: MenuButton[]; menuid: number | null } | null;
  conditional: { button: MenuButton[]; matchrule: { tag_id?: string; client_platform_type?: string }; menuid: string }[];
  /** What followers see now, whichever way it was made. */
  live: { open: boolean; button: EditorMenuButton[] };
  /** Where the live menu comes from: publishing over an 'editor' menu replaces it (warn first). */
  source: 'api' | 'editor' | 'none';
}

export interface PublishResult {
  historyId: number;
  /** menu/get right after publishing. */
  readBack: { button: MenuButton[] };
  /** The read-back equals what was published. */
  identical: boolean;
}

/** A mini program linked to an official account (wxamplinkget). */
export interface LinkedMiniProgram {
  appid: string;
  nickname: string;
  username: string;
  /** 1 linked (the only one a menu may open); 2 waiting for the mini program's admin; 3 refused; 12 waiting for the official account's admin. */
  status: number;
  released: boolean;
}

export interface MenuHistoryRow {
  id: number;
  appid: string;
  publishedAt: number;
  publishedBy: string;
  menu: { button: MenuButton[] };
  batchRunId: number | null;
}

export const oaMethods = defineMethods({
  'oa/getMenu': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MenuOverview>() },
  /** Checks WeChat's rules (invalid_arguments names each broken one), publishes, reads back, records the history. */
  'oa/publishMenu': {
    args: ({ z, appid }) => z.strictObject({ appid, menu: z.strictObject({ button: z.array(z.unknown()).max(10) }) }),
    result: returns<PublishResult>(),
  },
  /** Deletes the default menu and every conditional one. */
  'oa/deleteMenu': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ deleted: true }>() },
  'oa/menuHistory': {
    args: ({ z, appid }) => z.strictObject({ appid, limit: z.number().int().min(1).max(50).optional() }),
    result: returns<MenuHistoryRow[]>(),
  },
  'oa/addConditionalMenu': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid,
        menu: z.strictObject({ button: z.array(z.unknown()).max(10) }),
        matchrule: z
          .strictObject({
            tag_id: z.string().regex(/^\d{1,10}$/, 'must be a tag id (digits)').optional(),
            client_platform_type: z.enum(['1', '2', '3']).optional(),
          })
          .refine((r) => r.tag_id !== undefined || r.client_platform_type !== undefined, 'give a tag, a client platform (1 iOS, 2 Android, 3 others), or both'),
      }),
    result: returns<{ menuid: string }>(),
  },
  'oa/deleteConditionalMenu': {
    args: ({ z, appid }) => z.strictObject({ appid, menuid: z.string().regex(/^\d{1,20}$/, 'must be a menuid') }),
    result: returns<{ deleted: true }>(),
  },
  /** The menu this user (openid or WeChat ID) sees. */
  'oa/tryMatchMenu': {
    args: ({ z, appid, shortText }) => z.strictObject({ appid, userId: shortText(64).min(1, 'give an openid or a WeChat ID') }),
    result: returns<{ button: MenuButton[] }>(),
  },
  /** The mini programs linked to the account, which its miniprogram buttons may open. */
  'oa/linkedMiniPrograms': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<LinkedMiniProgram[]>() },
});
