/** Family "mp/code" ("OA and MP APIs" §6–§7): the template library, commits, and the trial QR code (a JPEG). */
import * as spec from '../../../../wechat/endpoints/mp-code';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, SimBinary, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';
import type { MpStore } from '../state';
import { qrLikeJpeg } from './jpeg';

export class CodeApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    return [
      route(spec.getTemplateList, ({ query }) => {
        const t = query.get('template_type');
        return ok({ template_list: t === null ? mp.templates : mp.templates.filter((x) => String(x.template_type) === t) });
      }),
      route(spec.commitCode, ({ body, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        const templateId = need(body, 'template_id');
        if (!mp.templates.some((t) => String(t.template_id) === templateId)) throw new ApiError(85014, `无效的模板编号 invalid template_id ${templateId}`);
        const extJson = body.ext_json === undefined ? '{}' : body.ext_json;
        if (typeof extJson !== 'string') throw new ApiError(85013, '无效的自定义配置: ext_json must be a JSON-encoded string');
        try {
          JSON.parse(extJson);
        } catch {
          throw new ApiError(85013, '无效的自定义配置: ext_json is not valid JSON');
        }
        mp.of(principal.appid).commit = { templateId, userVersion: need(body, 'user_version'), userDesc: need(body, 'user_desc'), extJson };
        return ok();
      }),
      // WeChat answers the JPEG with Content-disposition: attachment; filename="QRCode.jpg" (D get_qrcode).
      route(spec.getTrialQrcode, ({ query, principal }) => {
        k.state.requireKind(principal.appid, 'mp');
        return new SimBinary(qrLikeJpeg(`${principal.appid}|${query.get('path') ?? ''}`), 'image/jpeg', 'QRCode.jpg');
      }),
    ];
  }
}
