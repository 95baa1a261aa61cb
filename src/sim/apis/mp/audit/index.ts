/** Family "mp/audit" ("OA and MP APIs" §7): submit, status, latest status, the reviewers' media; the result push. */
import { randomBytes } from 'node:crypto';
import * as spec from '../../../../wechat/endpoints/mp-audit';
import { userOpenid } from '../../../accounts';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, type Route } from '../../../kernel/routes';
import { acceptUpload } from '../../../kernel/uploads';
import type { PushRecord } from '../../../pushes/delivery';
import type { SimFamily } from '../../family';
import type { MpStore } from '../state';

export class AuditApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    return [
      route(spec.submitAudit, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        const s = mp.of(principal.appid);
        if (!s.commit) throw new ApiError(85086);
        const items = body.item_list;
        if (items !== undefined && (!Array.isArray(items) || items.length < 1 || items.length > 5)) throw new ApiError(85023);
        if (s.audits.some((a) => a.status === 2)) throw new ApiError(85009);
        const auditid = 400_000_000 + ++k.counter;
        s.audits.push({ auditid, status: 2, reason: '', screenshot: '', userVersion: s.commit.userVersion, userDesc: s.commit.userDesc, submitTime: k.clock.nowS(), released: false });
        return ok({ auditid });
      }),
      route(spec.getAuditStatus, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        const id = Number(need(body, 'auditid'));
        const a = mp.of(principal.appid).audits.find((x) => x.auditid === id);
        if (!a) throw new ApiError(85012, `invalid audit id: auditid ${id} not found`);
        return ok({ status: a.status, reason: a.reason, screenshot: a.screenshot });
      }),
      route(spec.getLatestAuditStatus, ({ principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        const a = mp.of(principal.appid).audits.at(-1);
        if (!a) throw new ApiError(85019);
        return ok({ auditid: a.auditid, status: a.status, reason: a.reason, screenshot: a.screenshot, user_version: a.userVersion, user_desc: a.userDesc, submit_audit_time: a.submitTime });
      }),
      route(spec.uploadAuditMedia, (ctx) => {
        k.state.requireKind(ctx.principal.appid, 'mp');
        const { kind } = acceptUpload(spec.uploadAuditMedia.upload!, ctx);
        return ok({ type: kind, mediaid: randomBytes(24).toString('base64url') });
      }),
    ];
  }

  /** Decide the latest audit of a mini program and push weapp_audit_success / weapp_audit_fail / weapp_audit_delay. */
  result(appid: string, result: 'success' | 'fail' | 'delay', reason = '小程序内容不符合规范'): Promise<PushRecord> {
    const { k } = this;
    const p = k.state.profile(appid);
    if (!p || p.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    const audit = this.mp.of(appid).audits.at(-1);
    // Status numbers as /wxa/get_auditstatus reports them: 0 approved, 1 rejected, 4 delayed.
    if (audit) {
      audit.status = result === 'success' ? 0 : result === 'fail' ? 1 : 4;
      audit.reason = result === 'success' ? '' : reason;
      audit.screenshot = result === 'fail' ? 'xxx|yyy' : '';
    }
    const t = k.clock.nowS();
    const extra: Record<string, string | number> =
      result === 'success' ? { SuccTime: t } : result === 'fail' ? { Reason: reason, FailTime: t, ScreenShot: 'xxx|yyy' } : { Reason: reason, DelayTime: t };
    return k.pushes.userMessage({ appid, openid: userOpenid(k.settings.seed, appid, 'system'), msgType: 'event', event: `weapp_audit_${result}`, extra });
  }
}
