/** Family "quota" (reference §3.6, §9): clear_quota (10 a month, shared with v2), one API's quota, rid lookups. */
import * as spec from '../../../wechat/endpoints/quota';
import { ApiError } from '../../kernel/errors';
import type { SimKernel } from '../../kernel/kernel';
import { need, ok, route, str, type Route } from '../../kernel/routes';
import type { SimFamily } from '../family';

export class QuotaApis implements SimFamily {
  constructor(private readonly k: SimKernel) {}

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.clearQuota, ({ body, principal }) => {
        const appid = need(body, 'appid');
        if (appid !== principal.appid) throw new ApiError(40013, `invalid appid: ${appid} does not match the access token's account`);
        k.quotas.clearAll(appid);
        return ok();
      }),
      route(
        spec.clearQuotaV2,
        ({ body }) => {
          k.state.checkComponent(need(body, 'component_appid'));
          if (need(body, 'appsecret') !== k.config.componentSecret) throw new ApiError(40125);
          const target = str(body, 'appid') ?? k.config.componentAppid;
          if (target !== k.config.componentAppid) k.state.requireAuthorized(target);
          k.quotas.clearAll(target);
          return ok();
        },
        { ipCheck: false },
      ),
      route(spec.getApiQuota, ({ body, principal }) => {
        const cgi = this.cgiPath(body);
        const limit = k.quotas.dailyLimit(cgi);
        const used = k.quotas.used(principal.appid, cgi);
        return ok({ quota: { daily_limit: limit, used, remain: Math.max(0, limit - used) } });
      }),
      route(spec.clearApiQuota, ({ body, principal }) => {
        k.quotas.clearPath(principal.appid, this.cgiPath(body));
        return ok();
      }),
      route(spec.getRid, ({ body }) => {
        const rid = need(body, 'rid');
        const r = k.rids.get(rid);
        if (!r) throw new ApiError(76001, `rid not found: ${rid}`);
        return ok({ request: r });
      }),
    ];
  }

  /** An API path the simulator serves, or 76021. */
  private cgiPath(body: Record<string, unknown>): string {
    const cgi = need(body, 'cgi_path');
    if (!this.k.routes.has(cgi)) throw new ApiError(76021);
    return cgi;
  }
}
