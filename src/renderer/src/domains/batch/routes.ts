import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/batch', name: 'batch', component: () => import('./BatchView.vue'), meta: { title: 'nav.batch', nav: true } },
];
