/**
 * Family "oa/menu" ("OA and MP APIs" §1): create (validated in UTF-8 bytes as WeChat counts), get, current, delete,
 * and conditional menus (add once a default menu exists, delete, try-match a user).
 */
import { createHash } from 'node:crypto';
import * as spec from '../../../../wechat/endpoints/oa-menu';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';

const MENU_TYPES = new Set([
  'click', 'view', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select',
  'media_id', 'view_limited', 'article_id', 'article_view_limited', 'miniprogram',
]);
/** Event button types that report a `key` (WeChat: "click等点击类型必须"). */
const KEY_TYPES = new Set(['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select']);

export class MenuApis implements SimFamily {
  /** Menus made in the MP editor (its own types: text, img, news, …), as get_current_selfmenu_info shows them. */
  private readonly editorMenus = new Map<string, Record<string, unknown>[]>();
  private readonly menus = new Map<string, { button: unknown[]; menuid: number; conditional: { button: unknown[]; matchrule: Record<string, string>; menuid: number }[] }>();

  constructor(
    private readonly k: SimKernel,
    /** Which mini programs the account's menus may open (oa/link). */
    private readonly links: { isLinked(oaAppid: string, mpAppid: string): boolean },
  ) {}

  reset(): void {
    this.menus.clear();
    this.editorMenus.clear();
  }

  /** Tests: the account's admin made this menu in the MP editor (selfmenu format); null removes it. */
  setEditorMenu(appid: string, button: Record<string, unknown>[] | null): void {
    this.k.state.requireKind(appid, 'oa');
    if (button === null) this.editorMenus.delete(appid);
    else {
      if (!Array.isArray(button) || button.length < 1 || button.length > 3) throw new RangeError('button must be a list of 1 to 3 buttons');
      this.editorMenus.set(appid, button);
    }
  }

  /** 45064: a miniprogram button opens a mini program not linked to this account. */
  private requireLinked(oaAppid: string, buttons: unknown[]): void {
    const leaves = (buttons as Record<string, unknown>[]).flatMap((b) => (Array.isArray(b.sub_button) ? (b.sub_button as Record<string, unknown>[]) : [b]));
    for (const b of leaves) {
      if (b.type === 'miniprogram' && !this.links.isLinked(oaAppid, String(b.appid))) {
        throw new ApiError(45064, `no permission to use weapp in menu: ${String(b.appid)} is not linked to this account`);
      }
    }
  }

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.createMenu, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const button = validateMenu(body);
        this.requireLinked(principal.appid, button);
        // Publishing the default menu keeps the conditional ones (WeChat replaces only the default).
        const conditional = this.menus.get(principal.appid)?.conditional ?? [];
        // A menu published through the API replaces one made in the MP editor.
        this.editorMenus.delete(principal.appid);
        this.menus.set(principal.appid, { button, menuid: 400000000 + ++k.counter, conditional });
        return ok();
      }),
      route(spec.getMenu, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        if (!m) throw new ApiError(46003);
        const out: Record<string, unknown> = { menu: { button: m.button, menuid: m.menuid } };
        if (m.conditional.length > 0) out.conditionalmenu = m.conditional;
        return out;
      }),
      route(spec.deleteMenu, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        this.menus.delete(principal.appid);
        return ok();
      }),
      route(spec.addConditionalMenu, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        if (!m) throw new ApiError(65303);
        const rule = body.matchrule as Record<string, unknown> | undefined;
        if (!rule || typeof rule !== 'object') throw new ApiError(65304);
        if (['sex', 'country', 'province', 'city', 'language'].some((f) => rule[f] !== undefined && rule[f] !== '')) throw new ApiError(65320);
        const matchrule: Record<string, string> = {};
        for (const f of ['tag_id', 'client_platform_type'] as const) if (rule[f] !== undefined && rule[f] !== '') matchrule[f] = String(rule[f]);
        if (Object.keys(matchrule).length === 0) throw new ApiError(65304);
        if (matchrule.client_platform_type && !['1', '2', '3'].includes(matchrule.client_platform_type)) throw new ApiError(65304, 'matchrule client_platform_type must be 1 (iOS), 2 (Android) or 3 (others)');
        if (m.conditional.length >= 100) throw new ApiError(65305);
        const button = validateMenu(body);
        this.requireLinked(principal.appid, button);
        const menuid = 400000000 + ++k.counter;
        m.conditional.push({ button, matchrule, menuid });
        return { menuid: String(menuid) };
      }),
      route(spec.deleteConditionalMenu, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        const i = m ? m.conditional.findIndex((c) => String(c.menuid) === String(body.menuid)) : -1;
        if (!m || i < 0) throw new ApiError(65301);
        m.conditional.splice(i, 1);
        return ok();
      }),
      route(spec.tryMatchMenu, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const userId = typeof body.user_id === 'string' ? body.user_id : '';
        if (!/^[A-Za-z0-9_-]{6,64}$/.test(userId)) throw new ApiError(65302);
        const m = this.menus.get(principal.appid);
        if (!m) throw new ApiError(46003);
        // The simulated user has no tags; its client platform follows from its id (1 iOS, 2 Android, 3 others).
        const platform = String((createHash('sha1').update(userId).digest()[0]! % 3) + 1);
        const match = [...m.conditional].reverse().find((c) => !c.matchrule.tag_id && c.matchrule.client_platform_type === platform);
        return { button: (match ?? m).button };
      }),
      route(spec.getCurrentSelfMenuInfo, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        const editor = this.editorMenus.get(principal.appid);
        if (!m && editor) return { is_menu_open: 1, selfmenu_info: { button: editor } };
        if (!m) return { is_menu_open: 0, selfmenu_info: { button: [] } };
        const conv = (b: Record<string, unknown>) => (Array.isArray(b.sub_button) ? { name: b.name, sub_button: { list: b.sub_button } } : { ...b });
        return { is_menu_open: 1, selfmenu_info: { button: (m.button as Record<string, unknown>[]).map(conv) } };
      }),
    ];
  }
}

/**
 * Menu limits in UTF-8 bytes, as WeChat counts them (WxMenuButton: name 16/60, key 128, url 1024): a top-level fault
 * and the same fault in a sub-button have different codes (40018/40019/40020 vs 40025/40026/40027).
 */
function validateMenu(body: Record<string, unknown>): unknown[] {
  const buttons = body.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw new ApiError(40016, 'invalid button size: 1 to 3 top-level buttons');
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  const leaf = (b: Record<string, unknown>, sub: boolean) => {
    if (typeof b.type !== 'string' || !MENU_TYPES.has(b.type)) throw new ApiError(sub ? 40024 : 40017);
    if ((KEY_TYPES.has(b.type) && bytes(b.key) === 0) || bytes(b.key) > 128) throw new ApiError(sub ? 40026 : 40019);
    if (bytes(b.url) > 1024) throw new ApiError(sub ? 40027 : 40020);
    if (b.type === 'view' && (typeof b.url !== 'string' || !b.url)) throw new ApiError(47001, 'data format error: view button needs url');
    if (b.type === 'miniprogram' && (!b.url || !b.appid || !b.pagepath)) throw new ApiError(47001, 'data format error: miniprogram button needs url, appid and pagepath');
  };
  for (const raw of buttons) {
    const b = raw as Record<string, unknown>;
    if (!b || typeof b !== 'object' || bytes(b.name) === 0 || bytes(b.name) > 16) throw new ApiError(40018);
    if (b.sub_button !== undefined) {
      if (!Array.isArray(b.sub_button) || b.sub_button.length < 1 || b.sub_button.length > 5) throw new ApiError(40023);
      for (const rs of b.sub_button) {
        const sb = rs as Record<string, unknown>;
        if (!sb || typeof sb !== 'object' || bytes(sb.name) === 0 || bytes(sb.name) > 60) throw new ApiError(40025);
        leaf(sb, true);
      }
    } else leaf(b, false);
  }
  return buttons;
}
