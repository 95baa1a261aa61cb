/** Family "mp/code" ("OA and MP APIs" §7): commits, the pages and categories for submit_audit, the trial QR code (a JPEG). */
import * as spec from '../../../../wechat/endpoints/mp-code';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, SimBinary, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';
import { TEMPLATE_PAGES, type MpStore } from '../state';
import { qrLikeJpeg } from './jpeg';

export class CodeApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    return [
      route(spec.commitCode, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        const templateId = need(body, 'template_id');
        if (!mp.templates.some((t) => String(t.template_id) === templateId)) throw new ApiError(85014, `无效的模板编号 invalid template_id ${templateId}`);
        const userVersion = need(body, 'user_version');
        if (userVersion.length > spec.USER_VERSION_MAX) throw new ApiError(85015, `版本输入错误: user_version is ${userVersion.length} characters, at most ${spec.USER_VERSION_MAX}`);
        const extJson = body.ext_json === undefined ? '{}' : body.ext_json;
        const problem = spec.extJsonProblem(extJson);
        if (problem) throw new ApiError(85013, `无效的自定义配置: ${problem}`);
        mp.of(principal.appid).commit = { templateId, userVersion, userDesc: need(body, 'user_desc'), extJson: extJson as string, commitTime: k.clock.nowS() };
        return ok();
      }),
      // WeChat answers the JPEG with Content-disposition: attachment; filename="QRCode.jpg" (D get_qrcode).
      route(spec.getTrialQrcode, ({ query, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        return new SimBinary(qrLikeJpeg(`${principal.appid}|${query.get('path') ?? ''}`), 'image/jpeg', 'QRCode.jpg');
      }),
      route(spec.getPage, ({ principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        if (!mp.of(principal.appid).commit) throw new ApiError(86001);
        return ok({ page_list: TEMPLATE_PAGES });
      }),
      route(spec.getCategory, ({ principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        return ok({ category_list: mp.of(principal.appid).categories });
      }),
    ];
  }
}
