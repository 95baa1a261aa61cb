import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/workbench', name: 'workbench', component: () => import('./WorkbenchView.vue'), meta: { title: 'nav.workbench', nav: true } },
];
