/** Authorization domain: create componentloginpage links and watch for the authorization to arrive. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiArgs, AppEvents } from '../../../../shared/contract';
import type { AuthLink } from '../../../../shared/domain';
import { useApi } from '../../transport';

export const useAuthStore = defineStore('auth', () => {
  const api = useApi();
  const current = ref<AuthLink | null>(null);
  const links = ref<AuthLink[]>([]);
  const completions = ref<AppEvents['auth:completed'][]>([]);
  const creating = ref(false);
  let unsubscribers: (() => void)[] = [];

  async function loadLinks(): Promise<void> {
    links.value = await api.invoke('auth/listLinks', { limit: 20 });
    // The card may have missed a change while the screen was closed.
    const id = current.value?.id;
    current.value = links.value.find((l) => l.id === id) ?? current.value;
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

  /** A link completed or expired: show its new status wherever it is listed. */
  function onLinkChanged(link: AuthLink): void {
    if (current.value?.id === link.id) current.value = link;
    links.value = links.value.map((l) => (l.id === link.id ? link : l));
  }

  function watch(): void {
    if (unsubscribers.length) return;
    unsubscribers = [
      api.on('auth:completed', (c) => {
        completions.value = [c, ...completions.value].slice(0, 20);
      }),
      api.on('link:changed', onLinkChanged),
    ];
  }

  function unwatch(): void {
    for (const u of unsubscribers) u();
    unsubscribers = [];
  }

  return { current, links, completions, creating, loadLinks, create, watch, unwatch };
});
