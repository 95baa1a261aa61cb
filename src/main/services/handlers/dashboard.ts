/** dashboard/get: one status snapshot of the selected platform. */
import type { DashboardStatus } from '../../../shared/contract';
import type { dashboardMethods } from '../../../shared/contract/dashboard';
import type { HandlersOf } from '../../ipc/types';
import type { RuntimeHost } from '../host';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULT_TICKET_INTERVAL_MS = 10 * MINUTE;

export function dashboardHandlers(host: RuntimeHost) {
  const store = host.store;
  return {
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
          lastErrorZh: runtime ? null : '平台运行时没有运行',
          nextRetryAt: null,
        },
        authorizers: store.authorizers.countsByStatus(appid),
        eventsPerMinute: store.events.countPerMinute(appid, now - HOUR, now),
        apiErrorsPerMinute: store.apiLog.errcodesPerMinute(appid, now - HOUR, now),
        failedEvents24h: store.events.count({ componentAppid: appid, failedOnly: true, from: now - DAY }),
        refreshTokenMismatches: store.authorizers.countRefreshTokenMismatches(appid),
        // The platform's open alerts, and the host's own (a damaged database found by the check at start).
        alerts: [...host.hostAlerts(), ...(status?.alerts ?? [])],
      };
      return result;
    },
  } satisfies HandlersOf<typeof dashboardMethods>;
}
