import { errorText } from '../../i18n';
/** App domain: info (mode, demo, secret storage), platforms and the selected one, live connection, alerts. */
import { defineStore, getActivePinia } from 'pinia';
import { computed, ref } from 'vue';
import type { AppEvents, AppInfo, AppSettings } from '../../../../shared/contract';
import type { PlatformConfig } from '../../../../shared/domain';
import { useApi, type ConnectionState } from '../../transport';

export type AlertItem = AppEvents['alert:new'] & { id: number };

/** The condition an alert is about: 'alert:resolved' names it. */
const keyOf = (a: AppEvents['alert:new']): string => a.key ?? a.code;

/**
 * Another platform is selected: the other screens' stores hold the previous one's rows, links and drafts. They are
 * dropped (state included, or a new store would take it over), so each screen, mounted anew, starts from nothing.
 */
function dropOtherStores(): void {
  const pinia = getActivePinia() as unknown as { _s: Map<string, { $dispose(): void }>; state: { value: Record<string, unknown> } } | undefined;
  if (!pinia) return;
  for (const [id, store] of [...pinia._s]) {
    if (id === 'app') continue;
    store.$dispose();
    delete pinia.state.value[id];
  }
}

export const useAppStore = defineStore('app', () => {
  const api = useApi();
  const info = ref<AppInfo | null>(null);
  const settings = ref<AppSettings | null>(null);
  const platforms = ref<PlatformConfig[]>([]);
  const selectedAppid = ref<string | null>(null);
  const connection = ref<ConnectionState>(api.kind === 'ipc' ? 'connected' : 'connecting');
  const alerts = ref<AlertItem[]>([]);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);
  /** Changes when another platform is selected: the screen is mounted anew (App.vue keys its router-view by it). */
  const platformEpoch = ref(0);
  let alertSeq = 0;
  const standingSeen = new Set<string>();
  let subscribed = false;

  const selectedPlatform = computed(() => platforms.value.find((p) => p.componentAppid === selectedAppid.value) ?? null);
  const demo = computed(() => selectedPlatform.value?.isDemo ?? info.value?.demo ?? false);
  const hasPlatform = computed(() => selectedAppid.value !== null);

  async function load(): Promise<void> {
    try {
      const [i, list, s] = await Promise.all([
        api.invoke('app/info', {}),
        api.invoke('platform/list', {}),
        api.invoke('settings/get', {}),
      ]);
      info.value = i;
      // Standing alerts (raised before this UI connected, e.g. a damaged database): shown once each, even if dismissed.
      for (const a of i.alerts ?? []) {
        const key = `${a.code}@${a.at}`;
        if (standingSeen.has(key)) continue;
        standingSeen.add(key);
        alerts.value = [{ ...a, id: ++alertSeq }, ...alerts.value].slice(0, 50);
      }
      settings.value = s;
      platforms.value = list.platforms;
      if (loaded.value && list.selectedAppid !== selectedAppid.value) {
        dropOtherStores();
        platformEpoch.value++;
      }
      selectedAppid.value = list.selectedAppid;
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    } finally {
      loaded.value = true;
    }
    subscribe();
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    api.onConnection((state) => (connection.value = state));
    // What changed while the event socket was down (another window selecting a platform, standing alerts) is read
    // again; the screens re-read their own lists (e.g. the events store).
    api.onReconnect(() => void load());
    api.on('platform:changed', () => void load());
    api.on('alert:new', (alert) => {
      // A newer alert about the same condition replaces the older one.
      const key = keyOf(alert);
      alerts.value = [{ ...alert, id: ++alertSeq }, ...alerts.value.filter((a) => keyOf(a) !== key)].slice(0, 50);
    });
    api.on('alert:resolved', ({ key }) => {
      alerts.value = alerts.value.filter((a) => keyOf(a) !== key);
    });
  }

  async function select(componentAppid: string): Promise<void> {
    await api.invoke('platform/select', { componentAppid });
    await load();
  }

  async function saveSettings(patch: Partial<AppSettings>): Promise<void> {
    settings.value = await api.invoke('settings/set', patch);
    info.value = await api.invoke('app/info', {});
  }

  function dismissAlert(id: number): void {
    alerts.value = alerts.value.filter((a) => a.id !== id);
  }

  return {
    info,
    settings,
    platforms,
    selectedAppid,
    selectedPlatform,
    platformEpoch,
    connection,
    alerts,
    loadError,
    loaded,
    demo,
    hasPlatform,
    load,
    select,
    saveSettings,
    dismissAlert,
  };
});
