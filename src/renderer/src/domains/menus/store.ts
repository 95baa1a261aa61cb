/**
 * The menu editor: the chosen official account, its menus as WeChat has them, the draft being edited (kept in
 * localStorage per account, so a failed publish or a reload never loses it), and the published history.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LinkedMiniProgram, MenuHistoryRow, MenuOverview, PublishResult } from '../../../../shared/contract';
import { menuIssues, type MenuButton, type MenuIssue } from '../../../../shared/oa/menu';
import { useApi } from '../../transport';
import { cloneButton } from './tree';

export type Draft = { button: MenuButton[] };
/** A node in the tree: [top] or [top, sub]. */
export type NodePath = [number] | [number, number];

const DRAFT_KEY = (appid: string) => `wxopen.menuDraft.${appid}`;

function loadDraft(appid: string): Draft | null {
  try {
    const raw = globalThis.localStorage?.getItem(DRAFT_KEY(appid));
    const parsed = raw ? (JSON.parse(raw) as Draft) : null;
    return parsed && Array.isArray(parsed.button) ? parsed : null;
  } catch {
    return null;
  }
}

export const useMenusStore = defineStore('menus', () => {
  const api = useApi();
  const appid = ref<string | null>(null);
  const overview = shallowRef<MenuOverview | null>(null);
  /** The mini programs linked to the account (what its miniprogram buttons may open); null while unknown. */
  const linked = shallowRef<LinkedMiniProgram[] | null>(null);
  const linkedError = shallowRef<unknown>(null);
  const history = shallowRef<MenuHistoryRow[]>([]);
  const draft = ref<Draft>({ button: [] });
  /**
   * The account the draft belongs to. Between picking another account and its menu being read (or when that read
   * failed) it is not `appid`: nothing is saved under the new account's key, and nothing can be published to it.
   */
  const draftOf = ref<string | null>(null);
  const ready = computed(() => appid.value !== null && draftOf.value === appid.value);
  const selected = ref<NodePath | null>(null);
  const loading = ref(false);
  const publishing = ref(false);
  const error = ref<unknown>(null);
  const lastPublish = shallowRef<PublishResult | null>(null);

  const issues = computed<MenuIssue[]>(() => menuIssues(draft.value));

  // Every change to the draft is saved at once, per account.
  watch(
    draft,
    (d) => {
      if (!appid.value || draftOf.value !== appid.value) return;
      try {
        globalThis.localStorage?.setItem(DRAFT_KEY(appid.value), JSON.stringify(d));
      } catch {
        // storage full or private mode: the draft lives as long as the page
      }
    },
    { deep: true },
  );

  async function open(next: string): Promise<void> {
    appid.value = next;
    draftOf.value = null;
    draft.value = { button: [] };
    overview.value = null;
    linked.value = null;
    linkedError.value = null;
    history.value = [];
    selected.value = null;
    lastPublish.value = null;
    error.value = null;
    loading.value = true;
    try {
      // The links only help fill a field: failing to read them leaves the editor usable, with the reason shown.
      void api.invoke('oa/linkedMiniPrograms', { appid: next }).then(
        (l) => appid.value === next && (linked.value = l),
        (err) => appid.value === next && (linkedError.value = err),
      );
      const [o, h] = await Promise.all([api.invoke('oa/getMenu', { appid: next }), api.invoke('oa/menuHistory', { appid: next })]);
      if (appid.value !== next) return;
      overview.value = o;
      history.value = h;
      // A kept draft wins over WeChat's menu: it is unsaved work.
      draft.value = loadDraft(next) ?? { button: cloneButton(o.api?.button ?? []) };
      draftOf.value = next;
    } catch (err) {
      error.value = err;
    } finally {
      loading.value = false;
    }
  }

  async function publish(): Promise<PublishResult> {
    if (!appid.value || !ready.value) throw new Error('not ready'); // the view waits for store.ready
    publishing.value = true;
    try {
      const result = await api.invoke('oa/publishMenu', { appid: appid.value, menu: cloneButton(draft.value) });
      lastPublish.value = result;
      const [o, h] = await Promise.all([api.invoke('oa/getMenu', { appid: appid.value }), api.invoke('oa/menuHistory', { appid: appid.value })]);
      overview.value = o;
      history.value = h;
      return result;
    } finally {
      publishing.value = false;
    }
  }

  async function remove(): Promise<void> {
    if (!appid.value) return;
    await api.invoke('oa/deleteMenu', { appid: appid.value });
    overview.value = await api.invoke('oa/getMenu', { appid: appid.value });
  }

  /** Reads WeChat's menus again (after a conditional menu was made or deleted); the draft stays as it is. */
  async function refresh(): Promise<void> {
    if (!appid.value) return;
    const at = appid.value;
    const o = await api.invoke('oa/getMenu', { appid: at });
    if (appid.value === at) overview.value = o;
  }

  /** An imported or restored menu: the operator's draft for the account open now. */
  function replaceDraft(next: Draft): void {
    draft.value = cloneButton(next);
    draftOf.value = appid.value;
    selected.value = null;
  }

  return { appid, overview, linked, linkedError, history, draft, ready, selected, loading, publishing, error, lastPublish, issues, open, publish, remove, refresh, replaceDraft };
});
