/**
 * The platform's code template library ("OA and MP APIs" §6): drafts uploaded from the developer tools become
 * templates (normal or standard), which mini programs commit. Component token, sent as access_token= as WxJava does.
 */
import { z } from 'zod';
import { endpoint, type EndpointSpec } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface CodeDraft {
  create_time: number;
  user_version: string;
  user_desc: string;
  draft_id: number;
  /** The mini program the draft was uploaded from, when WeChat says. */
  source_miniprogram_appid?: string;
  source_miniprogram?: string;
  developer?: string;
}
export interface DraftListResponse extends WeChatBaseResponse {
  draft_list: CodeDraft[];
}

export interface CodeTemplate {
  create_time: number;
  user_version: string;
  user_desc: string;
  template_id: number;
  /** 0 normal, 1 standard. */
  template_type: number;
  source_miniprogram_appid?: string;
  source_miniprogram?: string;
  developer?: string;
}
export interface TemplateListRequest {
  /** Only this type (0 normal, 1 standard); all when absent. */
  template_type?: number;
}
export interface TemplateListResponse extends WeChatBaseResponse {
  template_list: CodeTemplate[];
}

export interface AddToTemplateRequest {
  draft_id: number;
  /** 0 normal (the default), 1 standard. */
  template_type?: 0 | 1;
}
export interface DeleteTemplateRequest {
  template_id: number;
}

const library = { family: 'mp/template', token: 'component', tokenParam: 'access_token', answer: 'json' } as const satisfies Partial<EndpointSpec>;

const isId = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v));
const TEMPLATE_TYPES = [0, 1];

export const getTemplateDraftList = endpoint<Record<string, never>, DraftListResponse>({
  ...library,
  name: 'wxa/gettemplatedraftlist',
  method: 'GET',
  path: '/wxa/gettemplatedraftlist',
  request: 'none',
  idempotent: true,
  response: z.looseObject({ draft_list: z.array(z.looseObject({ draft_id: z.number(), user_version: z.string() })) }),
  example: () => ({}),
});

export const addToTemplate = endpoint<AddToTemplateRequest, WeChatBaseResponse>({
  ...library,
  name: 'wxa/addtotemplate',
  method: 'POST',
  path: '/wxa/addtotemplate',
  request: 'json',
  // Not idempotent: a repeat adds a second template from the same draft (85065 once the library is full).
  idempotent: false,
  check: (b) =>
    !isId(b?.draft_id)
      ? `draft_id must be the number gettemplatedraftlist lists, got ${JSON.stringify(b?.draft_id)}`
      : b.template_type !== undefined && !TEMPLATE_TYPES.includes(b.template_type)
        ? `template_type must be 0 (normal) or 1 (standard), got ${JSON.stringify(b.template_type)}`
        : null,
  example: () => ({ draft_id: 1, template_type: 0 }),
});

export const getTemplateList = endpoint<TemplateListRequest, TemplateListResponse>({
  ...library,
  name: 'wxa/gettemplatelist',
  method: 'GET',
  path: '/wxa/gettemplatelist',
  request: 'query',
  idempotent: true,
  check: (b) =>
    b?.template_type !== undefined && !TEMPLATE_TYPES.includes(Number(b.template_type))
      ? `template_type must be 0 (normal) or 1 (standard), got ${JSON.stringify(b.template_type)}`
      : null,
  response: z.looseObject({ template_list: z.array(z.looseObject({ template_id: z.number(), user_version: z.string() })) }),
});

export const deleteTemplate = endpoint<DeleteTemplateRequest, WeChatBaseResponse>({
  ...library,
  name: 'wxa/deletetemplate',
  method: 'POST',
  path: '/wxa/deletetemplate',
  request: 'json',
  // A repeat answers 85064 (gone already): the caller reads that as done.
  idempotent: true,
  check: (b) => (isId(b?.template_id) ? null : `template_id must be the number gettemplatelist lists, got ${JSON.stringify(b?.template_id)}`),
  example: () => ({ template_id: 1 }),
});
