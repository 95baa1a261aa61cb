import { errorText } from '../../i18n';
/** Dashboard domain: the status snapshot, refreshed on a timer and when live events say something changed. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DashboardStatus, RelayRefusals } from '../../../../shared/contract';
import { useApi } from '../../transport';

export const useDashboardStore = defineStore('dashboard', () => {
  const api = useApi();
  const status = ref<DashboardStatus | null>(null);
  /** What the relay refused lately; null until it sent a summary. */
  const refusals = ref<RelayRefusals | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribers: (() => void)[] = [];
  let refreshQueued = false;

  async function refresh(): Promise<void> {
    try {
      const [next, refused] = await Promise.all([
        api.invoke('dashboard/get', {}),
        api.invoke('relay/refusals', {}).catch(() => null),
      ]);
      status.value = next;
      refusals.value = refused;
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
    }
  }

  /** Coalesce bursts of live events into one refresh. */
  function queueRefresh(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    setTimeout(() => {
      refreshQueued = false;
      void refresh();
    }, 500);
  }

  function start(): void {
    stop();
    void refresh();
    timer = setInterval(() => void refresh(), 5000);
    unsubscribers = [
      api.on('event:new', queueRefresh),
      api.on('relay:state', queueRefresh),
      api.on('auth:completed', queueRefresh),
      api.on('alert:new', queueRefresh),
      api.on('alert:resolved', queueRefresh),
    ];
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
    for (const u of unsubscribers) u();
    unsubscribers = [];
  }

  return { status, refusals, error, refresh, start, stop };
});
