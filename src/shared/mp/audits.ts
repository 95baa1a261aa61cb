/**
 * A mini program's code audits as the desk records them: each submit_audit the console makes, then each status the
 * weapp_audit_* pushes or get_auditstatus report. Shared by the main process (store, audit book, batch release) and
 * the UI.
 */

/** get_auditstatus `status` 0..4 in words: 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
export const MP_AUDIT_STATES = ['auditing', 'approved', 'rejected', 'withdrawn', 'delayed'] as const;
export type MpAuditState = (typeof MP_AUDIT_STATES)[number];

/** Still waiting for WeChat's decision (a delayed audit is decided later). */
export const UNDECIDED_AUDIT_STATES: readonly MpAuditState[] = ['auditing', 'delayed'];

/** Where the latest status came from: the desk's own submit, a weapp_audit_* push, or a get_auditstatus poll. */
export type MpAuditSource = 'submit' | 'push' | 'poll';

export interface MpAuditRecord {
  appid: string;
  auditid: number;
  state: MpAuditState;
  /** The reviewers' reason (rejected or delayed), as WeChat wrote it (may hold <br> and links). */
  reason: string | null;
  /** Media ids of the reviewers' screenshots. */
  screenshots: string[];
  userVersion: string | null;
  templateId: number | null;
  /** The batch run that submitted it, if any. */
  runId: number | null;
  submittedAt: number;
  /** When WeChat decided (approved, rejected, withdrawn); null while undecided. */
  decidedAt: number | null;
  updatedAt: number;
  source: MpAuditSource;
  /** The push that brought the latest status. */
  eventId: number | null;
}

/** WeChat allows 5 audit withdrawals a day and 10 a month per mini program (87013 beyond). */
export const UNDO_LIMITS = { day: 5, month: 10 } as const;

/** Withdrawals made by this console, counted by China's calendar (WeChat's day and month). */
export interface UndoCounts {
  today: number;
  month: number;
}

/** get_auditstatus's number for a state. */
export const AUDIT_STATUS_CODE: Record<MpAuditState, number> = { approved: 0, rejected: 1, auditing: 2, withdrawn: 3, delayed: 4 };

export function auditStateOf(status: number): MpAuditState | null {
  return (Object.keys(AUDIT_STATUS_CODE) as MpAuditState[]).find((s) => AUDIT_STATUS_CODE[s] === status) ?? null;
}
