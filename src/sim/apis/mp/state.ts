/** What the mini-program families share: each account's committed code and its audits, and the code templates. */
export interface AuditRec {
  auditid: number;
  /** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
  status: number;
  reason: string;
  screenshot: string;
  userVersion: string;
  userDesc: string;
  submitTime: number;
  released: boolean;
}

export interface MpState {
  commit: { templateId: string; userVersion: string; userDesc: string; extJson: string } | null;
  audits: AuditRec[];
}

export class MpStore {
  private readonly states = new Map<string, MpState>();
  readonly templates = [
    { create_time: 1700000000, user_version: 'v1.0.0', user_desc: '首个版本 first release', template_id: 1, template_type: 0 },
    { create_time: 1710000000, user_version: 'v1.1.0', user_desc: '商城模板 store template', template_id: 2, template_type: 0 },
    { create_time: 1720000000, user_version: 'v2.0.0', user_desc: '标准模板 standard template', template_id: 3, template_type: 1 },
  ];

  of(appid: string): MpState {
    let s = this.states.get(appid);
    if (!s) this.states.set(appid, (s = { commit: null, audits: [] }));
    return s;
  }

  reset(): void {
    this.states.clear();
  }
}
