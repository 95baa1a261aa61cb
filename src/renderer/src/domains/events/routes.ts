import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/events', name: 'events', component: () => import('./EventsView.vue'), meta: { title: 'nav.events', nav: true } },
];
