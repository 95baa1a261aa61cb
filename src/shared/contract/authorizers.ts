/** The authorized accounts: the stored list, sync with WeChat, account options, refresh-token health. */
import type { Authorizer, AuthorizerStatus, AuthorizerStatusCounts, Page } from '../domain';
import { AUTHORIZER_KINDS, AUTHORIZER_SORT_COLUMNS, AUTHORIZER_STATUSES } from '../domain';
import { defineEvents, defineMethods, payload, returns } from './define';

export interface SyncResult {
  /** total_count WeChat reported. */
  total: number;
  added: number;
  updated: number;
  /** Stored authorizers no longer in WeChat's list, now marked revoked. */
  revoked: number;
  /** Refresh tokens that differ from WeChat's list (flagged). */
  refreshTokenMismatches: number;
  /** Accounts whose details could not be fetched; the rest were synced. */
  failed: { appid: string; message: string; messageZh: string }[];
  startedAt: number;
  finishedAt: number;
}

export interface RefreshTokenHealth {
  appid: string;
  /** True when WeChat accepted the stored refresh token (an authorizer token was obtained). */
  ok: boolean;
  checkedAt: number;
  /** Present when WeChat refused it. */
  errcode: number | null;
  message: string;
  /** The same sentence in Chinese. */
  messageZh: string;
  /** The authorizer's status after the check (e.g. needs_reauth when WeChat refused the token). */
  status: AuthorizerStatus;
}

export const AUTHORIZER_OPTION_NAMES = ['location_report', 'voice_recognize', 'customer_service'] as const;
export type AuthorizerOptionName = (typeof AUTHORIZER_OPTION_NAMES)[number];

export interface AuthorizerOption {
  appid: string;
  optionName: AuthorizerOptionName;
  /** As WeChat returns it: a string such as "0" or "1". */
  optionValue: string;
}

export const authorizersMethods = defineMethods({
  'authorizers/list': {
    args: ({ z, epochMs, shortText }) =>
      z.strictObject({
        kind: z.enum(AUTHORIZER_KINDS).optional(),
        status: z.enum(AUTHORIZER_STATUSES).optional(),
        funcId: z.number().int().positive().optional(),
        authorizedFrom: epochMs.optional(),
        authorizedTo: epochMs.optional(),
        search: shortText(200).optional(),
        sort: z.enum(AUTHORIZER_SORT_COLUMNS).optional(),
        dir: z.enum(['asc', 'desc']).optional(),
        offset: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      }),
    result: returns<Page<Authorizer> & { counts: AuthorizerStatusCounts }>(),
  },
  'authorizers/get': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<Authorizer>() },
  /** Pulls WeChat's authorizer list and details into the store; progress arrives as 'sync:progress'. */
  'authorizers/sync': { args: ({ noArgs }) => noArgs, result: returns<SyncResult>() },
  'authorizers/getOption': {
    args: ({ z, appid }) => z.strictObject({ appid, optionName: z.enum(AUTHORIZER_OPTION_NAMES) }),
    result: returns<AuthorizerOption>(),
  },
  'authorizers/setOption': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid,
        optionName: z.enum(AUTHORIZER_OPTION_NAMES),
        optionValue: z.string().regex(/^[0-9]{1,3}$/, 'must be the option value as WeChat expects it, e.g. "0" or "1" / 须为微信要求的选项值，例如 "0" 或 "1"'),
      }),
    result: returns<AuthorizerOption>(),
  },
  /** The nicknames of these accounts (for rows that arrive live without one); unknown appids are left out. */
  'authorizers/names': {
    args: ({ z, appid }) => z.strictObject({ appids: z.array(appid).max(500) }),
    result: returns<{ names: Record<string, string> }>(),
  },
  /** Tests the stored refresh token by obtaining an authorizer token with it. */
  'authorizers/checkRefreshToken': {
    args: ({ z, appid }) => z.strictObject({ appid }),
    result: returns<RefreshTokenHealth>(),
  },
});

export const authorizersEvents = defineEvents({
  /** Progress of authorizers/sync. */
  'sync:progress': payload<{ phase: 'list' | 'details' | 'done'; done: number; total: number }>(),
});
