/**
 * What the mini-program families share: the platform's template library and monthly audit quota, and per mini
 * program its committed code, audits, live version with its history, gray plan, undo counts and privacy-scan state.
 */
import type { SubmitCategory } from '../../../wechat/endpoints/mp-code';
import type { CodeDraft, CodeTemplate } from '../../../wechat/endpoints/mp-template';

export interface AuditRec {
  auditid: number;
  /** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
  status: number;
  reason: string;
  screenshot: string;
  templateId: string;
  userVersion: string;
  userDesc: string;
  commitTime: number;
  submitTime: number;
  /** Simulator ms at which the audit approves itself (null: only a test decides it). */
  deadlineMs: number | null;
  spedUp: boolean;
  released: boolean;
}

/** A version that was live. `appVersion` is WeChat's number for it (get_history_version, revertcoderelease). */
export interface LiveVersion {
  appVersion: number;
  templateId: string;
  userVersion: string;
  userDesc: string;
  commitTime: number;
  releaseTime: number;
}

export interface GrayPlan {
  /** 1 running, 3 finished (released to all), 4 deleted (reverted). */
  status: number;
  createTimestamp: number;
  percentage: number;
  debugerFirst: boolean;
  experiencerFirst: boolean;
  auditid: number;
}

export interface MpState {
  commit: { templateId: string; userVersion: string; userDesc: string; extJson: string; commitTime: number } | null;
  audits: AuditRec[];
  live: LiveVersion | null;
  /** Versions live before, oldest first. */
  history: LiveVersion[];
  gray: GrayPlan | null;
  undo: { day: string; dayCount: number; month: string; monthCount: number };
  /** The privacy-API scan after a commit: while it runs submit_audit answers 61039. */
  privacyScanning: boolean;
  /** The approved categories get_category lists (item_list's first_id/second_id must be one of them). */
  categories: SubmitCategory[];
}

export const DEFAULT_CATEGORY: SubmitCategory = { first_class: '工具', second_class: '效率', first_id: 287, second_id: 612 };
export const TEMPLATE_PAGES = ['pages/index/index', 'pages/detail/detail', 'pages/mine/mine'];
/** Not stated by the SDKs or the reference (85065 "library full"): the simulator's choice. */
export const TEMPLATE_LIBRARY_MAX = 100;
/** D undoAudit: 5 a day (Beijing day), 10 a month per account. */
export const UNDO_PER_DAY = 5;
export const UNDO_PER_MONTH = 10;

export interface AuditSettings {
  /** Seconds after submit_audit (or a delay) at which an undecided audit approves itself; null: never. */
  auditSeconds: number | null;
  /** The platform's monthly audit quota (queryquota limit) and speed-up quota. */
  quotaLimit: number;
  speedupLimit: number;
}

const seedDrafts = (): CodeDraft[] => [
  { create_time: 1725000000, user_version: 'v2.1.0', user_desc: '新增会员页 member page', draft_id: 11, source_miniprogram_appid: 'wxdevtools000001', developer: 'dev' },
  { create_time: 1726000000, user_version: 'v2.2.0', user_desc: '修复支付 payment fix', draft_id: 12, source_miniprogram_appid: 'wxdevtools000001', developer: 'dev' },
];
const seedTemplates = (): CodeTemplate[] => [
  { create_time: 1700000000, user_version: 'v1.0.0', user_desc: '首个版本 first release', template_id: 1, template_type: 0 },
  { create_time: 1710000000, user_version: 'v1.1.0', user_desc: '商城模板 store template', template_id: 2, template_type: 0 },
  { create_time: 1720000000, user_version: 'v2.0.0', user_desc: '标准模板 standard template', template_id: 3, template_type: 1 },
];

export class MpStore {
  private readonly states = new Map<string, MpState>();
  drafts = seedDrafts();
  templates = seedTemplates();
  /** Audits in progress (status 2 or 4), for the clock to approve: auditid → appid. */
  readonly pending = new Map<number, string>();
  readonly settings: AuditSettings = { auditSeconds: 86_400, quotaLimit: 10_000, speedupLimit: 10 };
  quota = { month: '', used: 0, speedupUsed: 0 };

  of(appid: string): MpState {
    let s = this.states.get(appid);
    if (!s) {
      s = { commit: null, audits: [], live: null, history: [], gray: null, undo: { day: '', dayCount: 0, month: '', monthCount: 0 }, privacyScanning: false, categories: [DEFAULT_CATEGORY] };
      this.states.set(appid, s);
    }
    return s;
  }

  /** The audit quota of this (Beijing) month: the counts start again when the month changes. */
  quotaFor(month: string): { used: number; speedupUsed: number } {
    if (this.quota.month !== month) this.quota = { month, used: 0, speedupUsed: 0 };
    return this.quota;
  }

  /** Forgets code, audits and the library; the audit settings stay, as the simulator's settings do. */
  reset(): void {
    this.states.clear();
    this.pending.clear();
    this.drafts = seedDrafts();
    this.templates = seedTemplates();
    this.quota = { month: '', used: 0, speedupUsed: 0 };
  }
}

// --- one mini program's settings (family mp/settings) ---------------------------------------------------------------

/** A category set on the account (getcategory): 1 auditing, 2 rejected, 3 approved. */
export interface SetCategoryRec {
  first: number;
  second: number;
  auditStatus: 1 | 2 | 3;
  auditReason: string;
  certicates: { key: string; value: string }[];
}

export interface NicknameAuditRec {
  auditId: number;
  nickname: string;
  /** 1 auditing, 2 rejected, 3 approved. */
  stat: 1 | 2 | 3;
  reason: string;
  createTime: number;
  auditTime: number;
}

export interface PrivacyRec {
  ownerSetting: Record<string, unknown>;
  settingList: { privacy_key: string; privacy_text: string }[];
  updateTime: number;
}

/** A mini program's basic info, categories, domains, testers, privacy settings and visit status. */
export interface MpSettingsState {
  nickname: string;
  signature: string;
  headImageUrl: string;
  /** The crop box of the latest modifyheadimage. */
  headCrop: { x1: number; y1: number; x2: number; y2: number } | null;
  /** Nickname changes count by year (D setnickname: 2 a year); avatar and intro changes by month. */
  nicknameUsed: { period: string; count: number };
  headUsed: { period: string; count: number };
  signatureUsed: { period: string; count: number };
  nicknameAudits: NicknameAuditRec[];
  categories: SetCategoryRec[];
  /** Category changes this month (getcategory quota). */
  categoryChanges: { period: string; count: number };
  domains: Record<string, string[]>;
  webview: string[];
  /** wechatid → userstr. */
  testers: Map<string, string>;
  privacy: { 1: PrivacyRec | null; 2: PrivacyRec | null };
  /** 1 serving, 0 suspended. */
  visitStatus: 0 | 1;
  confirmFile: { name: string; content: string } | null;
}

/** The privacy APIs each library template's code uses (getprivacysetting privacy_list lists the undeclared ones). */
export const TEMPLATE_PRIVACY_APIS: Record<string, string[]> = {
  '1': ['UserInfo'],
  '2': ['UserInfo', 'Location', 'PhoneNumber'],
  '3': ['UserInfo', 'Album', 'Camera'],
};
