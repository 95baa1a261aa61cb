/**
 * Family "mp/release" ("OA and MP APIs" §7): release the approved version, roll back to an earlier one, gray release
 * (plan, percentage, revert), and the version info.
 */
import * as spec from '../../../../wechat/endpoints/mp-release';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';
import type { AuditRec, LiveVersion, MpState, MpStore } from '../state';

export class ReleaseApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
    /** Lets the clock approve due audits before a release looks at them. */
    private readonly expireAudits: () => void,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    const mine = (appid: string): MpState => {
      k.state.requireKind(appid, 'mp');
      this.expireAudits();
      return mp.of(appid);
    };
    /** The latest audit when it may go live: 85019 none, 85052 already released, 85020 not approved. */
    const releasable = (s: MpState): AuditRec => {
      const a = s.audits.at(-1);
      if (!a) throw new ApiError(85019);
      if (a.released) throw new ApiError(85052);
      if (a.status !== 0) throw new ApiError(85020, `审核状态未满足发布: the latest audit ${a.auditid} has status ${a.status}, not 0 (approved)`);
      return a;
    };
    const grayRunning = (s: MpState) => s.gray !== null && s.gray.status === 1;
    return [
      route(spec.release, ({ principal }) => {
        const s = mine(principal.appid);
        const a = releasable(s);
        a.released = true;
        if (s.live) s.history.push(s.live);
        s.live = { appVersion: ++k.counter, templateId: a.templateId, userVersion: a.userVersion, userDesc: a.userDesc, commitTime: a.commitTime, releaseTime: k.clock.nowS() };
        if (grayRunning(s)) s.gray!.status = 3;
        return ok();
      }),
      // Registered before revertcoderelease: the route table takes the first spec whose fixed query matches.
      route(spec.getHistoryVersion, ({ principal }) => {
        const s = mine(principal.appid);
        const list = [...s.history].reverse().map((v) => ({ commit_time: v.commitTime, user_version: v.userVersion, user_desc: v.userDesc, app_version: v.appVersion }));
        return ok({ version_list: list });
      }),
      route(spec.revertCodeRelease, ({ query, principal }) => {
        const s = mine(principal.appid);
        if (grayRunning(s)) throw new ApiError(87011, 'current version is in gray release, revert the gray release first');
        const wanted = query.get('app_version');
        const i = wanted === null ? s.history.length - 1 : s.history.findIndex((v) => String(v.appVersion) === wanted);
        if (!s.live || i < 0) throw new ApiError(87012, wanted === null ? 'forbid revert this version release: no earlier version' : `forbid revert this version release: no history version ${wanted}`);
        const [back] = s.history.splice(i, 1) as [LiveVersion];
        s.history.push(s.live);
        s.live = { ...back, releaseTime: k.clock.nowS() };
        return ok();
      }),
      route(spec.grayRelease, ({ body, principal }) => {
        const s = mine(principal.appid);
        const pct = Number(body.gray_percentage);
        if (!Number.isInteger(pct) || pct < 1 || pct > 100) throw new ApiError(85081, `invalid gray percentage ${JSON.stringify(body.gray_percentage)}: an integer 1-100`);
        if (!s.live) throw new ApiError(85079, 'miniprogram has no online release: release a version before a gray release');
        const a = s.audits.at(-1);
        if (!a || a.status !== 0 || a.released) throw new ApiError(85080, 'miniprogram commit not approved: no approved version waiting for release');
        if (grayRunning(s) && s.gray!.auditid === a.auditid && pct <= s.gray!.percentage) {
          throw new ApiError(85082, `gray percentage must be higher than the running plan's ${s.gray!.percentage}`);
        }
        s.gray = { status: 1, createTimestamp: k.clock.nowS(), percentage: pct, debugerFirst: body.support_debuger_first === true, experiencerFirst: body.support_experiencer_first === true, auditid: a.auditid };
        return ok();
      }),
      route(spec.getGrayReleasePlan, ({ principal }) => {
        const g = mine(principal.appid).gray;
        return ok({
          gray_release_plan: g
            ? { status: g.status, create_timestamp: g.createTimestamp, gray_percentage: g.percentage, support_debuger_first: g.debugerFirst, support_experiencer_first: g.experiencerFirst }
            : { status: 0, create_timestamp: 0, gray_percentage: 0 },
        });
      }),
      route(spec.revertGrayRelease, ({ principal }) => {
        const s = mine(principal.appid);
        if (grayRunning(s)) s.gray!.status = 4;
        return ok();
      }),
      route(spec.getVersionInfo, ({ principal }) => {
        const s = mine(principal.appid);
        return ok({
          ...(s.commit ? { exp_info: { exp_time: s.commit.commitTime, exp_version: s.commit.userVersion, exp_desc: s.commit.userDesc } } : {}),
          ...(s.live ? { release_info: { release_time: s.live.releaseTime, release_version: s.live.userVersion, release_desc: s.live.userDesc } } : {}),
        });
      }),
    ];
  }
}
