/** Family "mp/template" ("OA and MP APIs" §6): the platform's drafts and code templates (component token). */
import * as spec from '../../../../wechat/endpoints/mp-template';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, type Route } from '../../../kernel/routes';
import type { SimFamily } from '../../family';
import { TEMPLATE_LIBRARY_MAX, type MpStore } from '../state';

export class TemplateLibraryApis implements SimFamily {
  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
  ) {}

  routes(): Route[] {
    const { k, mp } = this;
    return [
      route(spec.getTemplateDraftList, () => ok({ draft_list: mp.drafts })),
      route(spec.addToTemplate, ({ body }) => {
        const draftId = Number(need(body, 'draft_id'));
        const type = body.template_type === undefined ? 0 : Number(body.template_type);
        if (type !== 0 && type !== 1) throw new ApiError(40097, `invalid args: template_type must be 0 or 1, got ${JSON.stringify(body.template_type)}`);
        const draft = mp.drafts.find((d) => d.draft_id === draftId);
        if (!draft) throw new ApiError(85064, `template not found: no draft ${draftId}`);
        if (mp.templates.length >= TEMPLATE_LIBRARY_MAX) throw new ApiError(85065);
        const id = Math.max(0, ...mp.templates.map((t) => t.template_id)) + 1;
        const { draft_id: _draft, ...fields } = draft;
        mp.templates.push({ ...fields, template_id: id, template_type: type, create_time: k.clock.nowS() });
        return ok();
      }),
      route(spec.getTemplateList, ({ query }) => {
        const t = query.get('template_type');
        return ok({ template_list: t === null ? mp.templates : mp.templates.filter((x) => String(x.template_type) === t) });
      }),
      route(spec.deleteTemplate, ({ body }) => {
        const id = Number(need(body, 'template_id'));
        const i = mp.templates.findIndex((t) => t.template_id === id);
        if (i < 0) throw new ApiError(85064, `template not found: no template ${id}`);
        mp.templates.splice(i, 1);
        return ok();
      }),
    ];
  }
}
