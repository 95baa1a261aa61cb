import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/setup', name: 'setup', component: () => import('./SetupView.vue'), meta: { title: 'nav.setup', nav: true } },
];
