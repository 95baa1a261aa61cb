import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/apilog', name: 'apilog', component: () => import('./ApiLogView.vue'), meta: { title: 'nav.apilog', nav: true } },
];
