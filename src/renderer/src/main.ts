import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { installElementPlus } from './element';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppI18n());
app.use(createAppRouter());
installElementPlus(app);
app.mount('#app');
