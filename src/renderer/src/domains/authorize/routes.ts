import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/authorize', name: 'authorize', component: () => import('./AuthorizeView.vue'), meta: { title: 'nav.authorize', nav: true } },
];
