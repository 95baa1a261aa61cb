import { errorText } from '../../i18n';
/** Events domain: history (keyset pages, newest first), the live tail, and the detail of one event. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { EventDetail, EventSummary } from '../../../../shared/contract';
import { compactFilter } from '../../lib/compact-filter';
import { eventMatchesFilter, type EventListFilter } from './filter';
import { useApi } from '../../transport';

const PAGE = 100;
/** The live tail keeps at most this many rows in memory; older ones are a "load more" away. */
const MAX_ROWS = 2000;

export const useEventsStore = defineStore('events', () => {
  const api = useApi();
  const filter = ref<EventListFilter>({});
  const rows = shallowRef<EventSummary[]>([]);
  const nextBeforeId = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const live = ref(true);
  const newWhilePaused = ref(0);
  const detail = ref<EventDetail | null>(null);
  const detailLoading = ref(false);
  const rerunning = ref(false);
  let unsubscribers: (() => void)[] = [];
  let generation = 0;
  /** Account nicknames by appid: from each page (the main side joins them), and looked up for rows that arrive live. */
  const names = shallowRef<Record<string, string>>({});
  const pendingNames = new Set<string>();
  let namesTimer: ReturnType<typeof setTimeout> | null = null;

  function learnNames(list: readonly { appid: string | null; nickName?: string | null }[]): void {
    const add: Record<string, string> = {};
    for (const r of list) if (r.appid && r.nickName && names.value[r.appid] !== r.nickName) add[r.appid] = r.nickName;
    if (Object.keys(add).length > 0) names.value = { ...names.value, ...add };
  }

  /** Live rows carry no nickname: look the unknown appids up in one call per burst. */
  function wantName(appid: string | null): void {
    if (!appid || appid in names.value || pendingNames.has(appid)) return;
    pendingNames.add(appid);
    namesTimer ??= setTimeout(() => {
      namesTimer = null;
      const appids = [...pendingNames].slice(0, 500);
      for (const a of appids) pendingNames.delete(a);
      api
        .invoke('authorizers/names', { appids })
        .then((r) => (names.value = { ...names.value, ...r.names }))
        .catch(() => undefined);
    }, 100);
  }

  /** The nickname of the account a row is for, when known. */
  function nameOf(appid: string | null): string | null {
    return appid ? (names.value[appid] ?? null) : null;
  }

  async function reload(): Promise<void> {
    const gen = ++generation;
    loading.value = true;
    try {
      const page = await api.invoke('events/list', { ...compactFilter(filter.value), limit: PAGE });
      if (gen !== generation) return;
      learnNames(page.rows);
      rows.value = page.rows;
      nextBeforeId.value = page.nextBeforeId;
      newWhilePaused.value = 0;
      error.value = null;
    } catch (err) {
      if (gen === generation) error.value = errorText(err);
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (nextBeforeId.value === null || loading.value) return;
    const gen = generation;
    loading.value = true;
    try {
      const page = await api.invoke('events/list', {
        ...compactFilter(filter.value),
        beforeId: nextBeforeId.value,
        limit: PAGE,
      });
      if (gen !== generation) return;
      learnNames(page.rows);
      rows.value = [...rows.value, ...page.rows];
      nextBeforeId.value = page.nextBeforeId;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  function onLive(e: EventSummary): void {
    if (!eventMatchesFilter(e, filter.value)) return;
    if (!live.value) {
      newWhilePaused.value++;
      return;
    }
    if (rows.value.some((r) => r.id === e.id)) return;
    wantName(e.appid);
    const next = [e, ...rows.value];
    if (next.length > MAX_ROWS) {
      next.length = MAX_ROWS;
      nextBeforeId.value = next[next.length - 1]!.id;
    }
    rows.value = next;
  }

  /** A stored event changed (a note after its effect finished, a re-run): replace it where it is shown. */
  function onUpdated(e: EventSummary): void {
    if (rows.value.some((r) => r.id === e.id)) rows.value = rows.value.map((r) => (r.id === e.id ? e : r));
    if (detail.value?.id === e.id) void refreshDetail(e.id);
  }

  async function refreshDetail(id: number): Promise<void> {
    try {
      const fresh = await api.invoke('events/get', { id });
      if (detail.value?.id === id) detail.value = fresh;
    } catch {
      // The open detail stays as it was; the next change or a reopen fetches it again.
    }
  }

  function startLive(): void {
    if (unsubscribers.length > 0) return;
    // Pushes that came while the event socket was down were never sent to this page: the newest page is read again.
    unsubscribers = [api.on('event:new', onLive), api.on('event:updated', onUpdated), api.onReconnect(() => void reload())];
  }

  function stopLive(): void {
    for (const u of unsubscribers) u();
    unsubscribers = [];
  }

  async function open(id: number): Promise<void> {
    detailLoading.value = true;
    try {
      detail.value = await api.invoke('events/get', { id });
    } finally {
      detailLoading.value = false;
    }
  }

  async function rerun(id: number): Promise<EventDetail> {
    rerunning.value = true;
    try {
      const updated = await api.invoke('events/rerun', { id });
      detail.value = updated;
      rows.value = rows.value.map((r) => (r.id === updated.id ? { ...r, ...summaryOf(updated) } : r));
      return updated;
    } finally {
      rerunning.value = false;
    }
  }

  return {
    filter,
    rows,
    nextBeforeId,
    loading,
    error,
    live,
    newWhilePaused,
    detail,
    detailLoading,
    rerunning,
    names,
    nameOf,
    reload,
    loadMore,
    startLive,
    stopLive,
    open,
    rerun,
  };
});

function summaryOf(d: EventDetail): EventSummary {
  const { rawBody: _r, plaintext: _p, replyBody: _b, query: _q, explanation: _e, ...summary } = d;
  return summary;
}
