import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/dashboard', name: 'dashboard', component: () => import('./DashboardView.vue'), meta: { title: 'nav.dashboard', nav: true } },
];
