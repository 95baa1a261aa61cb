import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/mini-programs', name: 'mini-programs', component: () => import('./MiniProgramsView.vue'), meta: { title: 'nav.mini-programs', nav: true } },
];
