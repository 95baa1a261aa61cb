import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/templates', name: 'templates', component: () => import('./TemplatesView.vue'), meta: { title: 'nav.templates', nav: true } },
];
