// @vitest-environment happy-dom
/**
 * Store logic over a scripted transport (the real backend is exercised in test/ui): the events live tail under a
 * filter, and the authorizer table's page fetching and invalidation.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEnvelope, AppEvents, EventSummary } from '../../src/shared/contract';
import type { AuthLink, Authorizer } from '../../src/shared/domain';
import { AUTHORIZER_PAGE_SIZE, useAuthorizersStore } from '../../src/renderer/src/domains/authorizers/store';
import { useAppStore } from '../../src/renderer/src/domains/app/store';
import { useAuthStore } from '../../src/renderer/src/domains/authorize/store';
import { useEventsStore } from '../../src/renderer/src/domains/events/store';
import { useMenusStore } from '../../src/renderer/src/domains/menus/store';
import { createApi, setApi, type ConnectionState, type Transport } from '../../src/renderer/src/transport';

type Handler = (args: Record<string, unknown>) => unknown;

function scriptedTransport(handlers: Record<string, Handler>) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let connection: ConnectionState = 'connected';
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const transport: Transport = {
    kind: 'http',
    invoke: async (method, args) => {
      calls.push({ method, args: args as Record<string, unknown> });
      const h = handlers[method];
      if (!h) return { ok: false, error: { code: 'unknown_method', message: method } } as ApiEnvelope<never>;
      try {
        return { ok: true, result: h(args as Record<string, unknown>) } as ApiEnvelope<never>;
      } catch (err) {
        // A handler that throws stands for WeChat refusing the call.
        return { ok: false, error: { code: 'wechat_error', message: String(err), messageZh: String(err) } } as ApiEnvelope<never>;
      }
    },
    on: (event, cb) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb as (p: unknown) => void);
      return () => set.delete(cb as (p: unknown) => void);
    },
    onConnection: (cb) => {
      connectionListeners.add(cb);
      cb(connection);
      return () => connectionListeners.delete(cb);
    },
  };
  const emit = <E extends keyof AppEvents>(event: E, payload: AppEvents[E]) => {
    for (const cb of listeners.get(event) ?? []) cb(payload);
  };
  /** The event socket's state, as the console transport reports it. */
  const setConnection = (state: ConnectionState) => {
    connection = state;
    for (const cb of connectionListeners) cb(state);
  };
  return { transport, calls, emit, setConnection, listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

function summary(id: number, over: Partial<EventSummary> = {}): EventSummary {
  return {
    id,
    componentAppid: 'wx0123456789abcdef',
    seq: id,
    kind: 'authorizer',
    appid: 'wx1111111111111111',
    receivedAt: 1_000 + id,
    status: 'ok',
    failReason: null,
    failReasonZh: null,
    infoType: null,
    msgType: 'text',
    event: null,
    fromUser: 'o1',
    toUser: 'gh_1',
    createTime: 1,
    msgId: String(id),
    dedupeKey: String(id),
    replyMs: 3,
    verdicts: null,
    handledNote: null,
    handledNoteZh: null,
    ...over,
  };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => setApi(null));

describe('events store', () => {
  it('history, then live events that match the filter are prepended once; others are ignored', async () => {
    const s = scriptedTransport({ 'events/list': () => ({ rows: [summary(2), summary(1)], nextBeforeId: null }) });
    setApi(createApi(s.transport));
    const store = useEventsStore();
    store.filter = { kind: 'authorizer' };
    await store.reload();
    store.startLive();
    s.emit('event:new', summary(3));
    s.emit('event:new', summary(3)); // the same event twice (reconnect replay) shows once
    s.emit('event:new', summary(4, { kind: 'component' })); // filtered out
    expect(store.rows.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(s.calls[0]).toEqual({ method: 'events/list', args: { kind: 'authorizer', limit: 100 } });
  });

  it('paused, it counts new events instead of moving the list', async () => {
    const s = scriptedTransport({ 'events/list': () => ({ rows: [], nextBeforeId: null }) });
    setApi(createApi(s.transport));
    const store = useEventsStore();
    await store.reload();
    store.startLive();
    store.live = false;
    s.emit('event:new', summary(1));
    s.emit('event:new', summary(2));
    expect(store.rows).toEqual([]);
    expect(store.newWhilePaused).toBe(2);
    store.stopLive();
    expect(s.listenerCount()).toBe(0);
  });

  it('a changed event replaces its row in place, and the open detail is fetched again', async () => {
    let note: string | null = null;
    const s = scriptedTransport({
      'events/list': () => ({ rows: [summary(2), summary(1)], nextBeforeId: null }),
      'events/get': (args) => ({ ...summary(Number(args['id']), { handledNote: note }), rawBody: '<xml/>', plaintext: null, replyBody: null, query: null, explanation: null }),
    });
    setApi(createApi(s.transport));
    const store = useEventsStore();
    await store.reload();
    store.startLive();
    await store.open(1);
    expect(store.detail?.handledNote).toBeNull();
    note = 'authorized 小店 (wx1111111111111111)';
    s.emit('event:updated', summary(1, { handledNote: note }));
    s.emit('event:updated', summary(7)); // not listed: an update never adds a row
    expect(store.rows.map((r) => [r.id, r.handledNote])).toEqual([[2, null], [1, note]]);
    await expect.poll(() => store.detail?.handledNote).toBe(note);
    expect(s.calls.filter((c) => c.method === 'events/get')).toHaveLength(2);
    store.stopLive();
    expect(s.listenerCount()).toBe(0);
  });

  it('loadMore passes the keyset cursor', async () => {
    let page = 0;
    const s = scriptedTransport({
      'events/list': () => (page++ === 0 ? { rows: [summary(9)], nextBeforeId: 9 } : { rows: [summary(8)], nextBeforeId: null }),
    });
    setApi(createApi(s.transport));
    const store = useEventsStore();
    await store.reload();
    await store.loadMore();
    expect(store.rows.map((r) => r.id)).toEqual([9, 8]);
    expect(s.calls[1]!.args).toEqual({ beforeId: 9, limit: 100 });
    expect(store.nextBeforeId).toBeNull();
  });
});

describe('authorizers store', () => {
  const TOTAL = 100_000;
  function authorizer(i: number): Authorizer {
    return {
      appid: 'wx' + i.toString(16).padStart(16, '0'),
      componentAppid: 'wx0123456789abcdef',
      kind: 'OA',
      nickName: `n${i}`,
      userName: null,
      principalName: null,
      headImg: null,
      alias: null,
      serviceType: null,
      verifyType: null,
      accountStatus: null,
      info: null,
      funcInfo: [],
      status: 'active',
      hasRefreshToken: true,
      authorizedAt: 0,
      updatedAt: 0,
      revokedAt: null,
      refreshTokenCheckedAt: null,
      refreshTokenMismatch: false,
    };
  }
  function backend() {
    return scriptedTransport({
      'authorizers/list': (args) => {
        const offset = Number(args['offset']);
        const limit = Number(args['limit']);
        const rows = [];
        for (let i = offset; i < Math.min(TOTAL, offset + limit); i++) rows.push(authorizer(i));
        return { rows, total: TOTAL, counts: { active: TOTAL, revoked: 0, needs_reauth: 0, total: TOTAL } };
      },
    });
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('fetches only the pages a visible range needs, once', async () => {
    const s = backend();
    setApi(createApi(s.transport));
    const store = useAuthorizersStore();
    store.ensureRange(50_000, 50_030);
    store.ensureRange(50_000, 50_030);
    await settle();
    const offsets = s.calls.map((c) => c.args['offset']);
    expect(offsets).toEqual([250 * AUTHORIZER_PAGE_SIZE]);
    expect(store.total).toBe(TOTAL);
    expect(store.rowAt(50_010)?.appid).toBe('wx' + (50_010).toString(16).padStart(16, '0'));
    expect(store.rowAt(0)).toBeUndefined();
  });

  it('a filter change drops cached pages and sends the filter with each page request', async () => {
    const s = backend();
    setApi(createApi(s.transport));
    const store = useAuthorizersStore();
    store.ensureRange(0, 20);
    await settle();
    store.filter = { status: 'needs_reauth', search: '' };
    await store.reload();
    expect(s.calls.at(-1)!.args).toEqual({ status: 'needs_reauth', offset: 0, limit: AUTHORIZER_PAGE_SIZE });
  });
});

describe('auth store', () => {
  function link(id: string, over: Partial<AuthLink> = {}): AuthLink {
    return {
      id,
      componentAppid: 'wx0123456789abcdef',
      preAuthCode: `preauthcode@@@${id}`,
      pcUrl: 'https://mp.weixin.qq.com/cgi-bin/componentloginpage',
      mobileUrl: 'https://open.weixin.qq.com/wxaopen/safe/bindcomponent',
      authType: 3,
      bizAppid: null,
      categoryIds: null,
      relayStartUrl: null,
      createdAt: 1,
      expiresAt: 600_001,
      status: 'pending',
      authorizerAppid: null,
      completedAt: null,
      ...over,
    };
  }

  it('a changed link (completed, expired) shows its new status in the card and the list', async () => {
    const s = scriptedTransport({ 'auth/createLink': () => link('linkA'), 'auth/listLinks': () => [link('linkA'), link('linkB')] });
    setApi(createApi(s.transport));
    const store = useAuthStore();
    store.watch();
    await store.create({ authType: 3 });
    s.emit('link:changed', link('linkB', { status: 'expired' }));
    s.emit('link:changed', link('linkA', { status: 'completed', authorizerAppid: 'wx1111111111111111' }));
    expect(store.current?.status).toBe('completed');
    expect(store.links.map((l) => [l.id, l.status])).toEqual([['linkA', 'completed'], ['linkB', 'expired']]);
    store.unwatch();
    expect(s.listenerCount()).toBe(0);
  });

  it('coming back to the screen, the card takes the status the list has now', async () => {
    let status: AuthLink['status'] = 'pending';
    const s = scriptedTransport({ 'auth/createLink': () => link('linkA'), 'auth/listLinks': () => [link('linkA', { status })] });
    setApi(createApi(s.transport));
    const store = useAuthStore();
    await store.create({ authType: 3 });
    status = 'expired'; // changed while nobody was watching
    await store.loadLinks();
    expect(store.current?.status).toBe('expired');
  });
});

describe('app store alerts', () => {
  it('a resolved alert leaves the list; a repeat of an open one replaces it', async () => {
    const s = scriptedTransport({
      'app/info': () => ({}),
      'platform/list': () => ({ platforms: [], selectedAppid: null }),
      'settings/get': () => ({ allowInsecureSecretStorage: false, language: null }),
    });
    setApi(createApi(s.transport));
    const store = useAppStore();
    await store.load();
    const alert = (code: string, key: string | undefined, at: number): AppEvents['alert:new'] => ({ level: 'error', code, ...(key ? { key } : {}), message: `${code} ${at}`, messageZh: `${code} ${at}`, at });
    s.emit('alert:new', alert('token_refresh_failed', 'token_refresh_failed:component', 1));
    s.emit('alert:new', alert('token_refresh_failed', 'token_refresh_failed:wx1111111111111111', 2));
    s.emit('alert:new', alert('ticket_stale', undefined, 3));
    s.emit('alert:new', alert('ticket_stale', undefined, 4));
    expect(store.alerts.map((a) => a.message)).toEqual(['ticket_stale 4', 'token_refresh_failed 2', 'token_refresh_failed 1']);
    s.emit('alert:resolved', { code: 'token_refresh_failed', key: 'token_refresh_failed:component', at: 5 });
    s.emit('alert:resolved', { code: 'ticket_stale', key: 'ticket_stale', at: 6 });
    expect(store.alerts.map((a) => a.message)).toEqual(['token_refresh_failed 2']);
  });
});

describe('menus store: the draft belongs to one account', () => {
  const OA1 = 'wx1111111111111111';
  const OA2 = 'wx2222222222222222';
  beforeEach(() => globalThis.localStorage?.clear());

  it("picking another account whose menu cannot be read: account 1's draft is neither shown, saved nor published as account 2's", async () => {
    const published: unknown[] = [];
    const s = scriptedTransport({
      'oa/linkedMiniPrograms': () => [],
      'oa/getMenu': (a) => {
        if (a.appid === OA2) throw new Error('48001 api unauthorized');
        return { source: 'api', api: { button: [{ type: 'click', name: '只属于账号一', key: 'k1' }] }, live: { button: [] } };
      },
      'oa/menuHistory': () => [],
      'oa/publishMenu': (a) => published.push(a),
    });
    setApi(createApi(s.transport));
    const store = useMenusStore();
    await store.open(OA1);
    expect(store.ready).toBe(true);
    expect(store.draft.button[0]!.name).toBe('只属于账号一');

    await store.open(OA2);
    expect(store.error).not.toBeNull();
    expect(store.ready).toBe(false); // the view disables Publish, Apply to many and Export
    expect(store.draft.button).toEqual([]);
    await expect(store.publish()).rejects.toThrow(/not ready/);
    expect(published).toEqual([]);
    expect(globalThis.localStorage?.getItem(`wxopen.menuDraft.${OA2}`) ?? null).toBeNull();

    // An imported menu is the operator's draft for the account open now.
    store.replaceDraft({ button: [{ type: 'view', name: '导入', url: 'https://example.com/' }] });
    expect(store.ready).toBe(true);
  });
});

describe('another platform selected, the event socket back', () => {
  it('switching platforms drops the other screens\' stores (rows, links) and remounts the screen', async () => {
    let selected = 'wx0123456789abcdef';
    const s = scriptedTransport({
      'app/info': () => ({ alerts: [] }),
      'platform/list': () => ({ platforms: [], selectedAppid: selected }),
      'settings/get': () => ({}),
      'events/list': () => ({ rows: [summary(1)], nextBeforeId: null }),
    });
    setApi(createApi(s.transport));
    const app = useAppStore();
    await app.load();
    const events = useEventsStore();
    await events.reload();
    expect(events.rows).toHaveLength(1);
    const epoch = app.platformEpoch;

    selected = 'wx9999888877776666';
    s.emit('platform:changed', { selectedAppid: selected });
    await vi.waitFor(() => expect(app.selectedAppid).toBe(selected));
    expect(app.platformEpoch).toBe(epoch + 1);
    const fresh = useEventsStore();
    expect(fresh).not.toBe(events);
    expect(fresh.rows).toEqual([]);
  });

  it('the events screen reads its newest page again when the socket comes back, not on its first connect', async () => {
    const s = scriptedTransport({ 'events/list': () => ({ rows: [summary(1)], nextBeforeId: null }) });
    setApi(createApi(s.transport));
    const events = useEventsStore();
    events.startLive();
    const reads = () => s.calls.filter((c) => c.method === 'events/list').length;
    expect(reads()).toBe(0);
    s.setConnection('disconnected');
    s.setConnection('connecting');
    expect(reads()).toBe(0);
    s.setConnection('connected');
    await vi.waitFor(() => expect(reads()).toBe(1));
    events.stopLive();
  });
});
