import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/mp-code', name: 'mp-code', component: () => import('./MpCodeView.vue'), meta: { title: 'nav.mp-code', nav: true } },
  { path: '/code-templates', name: 'code-templates', component: () => import('./CodeTemplatesView.vue'), meta: { title: 'nav.code-templates', nav: true } },
];
