/**
 * Template messages ("OA and MP APIs" §2; authorizer token, service accounts): the account's industries, its private
 * templates (added from the library by short id), and sending one; delivery is reported later by the
 * TEMPLATESENDJOBFINISH push.
 */
import { z } from 'zod';
import { endpoint, requireStrings } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface IndustryClass {
  first_class: string;
  second_class: string;
}
export interface GetIndustryResponse extends WeChatBaseResponse {
  primary_industry: IndustryClass;
  secondary_industry: IndustryClass;
}
export interface PrivateTemplate {
  template_id: string;
  title: string;
  primary_industry: string;
  deputy_industry: string;
  /** With the fields as {{name.DATA}}. */
  content: string;
  example: string;
}
export interface TemplateSendRequest {
  touser: string;
  template_id: string;
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  client_msg_id?: string;
  data: Record<string, { value: string; color?: string }>;
}

const template = { family: 'oa/template', token: 'authorizer', tokenParam: 'access_token', answer: 'json' } as const;

/** Two industry ids; the old rule allows one change a month (43100 when changed again too soon). */
export const setIndustry = endpoint<{ industry_id1: string; industry_id2: string }, WeChatBaseResponse>({
  ...template,
  name: 'template/api_set_industry',
  method: 'POST',
  path: '/cgi-bin/template/api_set_industry',
  request: 'json',
  idempotent: true,
  check: (b) =>
    [b?.industry_id1, b?.industry_id2].every((v) => /^\d{1,3}$/.test(String(v ?? '')))
      ? null
      : 'industry_id1 and industry_id2 are required: industry numbers such as "1" (IT科技/互联网) and "4" (IT科技/电子技术)',
});

export const getIndustry = endpoint<Record<string, never>, GetIndustryResponse>({
  ...template,
  name: 'template/get_industry',
  method: 'GET',
  path: '/cgi-bin/template/get_industry',
  request: 'none',
  idempotent: true,
});

export const addTemplate = endpoint<{ template_id_short: string; keyword_name_list?: string[] }, WeChatBaseResponse & { template_id: string }>({
  ...template,
  name: 'template/api_add_template',
  method: 'POST',
  path: '/cgi-bin/template/api_add_template',
  request: 'json',
  // Not idempotent: each call adds another copy (up to 25 templates).
  idempotent: false,
  check: requireStrings('template_id_short'),
  response: z.looseObject({ template_id: z.string() }),
});

export const getAllPrivateTemplates = endpoint<Record<string, never>, WeChatBaseResponse & { template_list: PrivateTemplate[] }>({
  ...template,
  name: 'template/get_all_private_template',
  method: 'GET',
  path: '/cgi-bin/template/get_all_private_template',
  request: 'none',
  idempotent: true,
  response: z.looseObject({ template_list: z.array(z.looseObject({ template_id: z.string(), content: z.string() })) }),
});

export const deletePrivateTemplate = endpoint<{ template_id: string }, WeChatBaseResponse>({
  ...template,
  name: 'template/del_private_template',
  method: 'POST',
  path: '/cgi-bin/template/del_private_template',
  request: 'json',
  idempotent: true,
  check: requireStrings('template_id'),
});

export const sendTemplateMessage = endpoint<TemplateSendRequest, WeChatBaseResponse & { msgid: number | string }>({
  ...template,
  name: 'message/template/send',
  method: 'POST',
  path: '/cgi-bin/message/template/send',
  request: 'json',
  // Not idempotent: a repeat sends the user the message twice.
  idempotent: false,
  check: (b) =>
    requireStrings('touser', 'template_id')(b) ??
    (b.data && typeof b.data === 'object' && !Array.isArray(b.data) ? null : 'data is required: {"first": {"value": "…"}, …}'),
});
