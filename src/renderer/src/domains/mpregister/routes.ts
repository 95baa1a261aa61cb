import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/mp-register', name: 'mp-register', component: () => import('./MpRegisterView.vue'), meta: { title: 'nav.mp-register', nav: true } },
];
