/**
 * Family "mp/audit" ("OA and MP APIs" §7): submit, status, latest status, undo, speed-up, the audit quota, the
 * reviewers' media; and the steering tests use: an audit stays in progress (status 2) until a test decides it
 * (approve, reject with a reason and screenshots, delay) or the simulator clock reaches its deadline (auditSeconds
 * after submit or delay), when it approves itself. Each decision pushes weapp_audit_success / _fail / _delay; a push
 * lost to the faults leaves get_auditstatus right, so a desk can poll.
 */
import { randomBytes } from 'node:crypto';
import * as spec from '../../../../wechat/endpoints/mp-audit';
import { userOpenid } from '../../../accounts';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, type Route } from '../../../kernel/routes';
import { acceptUpload } from '../../../kernel/uploads';
import type { PushRecord } from '../../../pushes/delivery';
import type { SimFamily } from '../../family';
import { TEMPLATE_PAGES, UNDO_PER_DAY, UNDO_PER_MONTH, type AuditRec, type MpState, type MpStore } from '../state';

export type AuditDecision = 'success' | 'fail' | 'delay';
export interface DecideInput {
  result: AuditDecision;
  /** fail / delay: the reviewers' words (WeChat sends HTML with <br>). */
  reason?: string;
  /** fail: the media ids of the reviewers' screenshots. */
  screenshots?: string[];
  /** Which audit; the account's audit in progress when absent. */
  auditid?: number;
}

const inProgress = (a: AuditRec) => a.status === 2 || a.status === 4;
const DEFAULT_REASON = '小程序内容不符合规范<br>1:你的小程序涉及提供不符合规范的服务';

export class AuditApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    const mine = (appid: string): MpState => {
      k.state.requireKind(appid, 'mp');
      this.expire();
      return mp.of(appid);
    };
    return [
      route(spec.submitAudit, ({ body, principal }) => {
        const s = mine(principal.appid);
        if (!s.commit) throw new ApiError(85086);
        if (s.audits.some(inProgress)) throw new ApiError(85009);
        this.checkItems(s, body.item_list);
        if (s.privacyScanning) throw new ApiError(61039);
        const quota = mp.quotaFor(k.clock.dayKey().slice(0, 7));
        if (quota.used >= mp.settings.quotaLimit) throw new ApiError(85085, `submit audit reach limit: ${quota.used} of ${mp.settings.quotaLimit} audits used this month`);
        quota.used++;
        const auditid = 400_000_000 + ++k.counter;
        const c = s.commit;
        s.audits.push({
          auditid,
          status: 2,
          reason: '',
          screenshot: '',
          templateId: c.templateId,
          userVersion: c.userVersion,
          userDesc: c.userDesc,
          commitTime: c.commitTime,
          submitTime: k.clock.nowS(),
          deadlineMs: this.deadline(),
          spedUp: false,
          released: false,
        });
        mp.pending.set(auditid, principal.appid);
        return ok({ auditid });
      }),
      route(spec.getAuditStatus, ({ body, principal }) => {
        const id = Number(need(body, 'auditid'));
        const a = mine(principal.appid).audits.find((x) => x.auditid === id);
        if (!a) throw new ApiError(85012, `invalid audit id: auditid ${id} not found`);
        return ok({ status: a.status, reason: a.reason, screenshot: a.screenshot });
      }),
      route(spec.getLatestAuditStatus, ({ principal }) => {
        const a = mine(principal.appid).audits.at(-1);
        if (!a) throw new ApiError(85019);
        return ok({ auditid: a.auditid, status: a.status, reason: a.reason, screenshot: a.screenshot, user_version: a.userVersion, user_desc: a.userDesc, submit_audit_time: a.submitTime });
      }),
      route(spec.undoCodeAudit, ({ principal }) => {
        const s = mine(principal.appid);
        const day = k.clock.dayKey();
        const u = s.undo;
        if (u.day !== day) Object.assign(u, { day, dayCount: 0 });
        if (u.month !== day.slice(0, 7)) Object.assign(u, { month: day.slice(0, 7), monthCount: 0 });
        if (u.dayCount >= UNDO_PER_DAY || u.monthCount >= UNDO_PER_MONTH) {
          throw new ApiError(87013, `no quota to undo code: ${u.dayCount} of ${UNDO_PER_DAY} today, ${u.monthCount} of ${UNDO_PER_MONTH} this month`);
        }
        const a = s.audits.at(-1);
        if (!a || !inProgress(a)) throw new ApiError(87012, 'forbid revert this version release: no audit in progress');
        a.status = 3;
        mp.pending.delete(a.auditid);
        u.dayCount++;
        u.monthCount++;
        return ok();
      }),
      route(spec.speedupAudit, ({ body, principal }) => {
        const id = Number(need(body, 'auditid'));
        const a = mine(principal.appid).audits.find((x) => x.auditid === id);
        if (!a) throw new ApiError(85012, `invalid audit id: auditid ${id} not found`);
        if (!inProgress(a)) throw new ApiError(89402);
        if (a.spedUp) throw new ApiError(89404);
        const quota = mp.quotaFor(k.clock.dayKey().slice(0, 7));
        if (quota.speedupUsed >= mp.settings.speedupLimit) throw new ApiError(89405);
        quota.speedupUsed++;
        a.spedUp = true;
        // A sped-up audit finishes in a tenth of the time left.
        if (a.deadlineMs !== null) a.deadlineMs = k.clock.now() + Math.ceil((a.deadlineMs - k.clock.now()) / 10);
        return ok();
      }),
      route(spec.queryAuditQuota, ({ principal }) => {
        mine(principal.appid);
        const quota = mp.quotaFor(k.clock.dayKey().slice(0, 7));
        const { quotaLimit: limit, speedupLimit } = mp.settings;
        return ok({ rest: Math.max(0, limit - quota.used), limit, speedup_rest: Math.max(0, speedupLimit - quota.speedupUsed), speedup_limit: speedupLimit });
      }),
      route(spec.uploadAuditMedia, (ctx) => {
        k.state.requireKind(ctx.principal.appid, 'mp');
        const { kind } = acceptUpload(spec.uploadAuditMedia.upload!, ctx);
        return ok({ type: kind, mediaid: randomBytes(24).toString('base64url') });
      }),
    ];
  }

  /** item_list: 1–5 objects (85023, 85010), addresses among the committed pages (85007), approved categories (85008). */
  private checkItems(s: MpState, items: unknown): void {
    if (items === undefined) return;
    if (!Array.isArray(items) || items.length < 1 || items.length > 5) throw new ApiError(85023);
    for (const [i, raw] of items.entries()) {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError(85010, `item_list[${i}] is not an object`);
      const item = raw as Record<string, unknown>;
      if (item.address !== undefined && !TEMPLATE_PAGES.includes(String(item.address).split('?')[0]!)) {
        throw new ApiError(85007, `item_list[${i}].address ${JSON.stringify(item.address)} is not a page of the committed code`);
      }
      if (item.first_id !== undefined || item.second_id !== undefined) {
        const known = s.categories.some((c) => c.first_id === Number(item.first_id) && c.second_id === Number(item.second_id) && (item.third_id === undefined || c.third_id === Number(item.third_id)));
        if (!known) throw new ApiError(85008, `item_list[${i}]: category ${item.first_id}/${item.second_id} is not one of the account's approved categories (get_category)`);
      }
    }
  }

  private deadline(): number | null {
    const s = this.mp.settings.auditSeconds;
    return s === null ? null : this.k.clock.now() + s * 1000;
  }

  /** Approves the audits whose deadline the clock has reached (each pushes weapp_audit_success). */
  expire(): void {
    const now = this.k.clock.now();
    for (const [auditid, appid] of this.mp.pending) {
      const a = this.mp.of(appid).audits.find((x) => x.auditid === auditid);
      if (a && a.deadlineMs !== null && a.deadlineMs <= now) this.k.pushes.track(this.decide(appid, { result: 'success', auditid }));
    }
  }

  /**
   * Decides an audit in progress and pushes the result. RangeError (the control endpoint's 400) when the account is
   * not a mini program, has no such audit, or the audit is already decided.
   */
  decide(appid: string, input: DecideInput): Promise<PushRecord> {
    const { k, mp } = this;
    const p = k.state.profile(appid);
    if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    if (!['success', 'fail', 'delay'].includes(input.result)) throw new RangeError('result must be "success", "fail" or "delay"');
    const shots = input.screenshots ?? [];
    if (!Array.isArray(shots) || shots.some((x) => typeof x !== 'string' || !x || x.includes('|'))) throw new RangeError('screenshots must be a list of media ids (non-empty strings without "|")');
    if (shots.length > 0 && input.result !== 'fail') throw new RangeError('screenshots go only with result "fail"');
    const audits = mp.of(appid).audits;
    const a = input.auditid === undefined ? audits.findLast(inProgress) : audits.find((x) => x.auditid === input.auditid);
    if (!a) throw new RangeError(input.auditid === undefined ? `${appid} has no audit in progress (submit_audit first)` : `${appid} has no audit ${input.auditid}`);
    if (!inProgress(a)) throw new RangeError(`audit ${a.auditid} of ${appid} is already decided (status ${a.status})`);
    const t = k.clock.nowS();
    a.reason = input.result === 'success' ? '' : (input.reason ?? (input.result === 'fail' ? DEFAULT_REASON : '审核延后 audit delayed'));
    a.screenshot = shots.join('|');
    if (input.result === 'delay') {
      a.status = 4;
      a.deadlineMs = this.deadline();
    } else {
      a.status = input.result === 'success' ? 0 : 1;
      mp.pending.delete(a.auditid);
    }
    const extra: Record<string, string | number> =
      input.result === 'success' ? { SuccTime: t } : input.result === 'fail' ? { Reason: a.reason, FailTime: t, ScreenShot: a.screenshot } : { Reason: a.reason, DelayTime: t };
    return this.push(appid, input.result, extra);
  }

  /** Pushes a result for an account with or without an audit behind it (the push tests); decides one in progress. */
  result(appid: string, result: AuditDecision, reason?: string): Promise<PushRecord> {
    const p = this.k.state.profile(appid);
    if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    if (this.mp.of(appid).audits.some(inProgress)) return this.decide(appid, { result, reason });
    const t = this.k.clock.nowS();
    const why = reason ?? DEFAULT_REASON;
    return this.push(appid, result, result === 'success' ? { SuccTime: t } : result === 'fail' ? { Reason: why, FailTime: t, ScreenShot: '' } : { Reason: why, DelayTime: t });
  }

  private push(appid: string, result: AuditDecision, extra: Record<string, string | number>): Promise<PushRecord> {
    const { k } = this;
    return k.pushes.userMessage({ appid, openid: userOpenid(k.settings.seed, appid, 'system'), msgType: 'event', event: `weapp_audit_${result}`, extra });
  }
}
