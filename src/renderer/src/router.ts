/**
 * The screens come from the domains' route tables (domains/<domain>/routes.ts); the side menu lists the routes marked
 * `meta.nav`, in the order below. Hash history: works under app:// (Electron) and http:// (console mode) without
 * server rewrites.
 */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { routes as apilog } from './domains/apilog/routes';
import { routes as authorize } from './domains/authorize/routes';
import { routes as authorizers } from './domains/authorizers/routes';
import { routes as batch } from './domains/batch/routes';
import { routes as dashboard } from './domains/dashboard/routes';
import { routes as events } from './domains/events/routes';
import { routes as menus } from './domains/menus/routes';
import { routes as messages } from './domains/messages/routes';
import { routes as miniprograms } from './domains/miniprograms/routes';
import { routes as mpregister } from './domains/mpregister/routes';
import { routes as setup } from './domains/setup/routes';
import { routes as workbench } from './domains/workbench/routes';
import { routes as templates } from './domains/templates/routes';
import { routes as mpcode } from './domains/mpcode/routes';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the screen's name (the document title and, with `nav`, the menu item). */
    title?: string;
    /** Listed in the side menu. */
    nav?: boolean;
  }
}

/** In menu order. */
const screens: RouteRecordRaw[] = [...dashboard, ...events, ...authorizers, ...authorize, ...menus, ...templates, ...messages, ...miniprograms, ...mpcode, ...mpregister, ...batch, ...apilog, ...workbench, ...setup];

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/dashboard' },
  ...screens,
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
];

/** The side menu: path and the i18n key of its label. */
export const navItems = screens
  .filter((r) => r.meta?.nav && r.meta.title)
  .map((r) => ({ path: r.path, key: r.meta!.title! }));

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
