/**
 * The desk's book of mini-program code audits: every submit the console makes is recorded with its auditid before
 * anything else can happen, then decided by the weapp_audit_* pushes (the inbox) or by polling get_auditstatus when a
 * push never came. Withdrawals are counted here too, because WeChat refuses the 6th of a day and the 11th of a month
 * (87013) without saying how many are left. Listeners (the screen, the batch release) hear every change.
 */
import { UNDO_LIMITS, type MpAuditRecord, type MpAuditState } from '../../shared/mp/audits';
import { ServiceError } from '../errors';
import type { Store } from '../store';
import * as code from './code';

export type MpAuditListener = (record: MpAuditRecord) => void;

export interface AuditBookOptions {
  store: Store;
  componentAppid: string;
  now?: () => number;
}

export class AuditBook {
  private readonly listeners = new Set<MpAuditListener>();
  private readonly now: () => number;

  constructor(private readonly options: AuditBookOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Hear every recorded change; answers the function that stops listening. */
  onChange(listener: MpAuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell the listeners (after the change committed); a throwing listener does not stop the others. */
  announce(record: MpAuditRecord): void {
    for (const l of this.listeners) {
      try {
        l(record);
      } catch {
        // a listener's own failure is its own; the record is stored either way
      }
    }
  }

  /** Submits for audit (code.submitForAudit) and records the auditid at once. */
  async submit(
    invoke: code.Invoke,
    appid: string,
    input: code.SubmitInput = {},
    about: { runId?: number | null; userVersion?: string | null; templateId?: number | null } = {},
  ): Promise<{ record: MpAuditRecord; itemList: Awaited<ReturnType<typeof code.submitForAudit>>['itemList'] }> {
    const res = await code.submitForAudit(invoke, appid, input);
    const record = this.options.store.mpAudits.recordSubmit({ componentAppid: this.options.componentAppid, appid, auditid: res.auditid, at: this.now(), ...about });
    this.announce(record);
    return { record, itemList: res.itemList };
  }

  /**
   * Asks WeChat for an audit's status (the latest one without auditid) and records it: the fallback when a push was
   * lost. Answers the record, or null when WeChat reports a status the desk does not know.
   */
  async refresh(invoke: code.Invoke, appid: string, auditid?: number): Promise<MpAuditRecord | null> {
    const s = await code.auditStatus(invoke, appid, auditid);
    if (s.state === 'unknown') return null;
    return this.apply(appid, s.state, { auditid: s.auditid, reason: s.reason, screenshots: s.screenshots, source: 'poll' });
  }

  /** A status from a push (no auditid: the account's latest undecided audit) or a poll; stored, then announced. */
  apply(
    appid: string,
    state: MpAuditState,
    opts: { auditid?: number | null; reason?: string | null; screenshots?: string[]; source: 'push' | 'poll'; eventId?: number | null; at?: number },
  ): MpAuditRecord | null {
    const before = opts.auditid != null ? this.options.store.mpAudits.get(this.options.componentAppid, appid, opts.auditid) : null;
    const record = this.options.store.mpAudits.applyStatus({
      componentAppid: this.options.componentAppid,
      appid,
      auditid: opts.auditid ?? null,
      state,
      reason: opts.reason ?? null,
      screenshots: opts.screenshots ?? [],
      at: opts.at ?? this.now(),
      source: opts.source,
      eventId: opts.eventId ?? null,
    });
    if (record && (before === null || before.state !== record.state || before.updatedAt !== record.updatedAt)) this.announce(record);
    return record;
  }

  /** This console's withdrawals today and this month (China's calendar), with WeChat's limits. */
  undoUse(appid: string): { today: number; month: number; dayLimit: number; monthLimit: number } {
    const used = this.options.store.mpAudits.undoCounts(this.options.componentAppid, appid, this.now());
    return { ...used, dayLimit: UNDO_LIMITS.day, monthLimit: UNDO_LIMITS.month };
  }

  /**
   * Withdraws the audit in progress. Refused before the call when this console has used the day's or the month's
   * withdrawals (WeChat would answer 87013); counted once WeChat accepted it, and the audit recorded as withdrawn.
   */
  async undo(invoke: code.Invoke, appid: string): Promise<MpAuditRecord | null> {
    const use = this.undoUse(appid);
    if (use.today >= use.dayLimit || use.month >= use.monthLimit) {
      const day = use.today >= use.dayLimit;
      throw new ServiceError('conflict', {
        zh: day
          ? `今天已撤回审核 ${use.today} 次，已达每天 ${use.dayLimit} 次的上限：明天再撤回`
          : `本月已撤回审核 ${use.month} 次，已达每月 ${use.monthLimit} 次的上限：下月再撤回`,
        en: day
          ? `${use.today} audit withdrawals today reach WeChat's limit of ${use.dayLimit} a day: withdraw tomorrow`
          : `${use.month} audit withdrawals this month reach WeChat's limit of ${use.monthLimit} a month: withdraw next month`,
      });
    }
    const pending = this.options.store.mpAudits.latest(this.options.componentAppid, appid);
    await code.undoAudit(invoke, appid);
    this.options.store.mpAudits.recordUndo(this.options.componentAppid, appid, this.now());
    if (!pending || (pending.state !== 'auditing' && pending.state !== 'delayed')) return pending;
    return this.apply(appid, 'withdrawn', { auditid: pending.auditid, source: 'poll' });
  }
}
