import { errorText } from '../../i18n';
/** API log domain: every WeChat API call, newest first, with its errcode explained. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ApiArgs, ApiCallRow } from '../../../../shared/contract';
import { compactFilter } from '../../lib/compact-filter';
import { useApi } from '../../transport';

export type ApiLogFilter = Omit<ApiArgs<'apilog/list'>, 'beforeId' | 'limit'>;

export const useApiLogStore = defineStore('apilog', () => {
  const api = useApi();
  const filter = ref<ApiLogFilter>({});
  const rows = shallowRef<ApiCallRow[]>([]);
  const nextBeforeId = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(more = false): Promise<void> {
    if (more && nextBeforeId.value === null) return;
    loading.value = true;
    try {
      const page = await api.invoke('apilog/list', {
        ...compactFilter(filter.value),
        ...(more && nextBeforeId.value !== null ? { beforeId: nextBeforeId.value } : {}),
        limit: 100,
      });
      rows.value = more ? [...rows.value, ...page.rows] : page.rows;
      nextBeforeId.value = page.nextBeforeId;
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  return { filter, rows, nextBeforeId, loading, error, load };
});
