import type { RouteRecordRaw } from 'vue-router';
// The first screen: bundled with the app (no second round trip before it renders); the other screens load lazily.
import DashboardView from './DashboardView.vue';

export const routes: RouteRecordRaw[] = [
  { path: '/dashboard', name: 'dashboard', component: DashboardView, meta: { title: 'nav.dashboard', nav: true } },
];
