/**
 * Batch job "oa.menu.apply": one menu published to many official accounts. The plan reads each account's menu
 * (menu/get; when there is none made by the API, get_current_selfmenu_info shows whether the MP editor made one, which
 * publishing would replace) and skips accounts that already have exactly this menu. Applying is menu/create; after an
 * interruption the menu is read back and compared, so it is never published twice.
 */
import { menuIssues, normalizeMenu, sameMenu, type MenuButton } from '../../shared/oa/menu';
import { createMenu, getCurrentSelfMenuInfo, getMenu } from '../../wechat/endpoints/oa-menu';
import { WeChatApiError } from '../api';
import { BatchInputError, type BatchContext, type BatchJob, type PlanOutcome } from '../batch/runner';

export interface MenuApplyParams {
  menu: { button: MenuButton[] };
}

export interface MenuApplyPlan {
  /** What the account had: an API menu, an editor-made one, or none. */
  before: 'api' | 'editor' | 'none';
}

/** WeChat's "menu no exist". */
const NO_MENU = 46003;

async function currentApiMenu(ctx: BatchContext, appid: string): Promise<{ button: MenuButton[] } | null> {
  try {
    const res = await ctx.call(getMenu, appid, {});
    return { button: res.menu?.button ?? [] };
  } catch (err) {
    if (err instanceof WeChatApiError && err.errcode === NO_MENU) return null;
    throw err;
  }
}

export const menuApplyJob: BatchJob<MenuApplyParams, MenuApplyPlan> = {
  kind: 'oa.menu.apply',
  accountKinds: ['OA'],

  parseParams(params: unknown): MenuApplyParams {
    const menu = (params as { menu?: unknown } | null)?.menu;
    const issues = menuIssues(menu);
    if (issues.length > 0) {
      throw new BatchInputError(
        {
          en: `The menu breaks WeChat's rules: ${issues.map((i) => `${i.path}: ${i.en}`).join(' ')}`,
          zh: `菜单不符合微信的规则：${issues.map((i) => `${i.path}：${i.zh}`).join(' ')}`,
        },
        { issues },
      );
    }
    return { menu: { button: normalizeMenu(menu as { button: MenuButton[] }) } };
  },

  async plan(ctx, appid, { menu }): Promise<PlanOutcome<MenuApplyPlan>> {
    const current = await currentApiMenu(ctx, appid);
    const n = menu.button.length;
    if (current && sameMenu(current, menu)) {
      return { apply: false, reason: { en: 'Already has exactly this menu.', zh: '已经是这个菜单，无需更改。' } };
    }
    if (current) {
      return {
        apply: true,
        plan: { before: 'api' },
        summary: {
          en: `Replace the current menu (${current.button.length} top-level buttons) with this one (${n}).`,
          zh: `用这个菜单（${n} 个一级按钮）替换现有菜单（${current.button.length} 个一级按钮）。`,
        },
      };
    }
    const live = await ctx.call(getCurrentSelfMenuInfo, appid, {});
    if (live.is_menu_open === 1 && (live.selfmenu_info?.button?.length ?? 0) > 0) {
      return {
        apply: true,
        plan: { before: 'editor' },
        summary: {
          en: `Replaces a menu made in the MP editor (${live.selfmenu_info.button.length} top-level buttons); the editor's menu is lost.`,
          zh: `将替换在公众平台编辑器中制作的菜单（${live.selfmenu_info.button.length} 个一级按钮），该菜单会被覆盖。`,
        },
      };
    }
    return { apply: true, plan: { before: 'none' }, summary: { en: `No menu yet: publish this one (${n} top-level buttons).`, zh: `还没有菜单：发布这个菜单（${n} 个一级按钮）。` } };
  },

  async apply(ctx, appid, { menu }) {
    await ctx.call(createMenu, appid, menu);
    ctx.store.menuHistory.add({ componentAppid: ctx.componentAppid, appid, publishedBy: `batch #${ctx.runId}`, menu, batchRunId: ctx.runId });
    return { summary: { en: 'Menu published.', zh: '菜单已发布。' } };
  },

  async landed(ctx, appid, { menu }) {
    const current = await currentApiMenu(ctx, appid);
    const landed = current !== null && sameMenu(current, menu);
    // It was published by this run before the interruption: the history says so too.
    if (landed) ctx.store.menuHistory.add({ componentAppid: ctx.componentAppid, appid, publishedBy: `batch #${ctx.runId}`, menu, batchRunId: ctx.runId });
    return landed;
  },
};
