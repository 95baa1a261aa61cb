/** Hash history: works under app:// (Electron) and http:// (console mode) without server rewrites. */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/dashboard' },
  { path: '/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: 'nav.dashboard' } },
  { path: '/events', name: 'events', component: () => import('./views/EventsView.vue'), meta: { title: 'nav.events' } },
  { path: '/authorizers', name: 'authorizers', component: () => import('./views/AuthorizersView.vue'), meta: { title: 'nav.authorizers' } },
  { path: '/authorize', name: 'authorize', component: () => import('./views/AuthorizeView.vue'), meta: { title: 'nav.authorize' } },
  { path: '/apilog', name: 'apilog', component: () => import('./views/ApiLogView.vue'), meta: { title: 'nav.apilog' } },
  { path: '/setup', name: 'setup', component: () => import('./views/SetupView.vue'), meta: { title: 'nav.setup' } },
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
