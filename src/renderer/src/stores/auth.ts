/** Authorization domain: create componentloginpage links and watch for the authorization to arrive. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiArgs, AppEvents } from '../../../shared/contract';
import type { AuthLink } from '../../../shared/domain';
import { useApi } from '../transport';

export const useAuthStore = defineStore('auth', () => {
  const api = useApi();
  const current = ref<AuthLink | null>(null);
  const links = ref<AuthLink[]>([]);
  const completions = ref<AppEvents['auth:completed'][]>([]);
  const creating = ref(false);
  let unsubscribe: (() => void) | null = null;

  async function loadLinks(): Promise<void> {
    links.value = await api.invoke('auth/listLinks', { limit: 20 });
  }

  async function create(args: ApiArgs<'auth/createLink'>): Promise<AuthLink> {
    creating.value = true;
    try {
      current.value = await api.invoke('auth/createLink', args);
      await loadLinks();
      return current.value;
    } finally {
      creating.value = false;
    }
  }

  function watch(): void {
    if (unsubscribe) return;
    unsubscribe = api.on('auth:completed', (c) => {
      completions.value = [c, ...completions.value].slice(0, 20);
      void loadLinks();
    });
  }

  function unwatch(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  return { current, links, completions, creating, loadLinks, create, watch, unwatch };
});
