/** Family "mp/settings" ("OA and MP APIs" §5): the custom privacy-guide file (txt, at most 100 KB). */
import { uploadPrivacyExtFile } from '../../../../wechat/endpoints/mp-settings';
import type { SimKernel } from '../../../kernel/kernel';
import { ok, route, type Route } from '../../../kernel/routes';
import { acceptUpload } from '../../../kernel/uploads';
import type { SimFamily } from '../../family';

export class SettingsApis implements SimFamily {
  constructor(private readonly k: SimKernel) {}

  routes(): Route[] {
    return [
      route(uploadPrivacyExtFile, (ctx) => {
        this.k.state.requireKind(ctx.principal.appid, 'mp');
        acceptUpload(uploadPrivacyExtFile.upload!, ctx);
        // The documented sample id is a long decimal number in a string.
        return ok({ ext_file_media_id: String(2_112_311_471_891_169_280n + BigInt(++this.k.counter)) });
      }),
    ];
  }
}
