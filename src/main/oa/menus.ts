/**
 * One official account's menus: read from both sources (menu/get for API-made menus with the conditional ones;
 * get_current_selfmenu_info for what followers see, including menus made in the MP editor), publish with a read-back,
 * delete, conditional menus, and the console's history of published menus.
 */
import type { EditorMenuButton, LinkedMiniProgram, MenuOverview, PublishResult } from '../../shared/contract/oa';
import { menuIssues, normalizeMenu, sameMenu, type MenuButton } from '../../shared/oa/menu';
import type { EndpointSpec } from '../../wechat/spec';
import {
  addConditionalMenu,
  createMenu,
  deleteConditionalMenu,
  deleteMenu,
  getCurrentSelfMenuInfo,
  getMenu,
  tryMatchMenu,
  type MenuMatchRule,
} from '../../wechat/endpoints/oa-menu';
import { getLinkedMiniPrograms } from '../../wechat/endpoints/oa-link';
import { WeChatApiError } from '../api';
import type { Store } from '../store';

export type CallAs = <Req, Res>(spec: EndpointSpec<Req, Res>, appid: string, req: Req) => Promise<Res>;

/** A menu that breaks a rule: the rules, in both languages (the handlers turn it into invalid_arguments). */
export class MenuRulesError extends Error {
  override readonly name = 'MenuRulesError';
  constructor(readonly issues: ReturnType<typeof menuIssues>) {
    super(`The menu breaks WeChat's rules: ${issues.map((i) => `${i.path}: ${i.en}`).join(' ')}`);
  }
  get messageZh(): string {
    return `菜单不符合微信的规则：${this.issues.map((i) => `${i.path}：${i.zh}`).join(' ')}`;
  }
}

export async function readMenus(call: CallAs, appid: string): Promise<MenuOverview> {
  let api: MenuOverview['api'] = null;
  let conditional: MenuOverview['conditional'] = [];
  try {
    const res = await call(getMenu, appid, {});
    api = { button: normalizeMenu({ button: res.menu?.button ?? [] }), menuid: res.menu?.menuid ?? null };
    conditional = (res.conditionalmenu ?? []).map((c) => ({ button: normalizeMenu({ button: c.button }), matchrule: c.matchrule as MenuMatchRule, menuid: String(c.menuid) }));
  } catch (err) {
    if (!(err instanceof WeChatApiError && err.errcode === 46003)) throw err;
  }
  const live = await call(getCurrentSelfMenuInfo, appid, {});
  const liveButtons = (live.selfmenu_info?.button ?? []).map(fromSelfMenu);
  const open = live.is_menu_open === 1;
  return {
    api,
    conditional,
    live: { open, button: liveButtons },
    source: api ? 'api' : open && liveButtons.length > 0 ? 'editor' : 'none',
  };
}

/** get_current_selfmenu_info wraps sub-buttons as {list: […]} and uses editor-only types (text, img, news, …). */
function fromSelfMenu(raw: Record<string, unknown>): EditorMenuButton {
  const sub = raw.sub_button as { list?: Record<string, unknown>[] } | undefined;
  const button: EditorMenuButton = { name: String(raw.name ?? '') };
  if (sub && Array.isArray(sub.list)) button.sub_button = sub.list.map(fromSelfMenu);
  else {
    for (const f of ['type', 'key', 'url', 'value', 'appid', 'pagepath', 'media_id', 'article_id'] as const) {
      if (typeof raw[f] === 'string') button[f] = raw[f] as string;
    }
  }
  return button;
}

/** Checks, publishes (menu/create), reads it back, and records it in the history. */
export async function publishMenu(call: CallAs, store: Store, componentAppid: string, appid: string, menu: { button: MenuButton[] }): Promise<PublishResult> {
  const issues = menuIssues(menu);
  if (issues.length > 0) throw new MenuRulesError(issues);
  const wanted = { button: normalizeMenu(menu) };
  await call(createMenu, appid, wanted);
  const history = store.menuHistory.add({ componentAppid, appid, publishedBy: 'console', menu: wanted });
  const back = await call(getMenu, appid, {});
  const readBack = { button: normalizeMenu({ button: back.menu?.button ?? [] }) };
  return { historyId: history.id, readBack, identical: sameMenu(readBack, wanted) };
}

export async function removeMenu(call: CallAs, appid: string): Promise<void> {
  await call(deleteMenu, appid, {});
}

export async function addConditional(call: CallAs, appid: string, menu: { button: MenuButton[] }, matchrule: MenuMatchRule): Promise<string> {
  const issues = menuIssues(menu);
  if (issues.length > 0) throw new MenuRulesError(issues);
  const res = await call(addConditionalMenu, appid, { button: normalizeMenu(menu), matchrule });
  return String(res.menuid);
}

export async function removeConditional(call: CallAs, appid: string, menuid: string): Promise<void> {
  await call(deleteConditionalMenu, appid, { menuid });
}

export async function tryMatch(call: CallAs, appid: string, userId: string): Promise<{ button: MenuButton[] }> {
  const res = await call(tryMatchMenu, appid, { user_id: userId });
  return { button: normalizeMenu({ button: res.button ?? [] }) };
}

/** The mini programs linked to the account (a miniprogram button may open only a linked one: 45064 otherwise). */
export async function linkedMiniPrograms(call: CallAs, appid: string): Promise<LinkedMiniProgram[]> {
  const res = await call(getLinkedMiniPrograms, appid, {});
  // A refused link names no mini program (no appid): a button cannot open it anyway.
  return res.wxopens.items.flatMap((i) => (i.appid ? [{ appid: i.appid, nickname: i.nickname ?? '', username: i.username ?? '', status: i.status, released: i.released === 1 }] : []));
}
