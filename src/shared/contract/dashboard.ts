/** The dashboard: one status snapshot of the selected platform. */
import type { AuthorizerStatusCounts, ErrcodeMinuteCount, MinuteCount } from '../domain';
import type { AppAlert } from './app';
import { defineMethods, returns } from './define';
import type { RelayStatus } from './relay';

/** An alert the running platform raised and has not resolved yet. */
export type OpenAlert = AppAlert;

export interface DashboardStatus {
  componentAppid: string;
  platformName: string;
  demo: boolean;
  now: number;
  ticket: {
    /** When the newest component_verify_ticket arrived, or null if none yet. */
    lastReceivedAt: number | null;
    /** now − lastReceivedAt, or null. */
    ageMs: number | null;
    /** When the next push is expected (WeChat pushes every 10 minutes), or null. */
    nextExpectedAt: number | null;
    /** True when the ticket is older than expected (missed pushes): check the relay and the 授权事件接收URL. */
    overdue: boolean;
  };
  componentToken: {
    /** Whether a component_access_token is cached. */
    present: boolean;
    expiresAt: number | null;
    /** expiresAt − now (negative: expired), or null. */
    msLeft: number | null;
  };
  relay: RelayStatus;
  authorizers: AuthorizerStatusCounts;
  /** Events per minute over the last hour (minutes with none omitted). */
  eventsPerMinute: MinuteCount[];
  /** API calls per minute and errcode over the last hour (errcode 0 = ok; null = transport failure). */
  apiErrorsPerMinute: ErrcodeMinuteCount[];
  /** Failed events in the last 24 h. */
  failedEvents24h: number;
  /** Refresh tokens flagged as mismatching WeChat's list. */
  refreshTokenMismatches: number;
  /** Alerts raised by the running platform and not resolved since (token refresh failing, stale ticket, …). */
  alerts?: OpenAlert[];
}

export const dashboardMethods = defineMethods({
  'dashboard/get': { args: ({ noArgs }) => noArgs, result: returns<DashboardStatus>() },
});
