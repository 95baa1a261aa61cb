/** Family "mp/release" ("OA and MP APIs" §7): release the approved version. */
import { release } from '../../../../wechat/endpoints/mp-release';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';
import type { MpStore } from '../state';

export class ReleaseApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    return [
      route(release, ({ principal }) => {
        this.k.state.requireKind(principal.appid, 'mp');
        const a = this.mp.of(principal.appid).audits.at(-1);
        if (!a) throw new ApiError(85019);
        if (a.released) throw new ApiError(85052);
        if (a.status !== 0) throw new ApiError(85020);
        a.released = true;
        return ok();
      }),
    ];
  }
}
