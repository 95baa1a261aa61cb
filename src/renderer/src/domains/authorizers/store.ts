import { errorText } from '../../i18n';
/**
 * Authorizers domain. The table is virtual: rows live in a bounded page cache and pages are fetched from the main
 * process as the user scrolls, so 100,000 authorizers never sit in memory or the DOM at once.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type {
  ApiArgs,
  AppEvents,
  AuthorizerOption,
  AuthorizerOptionName,
  ExportColumn,
  ExportFormat,
  ExportResult,
  RefreshTokenHealth,
  SyncResult,
} from '../../../../shared/contract';
import type { Authorizer, AuthorizerStatusCounts } from '../../../../shared/domain';
import { compactFilter } from '../../lib/compact-filter';
import { PageCache, pagesForRange } from '../../lib/virtual-list';
import { useApi } from '../../transport';

export const AUTHORIZER_PAGE_SIZE = 200;

export type AuthorizerListFilter = Omit<ApiArgs<'authorizers/list'>, 'offset' | 'limit'>;

export const useAuthorizersStore = defineStore('authorizers', () => {
  const api = useApi();
  const filter = ref<AuthorizerListFilter>({ sort: 'authorizedAt', dir: 'desc' });
  const cache = markRaw(new PageCache<Authorizer>(AUTHORIZER_PAGE_SIZE, 30));
  /** Bumped when the cache gains rows, so the table re-renders. */
  const revision = ref(0);
  const total = ref(0);
  const counts = ref<AuthorizerStatusCounts | null>(null);
  const error = ref<string | null>(null);
  const loadingFirst = ref(false);
  /** Rows ticked in the table (appids), for "export selected". Kept across scrolling; cleared on filter change. */
  const selected = ref<Set<string>>(new Set());

  const syncing = ref(false);
  const syncProgress = ref<AppEvents['sync:progress'] | null>(null);
  const syncResult = ref<SyncResult | null>(null);
  const syncError = ref<string | null>(null);

  const exporting = ref(false);
  const exportProgress = ref<AppEvents['export:progress'] | null>(null);

  const detail = shallowRef<Authorizer | null>(null);
  let lastRange: [number, number] = [0, 0];

  async function fetchPage(page: number, generation: number): Promise<void> {
    try {
      const res = await api.invoke('authorizers/list', {
        ...compactFilter(filter.value),
        offset: page * AUTHORIZER_PAGE_SIZE,
        limit: AUTHORIZER_PAGE_SIZE,
      });
      if (cache.put(page, res.rows, generation)) {
        total.value = res.total;
        counts.value = res.counts;
        error.value = null;
        revision.value++;
      }
    } catch (err) {
      cache.release(page, generation);
      error.value = errorText(err);
    }
  }

  /** Called by the virtual list with the rows it is about to show. */
  function ensureRange(start: number, end: number): void {
    lastRange = [start, end];
    const missing = cache.claimMissing(pagesForRange(start, Math.max(end, start + 1), AUTHORIZER_PAGE_SIZE));
    for (const p of missing) void fetchPage(p, cache.generation);
  }

  /** Filter changed (or data changed): drop cached pages and fetch from the top. */
  async function reload(): Promise<void> {
    cache.clear();
    revision.value++;
    loadingFirst.value = true;
    const [start, end] = lastRange;
    const pages = cache.claimMissing(pagesForRange(start, Math.max(end, start + 1), AUTHORIZER_PAGE_SIZE));
    await Promise.all(pages.map((p) => fetchPage(p, cache.generation)));
    loadingFirst.value = false;
  }

  function rowAt(index: number): Authorizer | undefined {
    return cache.row(index);
  }

  async function sync(): Promise<SyncResult | null> {
    syncing.value = true;
    syncError.value = null;
    syncProgress.value = { phase: 'list', done: 0, total: 0 };
    const off = api.on('sync:progress', (p) => (syncProgress.value = p));
    try {
      syncResult.value = await api.invoke('authorizers/sync', {});
      await reload();
      return syncResult.value;
    } catch (err) {
      syncError.value = errorText(err);
      return null;
    } finally {
      off();
      syncing.value = false;
    }
  }

  function toggleSelected(appid: string, on: boolean): void {
    const next = new Set(selected.value);
    if (on) next.add(appid);
    else next.delete(appid);
    selected.value = next;
  }

  function clearSelection(): void {
    selected.value = new Set();
  }

  /**
   * Export the selected rows (when `onlySelected`) or every row matching the current filter, with the chosen columns.
   * The main process builds the file; the renderer only downloads it.
   */
  async function exportRows(
    format: ExportFormat,
    columns: ExportColumn[],
    onlySelected: boolean,
    style: Pick<ApiArgs<'authorizers/export'>, 'headerStyle' | 'timeZone'> = {},
  ): Promise<ExportResult> {
    exporting.value = true;
    exportProgress.value = { done: 0, total: onlySelected ? selected.value.size : total.value };
    const off = api.on('export:progress', (p) => (exportProgress.value = p));
    try {
      const f = compactFilter(filter.value);
      const scope = onlySelected
        ? { appids: [...selected.value] }
        : {
            kind: f.kind,
            status: f.status,
            funcId: f.funcId,
            authorizedFrom: f.authorizedFrom,
            authorizedTo: f.authorizedTo,
            search: f.search,
          };
      return await api.invoke('authorizers/export', { format, columns, ...style, ...compactFilter(scope) });
    } finally {
      off();
      exporting.value = false;
    }
  }

  async function open(appid: string): Promise<void> {
    detail.value = await api.invoke('authorizers/get', { appid });
  }

  async function getOption(appid: string, optionName: AuthorizerOptionName): Promise<AuthorizerOption> {
    return api.invoke('authorizers/getOption', { appid, optionName });
  }

  async function setOption(appid: string, optionName: AuthorizerOptionName, optionValue: string): Promise<AuthorizerOption> {
    return api.invoke('authorizers/setOption', { appid, optionName, optionValue });
  }

  async function checkRefreshToken(appid: string): Promise<RefreshTokenHealth> {
    const health = await api.invoke('authorizers/checkRefreshToken', { appid });
    if (detail.value?.appid === appid) await open(appid);
    return health;
  }

  return {
    filter,
    revision,
    total,
    counts,
    error,
    loadingFirst,
    syncing,
    syncProgress,
    syncResult,
    syncError,
    exporting,
    exportProgress,
    detail,
    ensureRange,
    reload,
    rowAt,
    sync,
    selected,
    toggleSelected,
    clearSelection,
    exportRows,
    open,
    getOption,
    setOption,
    checkRefreshToken,
  };
});
