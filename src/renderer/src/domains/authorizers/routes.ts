import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/authorizers', name: 'authorizers', component: () => import('./AuthorizersView.vue'), meta: { title: 'nav.authorizers', nav: true } },
];
