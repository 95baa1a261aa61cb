/**
 * Watches component_verify_ticket freshness. WeChat pushes one every 10 minutes; when none has arrived for 20 minutes
 * (or none ever), ask for one with api_start_push_ticket (at most once per `retryEveryMs`) and raise an alert.
 */
import { errorText } from '../errors';

export interface TicketWatchdogDeps {
  /** When the newest ticket arrived (epoch ms), or null if none ever. */
  lastTicketAt: () => number | null;
  startPushTicket: () => Promise<unknown>;
  alert: (message: string, details: Record<string, unknown>, messageZh: string) => void;
  now?: () => number;
  /** Default 20 minutes. */
  staleAfterMs?: number;
  /** Minimum time between two api_start_push_ticket calls. Default 10 minutes. */
  retryEveryMs?: number;
  /** How often to look. Default 60 s. */
  checkEveryMs?: number;
  /**
   * Wait this long after start before the first look (default 15 s): the relay delivers its backlog, usually
   * holding a ticket, right after the desk connects, and asking WeChat before that would only raise a false alarm.
   */
  startupGraceMs?: number;
}

export class TicketWatchdog {
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private readonly retryEveryMs: number;
  private lastAskedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstLook: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly deps: TicketWatchdogDeps) {
    this.now = deps.now ?? Date.now;
    this.staleAfterMs = deps.staleAfterMs ?? 20 * 60_000;
    this.retryEveryMs = deps.retryEveryMs ?? 10 * 60_000;
  }

  start(): void {
    if (this.timer || this.firstLook) return;
    this.firstLook = setTimeout(() => {
      this.firstLook = null;
      void this.check();
      this.timer = setInterval(() => void this.check(), this.deps.checkEveryMs ?? 60_000);
      this.timer.unref();
    }, this.deps.startupGraceMs ?? 15_000);
    this.firstLook.unref();
  }

  stop(): void {
    if (this.firstLook) clearTimeout(this.firstLook);
    if (this.timer) clearInterval(this.timer);
    this.firstLook = null;
    this.timer = null;
  }

  /** One look; concurrent calls share it. Resolves after any api_start_push_ticket call finished. */
  check(): Promise<void> {
    this.checking ??= this.doCheck().finally(() => (this.checking = null));
    return this.checking;
  }

  private async doCheck(): Promise<void> {
    const now = this.now();
    const last = this.deps.lastTicketAt();
    if (last !== null && now - last < this.staleAfterMs) return;
    if (this.lastAskedAt !== null && now - this.lastAskedAt < this.retryEveryMs) return;
    this.lastAskedAt = now;
    const minutes = last === null ? null : Math.floor((now - last) / 60_000);
    const why = minutes === null ? 'no component_verify_ticket has arrived yet' : `the newest component_verify_ticket is ${minutes} minutes old`;
    const whyZh = minutes === null ? '还没有收到过 component_verify_ticket' : `最新的 component_verify_ticket 已是 ${minutes} 分钟前`;
    const details = { code: 'ticket_stale', lastTicketAt: last };
    try {
      await this.deps.startPushTicket();
      this.deps.alert(
        `${why}: asked WeChat to push one now (api_start_push_ticket). If none arrives, check the relay and the 授权事件接收URL.`,
        details,
        `${whyZh}：已请求微信立即推送（api_start_push_ticket）。如仍未收到，请检查中继和授权事件接收URL。`,
      );
    } catch (err) {
      const reason = errorText(err);
      this.deps.alert(`${why}, and api_start_push_ticket failed: ${reason.en}`, details, `${whyZh}，且 api_start_push_ticket 调用失败：${reason.zh}`);
    }
  }
}
