/** Family "oa/menu" ("OA and MP APIs" §1): create (validated in UTF-8 bytes as WeChat counts), get, current, delete. */
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
  private readonly menus = new Map<string, { button: unknown[]; menuid: number }>();

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.menus.clear();
  }

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.createMenu, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const button = validateMenu(body);
        this.menus.set(principal.appid, { button, menuid: 400000000 + ++k.counter });
        return ok();
      }),
      route(spec.getMenu, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
        if (!m) throw new ApiError(46003);
        return { menu: { button: m.button, menuid: m.menuid } };
      }),
      route(spec.deleteMenu, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        this.menus.delete(principal.appid);
        return ok();
      }),
      route(spec.getCurrentSelfMenuInfo, ({ principal }) => {
        k.state.requireKind(principal.appid, 'oa');
        const m = this.menus.get(principal.appid);
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
