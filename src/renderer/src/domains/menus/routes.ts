import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/menus', name: 'menus', component: () => import('./MenusView.vue'), meta: { title: 'nav.menus', nav: true } },
];
