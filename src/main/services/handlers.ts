/**
 * The handler map: one function per contract method, each a thin use case over the host, its store and the selected
 * platform's runtime. Arguments arrive already validated by the router's zod schemas.
 */
import type {
  ApiCallRow,
  DashboardStatus,
  EventDetail,
  SetupCheck,
  SetupCheckResult,
} from '../../shared/contract';
import type { Authorizer, EventRecord } from '../../shared/domain';
import { explainErrcode } from '../../shared/errcodes';
import { toSummary } from '../../shared/event-summary';
import type { ApiHandlers } from '../ipc/types';
import { ServiceError } from '../errors';
import { backupIntoDataFolder } from './data-folder';
import { buildExport } from './export';
import type { RuntimeHost } from './host';
import type { PlatformRuntime, SetupCheckOutcome } from '../runtime';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULT_TICKET_INTERVAL_MS = 10 * MINUTE;
/** Page size when the export walks the store. */

/** Hosts shell/openExternal may open (https only), besides loopback and the selected platform's relay. */
const EXTERNAL_HOST_SUFFIXES = ['weixin.qq.com', 'qq.com', 'wechat.com', 'github.com'];

function explainFailReason(reason: string | null): EventDetail['explanation'] {
  const match = reason?.match(/errcode[\s=:]*(-?\d+)/i);
  return match ? explainErrcode(Number(match[1])) : null;
}

function toDetail(event: EventRecord): EventDetail {
  return { ...event, explanation: explainFailReason(event.failReason) };
}

/** Whether shell/openExternal may open this URL. */
export function isAllowedExternalUrl(raw: string, relayUrl: string | null): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  if (loopback) return url.protocol === 'http:' || url.protocol === 'https:';
  if (url.protocol !== 'https:') return false;
  if (EXTERNAL_HOST_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return true;
  if (relayUrl) {
    try {
      return new URL(relayUrl).hostname.toLowerCase() === host;
    } catch {
      return false;
    }
  }
  return false;
}

export function createHandlers(host: RuntimeHost) {
  const store = host.store;
  let syncRunning = false;

  function requireAuthorizer(componentAppid: string, appid: string): Authorizer {
    const found = store.authorizers.get(componentAppid, appid);
    if (!found) {
      throw new ServiceError('not_found', `No authorizer ${appid} is stored for this platform; run a sync first.`);
    }
    return found;
  }

  async function runCheck(runtime: PlatformRuntime, check: SetupCheck, fn: () => Promise<SetupCheckOutcome>) {
    const started = Date.now();
    const outcome = await fn.call(runtime);
    return { check, ...outcome, durationMs: Date.now() - started } satisfies SetupCheckResult;
  }

  const handlers = {
    'app/info': async () => host.info(),
    'settings/get': async () => host.settings(),
    'settings/set': async (args) => host.updateSettings(args),
    'shell/openExternal': async ({ url }) => {
      const relayUrl = host.selected ? (store.platforms.get(host.selected)?.relayUrl ?? null) : null;
      if (!isAllowedExternalUrl(url, relayUrl)) {
        throw new ServiceError(
          'forbidden',
          'Only https links to WeChat (weixin.qq.com, qq.com), the configured relay or loopback can be opened.',
        );
      }
      if (!host.openExternal) return { opened: false };
      await host.openExternal(url);
      return { opened: true };
    },

    'platform/list': async () => ({ platforms: store.platforms.list(), selectedAppid: host.selected }),
    'platform/get': async ({ componentAppid }) => {
      const platform = store.platforms.get(componentAppid);
      if (!platform) throw new ServiceError('not_found', `There is no platform ${componentAppid}.`);
      return platform;
    },
    'platform/save': async (args) => {
      const existing = store.platforms.get(args.componentAppid);
      if (existing?.isDemo) {
        throw new ServiceError('conflict', 'The demo platform is generated and cannot be edited; add your own platform.');
      }
      const setsSecret = [args.appSecret, args.token, args.encodingAesKey, args.deskKey].some(
        (v) => typeof v === 'string',
      );
      const storage = host.secretStorage();
      if (setsSecret && !storage.secretsAllowed) {
        throw new ServiceError('secret_storage', storage.warning ?? 'Secrets cannot be stored safely here.');
      }
      const saved = store.platforms.upsert({ ...args, isDemo: false });
      if (host.selected === saved.componentAppid) await host.restartSelected();
      else if (host.selected === null) await host.select(saved.componentAppid);
      else host.emit('platform:changed', { selectedAppid: host.selected });
      return saved;
    },
    'platform/select': async ({ componentAppid }) => host.select(componentAppid),
    'platform/delete': async ({ componentAppid }) => {
      const platform = store.platforms.get(componentAppid);
      if (!platform) return { deleted: false };
      if (host.selected === componentAppid) {
        if (platform.isDemo) {
          throw new ServiceError('conflict', 'The demo platform is in use; select another platform before deleting it.');
        }
        await host.deselect();
      }
      return { deleted: store.platforms.remove(componentAppid) };
    },

    'dashboard/get': async () => {
      const platform = host.requirePlatform();
      const appid = platform.componentAppid;
      const runtime = host.currentRuntime();
      const now = Date.now();
      const status = runtime?.status() ?? null;
      const interval = status?.ticketIntervalMs ?? DEFAULT_TICKET_INTERVAL_MS;
      const ticket = store.tickets.latest(appid);
      const token = store.tokens.getComponent(appid);
      const result: DashboardStatus = {
        componentAppid: appid,
        platformName: platform.name,
        demo: platform.isDemo,
        now,
        ticket: {
          lastReceivedAt: ticket?.receivedAt ?? null,
          ageMs: ticket ? now - ticket.receivedAt : null,
          nextExpectedAt: ticket ? ticket.receivedAt + interval : null,
          // One late push is normal; two missed in a row means pushes are not reaching us.
          overdue: ticket ? now - ticket.receivedAt > 2 * interval : true,
        },
        componentToken: {
          present: token !== null,
          expiresAt: token?.expiresAt ?? null,
          msLeft: token ? token.expiresAt - now : null,
        },
        relay: status?.relay ?? {
          state: platform.relayUrl ? 'disconnected' : 'not_configured',
          url: platform.relayUrl,
          since: now,
          cursor: 0,
          lastError: runtime ? null : 'the platform runtime is not running',
          nextRetryAt: null,
        },
        authorizers: store.authorizers.countsByStatus(appid),
        eventsPerMinute: store.events.countPerMinute(appid, now - HOUR, now),
        apiErrorsPerMinute: store.apiLog.errcodesPerMinute(appid, now - HOUR, now),
        failedEvents24h: store.events.count({ componentAppid: appid, failedOnly: true, from: now - DAY }),
        refreshTokenMismatches: store.authorizers.countRefreshTokenMismatches(appid),
        alerts: status?.alerts ?? [],
      };
      return result;
    },

    'relay/refusals': async () => {
      host.requirePlatform();
      return host.currentRuntime()?.relayRefusals?.() ?? null;
    },

    'events/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.events.list({ ...args, componentAppid: appid });
      return { rows: page.rows.map(toSummary), nextBeforeId: page.nextBeforeId };
    },
    'events/get': async ({ id }) => {
      const appid = host.requirePlatform().componentAppid;
      const event = store.events.get(id);
      if (!event || event.componentAppid !== appid) {
        throw new ServiceError('not_found', `Event ${id} does not exist for this platform.`);
      }
      return toDetail(event);
    },
    'events/rerun': async ({ id }) => {
      const runtime = host.requireRuntime();
      const event = store.events.get(id);
      if (!event || event.componentAppid !== runtime.componentAppid) {
        throw new ServiceError('not_found', `Event ${id} does not exist for this platform.`);
      }
      return toDetail(await runtime.rerunEvent(id));
    },

    'authorizers/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.authorizers.list({ ...args, componentAppid: appid });
      return { ...page, counts: store.authorizers.countsByStatus(appid) };
    },
    'authorizers/get': async ({ appid }) => requireAuthorizer(host.requirePlatform().componentAppid, appid),
    'authorizers/sync': async () => {
      const runtime = host.requireRuntime();
      if (syncRunning) throw new ServiceError('conflict', 'A sync is already running; wait for it to finish.');
      syncRunning = true;
      try {
        const result = await runtime.syncAuthorizers((progress) => host.emit('sync:progress', progress));
        return result;
      } finally {
        syncRunning = false;
      }
    },
    'authorizers/export': async ({ format, columns, appids, ...filter }) => {
      const appid = host.requirePlatform().componentAppid;
      const onProgress = (done: number, total: number) => host.emit('export:progress', { done, total });
      if (appids) {
        // The selected rows, in the order given; rows deleted meanwhile are skipped.
        const rows = (function* () {
          for (const id of appids) {
            const a = store.authorizers.get(appid, id);
            if (a) yield a;
          }
        })();
        return buildExport(rows, { format, columns, componentAppid: appid, now: new Date(), total: appids.length, onProgress });
      }
      const total = store.authorizers.list({ ...filter, componentAppid: appid, offset: 0, limit: 1 }).total;
      const rows = store.authorizers.iterate(appid, filter);
      onProgress(0, total);
      return buildExport(rows, { format, columns, componentAppid: appid, now: new Date(), total, onProgress });
    },
    'authorizers/getOption': async ({ appid, optionName }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      const optionValue = await runtime.getAuthorizerOption(appid, optionName);
      return { appid, optionName, optionValue };
    },
    'authorizers/setOption': async ({ appid, optionName, optionValue }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      await runtime.setAuthorizerOption(appid, optionName, optionValue);
      return { appid, optionName, optionValue };
    },
    'authorizers/checkRefreshToken': async ({ appid }) => {
      const runtime = host.requireRuntime();
      requireAuthorizer(runtime.componentAppid, appid);
      const health = await runtime.checkRefreshToken(appid);
      return health;
    },

    'auth/createLink': async (args) => host.requireRuntime().createAuthLink(args),
    'auth/listLinks': async ({ limit }) =>
      store.authLinks.list(host.requirePlatform().componentAppid, { limit: limit ?? 50 }),

    'apilog/list': async (args) => {
      const appid = host.requirePlatform().componentAppid;
      const page = store.apiLog.list({ ...args, componentAppid: appid });
      const rows: ApiCallRow[] = page.rows.map((row) => ({
        ...row,
        explanation: row.errcode === null || row.errcode === 0 ? null : explainErrcode(row.errcode),
      }));
      return { rows, nextBeforeId: page.nextBeforeId };
    },

    'errcode/explain': async ({ errcode }) => explainErrcode(errcode),

    'setup/test': async ({ check, sample }) => {
      const runtime = host.requireRuntime();
      switch (check) {
        case 'decrypt':
          return runCheck(runtime, check, () => runtime.testDecrypt(sample));
        case 'componentToken':
          return runCheck(runtime, check, () => runtime.testComponentToken());
        case 'relay':
          return runCheck(runtime, check, () => runtime.testRelay());
      }
    },

    'setup/backup': async () => backupIntoDataFolder(store, host.dataDir),
  } satisfies ApiHandlers;

  return handlers;
}
