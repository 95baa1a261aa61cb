import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
// Element Plus components are imported per template by unplugin-vue-components (electron.vite.config.ts). The
// toast's CSS is global because any screen may call ElMessage, which no template names.
import 'element-plus/es/components/message/style/css';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppI18n());
app.use(createAppRouter());
app.mount('#app');
