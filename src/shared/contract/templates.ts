/**
 * Template messages of official accounts: industries, the account's templates with their fields, add by short id,
 * delete, a test send and the sends with the delivery status the TEMPLATESENDJOBFINISH push reports. A template set
 * applied to many accounts is a batch run (kind "oa.template.sync", params: TemplateSet from src/shared/oa/templates).
 * The send's own rules (openid, link, fields) are checked by the service with each rule named (invalid_arguments).
 */
import type { TemplateField, TemplateSendRow } from '../oa/templates';
import { defineMethods, returns } from './define';

export interface IndustryClassView {
  /** WeChat's industry code, when the names are in its table. */
  id: string | null;
  first: string;
  second: string;
}
export interface IndustryView {
  primary: IndustryClassView | null;
  secondary: IndustryClassView | null;
}

export interface AccountTemplate {
  templateId: string;
  title: string;
  primaryIndustry: string;
  deputyIndustry: string;
  content: string;
  example: string;
  /** The {{name.DATA}} slots of the content, in order. */
  fields: TemplateField[];
  /** The library short id, when the console knows it (WeChat's list does not say). */
  shortId: string | null;
  /** How: recorded when this console added it, or recognized by title and content; null = origin unknown. */
  shortIdFrom: 'recorded' | 'content' | null;
}

const industryId = (z: typeof import('zod').z) => z.string().regex(/^\d{1,2}$/, 'must be an industry code (1-41)');

export const templatesMethods = defineMethods({
  'templates/industry': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<IndustryView>() },
  /** Sets both industries and reads them back; WeChat allows a change about once a month (43100). */
  'templates/setIndustry': {
    args: ({ z, appid }) => z.strictObject({ appid, industryId1: industryId(z), industryId2: industryId(z) }),
    result: returns<IndustryView>(),
  },
  'templates/list': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<AccountTemplate[]>() },
  /** api_add_template (25 per account: 45026; outside the industries: 45027); the short id is recorded. */
  'templates/add': {
    args: ({ z, appid }) => z.strictObject({ appid, shortId: z.string().regex(/^(OPEN)?TM[0-9]{3,30}$/, 'must be a template short id such as TM00015 or OPENTM207498902') }),
    result: returns<{ templateId: string }>(),
  },
  'templates/remove': {
    args: ({ z, appid, shortText }) => z.strictObject({ appid, templateId: shortText(200).min(1, 'give the template_id') }),
    result: returns<{ deleted: true }>(),
  },
  /** A test message to one openid; the result carries the msgid, the delivery status follows (templates/sends). */
  'templates/sendTest': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        appid,
        templateId: shortText(200).min(1, 'give the template_id'),
        touser: shortText(128),
        url: shortText(4096).optional(),
        miniprogram: z.strictObject({ appid: shortText(64), pagepath: shortText(1024).optional() }).nullable().optional(),
        data: z.record(z.string().max(64), z.strictObject({ value: shortText(4000), color: shortText(16).optional() })),
      }),
    result: returns<TemplateSendRow>(),
  },
  /** The console's sends for the account, newest first, with the job-finish status when it arrived. */
  'templates/sends': {
    args: ({ z, appid }) => z.strictObject({ appid, limit: z.number().int().min(1).max(500).optional() }),
    result: returns<TemplateSendRow[]>(),
  },
});

export type { TemplateField, TemplateSendRow };
