/**
 * The reply window of customer-service messages, as the simulator keeps it per (account, user): each interaction
 * grants sends for a while (src/shared/oa/custom-message.ts SERVICE_WINDOW: a message 5 sends in 48 h; a menu click,
 * follow or scan 3 sends in 1 minute). A send takes from the oldest live grant with sends left; no live grant is
 * 45015, live grants all used is 45047. Unfollowing ends every grant.
 */
import { SERVICE_WINDOW, windowGrant } from '../../../../shared/oa/custom-message';

export interface Grant {
  by: 'message' | 'event';
  /** What the user did: "text", "event/CLICK", … */
  what: string;
  at: number;
  until: number;
  left: number;
}

const MAX_USERS = 100_000;
const MAX_GRANTS = 50;

export class ServiceWindows {
  private readonly users = new Map<string, Grant[]>();

  reset(): void {
    this.users.clear();
  }

  /** A push from the user (any kind); only the kinds that open the window grant sends. */
  record(appid: string, openid: string, msgType: string, event: string | null, at: number): void {
    const key = `${appid}\n${openid}`;
    if (msgType === 'event' && (event ?? '').toLowerCase() === 'unsubscribe') {
      this.users.set(key, []);
      return;
    }
    const by = windowGrant(msgType, event);
    if (!by) return;
    const rule = SERVICE_WINDOW[by];
    const grants = this.users.get(key) ?? [];
    grants.push({ by, what: msgType === 'event' ? `event/${event}` : msgType, at, until: at + rule.ms, left: rule.sends });
    if (grants.length > MAX_GRANTS) grants.shift();
    this.users.delete(key); // re-insert: the map's order is oldest-touched first
    this.users.set(key, grants);
    if (this.users.size > MAX_USERS) this.users.delete(this.users.keys().next().value!);
  }

  /** 0 when a send is allowed now (and taken), else 45015 or 45047. */
  take(appid: string, openid: string, now: number): 0 | 45015 | 45047 {
    const live = (this.users.get(`${appid}\n${openid}`) ?? []).filter((g) => now < g.until);
    if (live.length === 0) return 45015;
    const grant = live.find((g) => g.left > 0);
    if (!grant) return 45047;
    grant.left--;
    return 0;
  }

  /** Users with their grants (of one account, when given), most recently active last; at most `limit`. */
  list(appid?: string, limit = 1000): { appid: string; openid: string; grants: Grant[] }[] {
    const out: { appid: string; openid: string; grants: Grant[] }[] = [];
    for (const [key, grants] of this.users) {
      const [a, openid] = key.split('\n') as [string, string];
      if (!appid || a === appid) out.push({ appid: a, openid, grants: grants.map((g) => ({ ...g })) });
    }
    return out.slice(-limit);
  }

  grants(appid: string, openid: string): Grant[] {
    return (this.users.get(`${appid}\n${openid}`) ?? []).map((g) => ({ ...g }));
  }
}
