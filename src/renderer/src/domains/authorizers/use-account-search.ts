/** The account picker the per-account screens share: active authorizers (of one kind), searched as the operator types. */
import { ref } from 'vue';
import type { Authorizer, AuthorizerKind } from '../../../../shared/domain';
import { useApi } from '../../transport';

export function useAccountSearch(kind?: AuthorizerKind) {
  const api = useApi();
  const accounts = ref<Authorizer[]>([]);
  const searching = ref(false);

  /** The first 50 matches of `query` (all accounts for ''); a failure is thrown to the caller. */
  async function searchAccounts(query: string): Promise<void> {
    searching.value = true;
    try {
      accounts.value = (await api.invoke('authorizers/list', { ...(kind ? { kind } : {}), status: 'active', ...(query ? { search: query } : {}), limit: 50 })).rows;
    } finally {
      searching.value = false;
    }
  }

  return { accounts, searching, searchAccounts };
}
