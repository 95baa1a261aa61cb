import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
// Element Plus components are imported per template by unplugin-vue-components (electron.vite.config.ts). The
// toast's CSS is global because any screen may call ElMessage, which no template names.
import 'element-plus/es/components/message/style/css';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import { useApi } from './transport';
// The first screen: imported here so the build puts it in the app's bundle, and its route's import() finds it loaded
// (no second round trip before the dashboard renders). The route table itself stays lazy.
import './domains/dashboard/DashboardView.vue';
import './styles.css';

// The first screen's data is asked for before the app mounts, so it arrives while the screen renders; the stores'
// first calls take these answers (issue 9: cold start).
const api = useApi();
api.prime('app/info', {});
api.prime('platform/list', {});
api.prime('settings/get', {});
if (/^(#\/?|#\/dashboard.*)?$/.test(location.hash)) {
  api.prime('dashboard/get', {});
  api.prime('relay/refusals', {});
}

const app = createApp(App);
app.use(createPinia());
app.use(createAppI18n());
app.use(createAppRouter());
app.mount('#app');

/**
 * The other screens' files, listed by the build: first the two chunks every screen shares (Element Plus's components
 * for the other screens, app code they share), fetched at the first idle moment after the first screen has loaded,
 * so a first menu click finds them cached; each screen's own files (~70 requests) 4 s later. Only fetched: nothing
 * is evaluated until a screen opens. crossorigin as module imports have it, so the cached copy is the one reused. The
 * screens' files not sooner: they held the browser's six connections to this server for ~0.8 s on a small machine,
 * and a menu click made in that time waited behind them for its own screen's files (issue 9: cold start).
 */
const PREFETCH_SCREENS_AFTER_MS = 4000;
function prefetch(listName: string): void {
  const names = document.querySelector(`meta[name=${listName}]`)?.getAttribute('content') ?? '';
  for (const href of names.split(' ').filter(Boolean)) {
    const link = document.createElement('link');
    link.rel = 'prefetch';
    link.crossOrigin = '';
    link.href = href;
    document.head.appendChild(link);
  }
}
const whenIdle = (run: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 3000 }) : setTimeout(run, 0));
const afterLoad = () => {
  whenIdle(() => prefetch('wxopen-prefetch-shared'));
  setTimeout(() => whenIdle(() => prefetch('wxopen-prefetch')), PREFETCH_SCREENS_AFTER_MS);
};
if (document.readyState === 'complete') afterLoad();
else window.addEventListener('load', afterLoad, { once: true });
