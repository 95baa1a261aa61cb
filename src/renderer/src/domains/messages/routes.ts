import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/messages', name: 'messages', component: () => import('./MessagesView.vue'), meta: { title: 'nav.messages', nav: true } },
];
