/**
 * The mini programs linked to an official account (wxopen/wxamplinkget; authorizer token of the official account).
 * A menu's miniprogram button may only open a linked one (menu/create answers 45064 otherwise).
 * Not in the reference: path and body from EasyWeChat (OfficialAccount MiniProgram client: POST
 * cgi-bin/wxopen/wxamplinkget with no fields); the answer's shape (wxopens.items[] with status, appid, username,
 * nickname, released …) and the status values from WeChat's page for the API as remembered, so unknown values are
 * shown as such.
 */
import { z } from 'zod';
import { endpoint } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface LinkedMiniProgram {
  /** 1 linked; 2 waiting for the mini program's admin; 3 refused by the mini program's admin; 12 waiting for the official account's admin. */
  status: number;
  /** Absent on a link the mini program's admin refused (status 3; SKIT CgibinWxopenWxaMpLinkGetResponse.json). */
  appid?: string;
  username?: string;
  nickname?: string;
  /** 1 when the mini program has a released version. */
  released?: number;
  headimg_url?: string;
  /** 1 when shown on the official account's profile. */
  selected?: number;
}

export interface LinkedMiniProgramsResponse extends WeChatBaseResponse {
  wxopens: { items: LinkedMiniProgram[] };
}

export const getLinkedMiniPrograms = endpoint<Record<string, never>, LinkedMiniProgramsResponse>({
  name: 'wxopen/wxamplinkget',
  family: 'oa/link',
  method: 'POST',
  path: '/cgi-bin/wxopen/wxamplinkget',
  token: 'authorizer',
  tokenParam: 'access_token',
  request: 'json',
  answer: 'json',
  idempotent: true,
  example: () => ({}),
  response: z.looseObject({
    wxopens: z.looseObject({
      items: z.array(z.looseObject({ status: z.number(), appid: z.string().optional(), username: z.string().optional(), nickname: z.string().optional() })),
    }),
  }),
});
