/**
 * Fast registration of an enterprise mini program (reference §7.1, "OA and MP APIs" §4): the task is created here,
 * the result arrives later as the notify_third_fasteregister push (§2.3). Component token, sent as
 * component_access_token= as WxJava does.
 */
import { endpoint, missingString } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface FastRegisterCreateRequest {
  /** The enterprise's name. */
  name: string;
  code: string;
  /** 1 unified social credit code (18), 2 organisation code (9), 3 business licence number (15). */
  code_type: 1 | 2 | 3;
  legal_persona_wechat: string;
  legal_persona_name: string;
  component_phone?: string;
}
export interface FastRegisterSearchRequest {
  name: string;
  legal_persona_wechat: string;
  legal_persona_name: string;
}

const register = {
  family: 'mp/register',
  method: 'POST',
  path: '/cgi-bin/component/fastregisterweapp',
  token: 'component',
  tokenParam: 'component_access_token',
  request: 'json',
  answer: 'json',
} as const;

export const fastRegisterCreate = endpoint<FastRegisterCreateRequest, WeChatBaseResponse>({
  ...register,
  name: 'fastregisterweapp?action=create',
  query: { action: 'create' },
  // Not idempotent: a repeat for the same enterprise answers 89249 (a task is running).
  idempotent: false,
  check: (b) =>
    missingString(b, ['name', 'code', 'legal_persona_wechat', 'legal_persona_name']) ??
    ([1, 2, 3].includes(b.code_type) ? null : `code_type must be 1 (credit code), 2 (organisation code) or 3 (licence number), got ${JSON.stringify(b.code_type)}`),
});

export const fastRegisterSearch = endpoint<FastRegisterSearchRequest, WeChatBaseResponse>({
  ...register,
  name: 'fastregisterweapp?action=search',
  query: { action: 'search' },
  idempotent: true,
  check: (b) => missingString(b, ['name', 'legal_persona_wechat', 'legal_persona_name']),
});
