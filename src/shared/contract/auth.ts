/** Authorization links: pre_auth_code links (PC QR and mobile) an account admin opens to authorize the platform. */
import type { AuthLink, AuthorizerKind } from '../domain';
import { defineEvents, defineMethods, payload, returns } from './define';

/** auth_type of componentloginpage: 1 official accounts, 2 mini programs, 3 both, 4–6 newer account kinds. */
export type AuthType = 1 | 2 | 3 | 4 | 5 | 6;

export const authMethods = defineMethods({
  /** Gets a pre_auth_code and builds the PC (QR) and mobile links, plus the relay start page when a relay is set. */
  'auth/createLink': {
    args: ({ z, appid }) =>
      z.strictObject({
        authType: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)], {
          error: 'must be 1 (official accounts), 2 (mini programs), 3 (both), or 4–6 / 须为 1（公众号）、2（小程序）、3（两者）或 4–6',
        }),
        bizAppid: appid.optional(),
        categoryIds: z
          .string()
          .regex(/^\d+(\|\d+)*$/, 'must be category ids separated by "|", e.g. "1|2" / 须为用竖线分隔的权限集编号，例如 "1|2"')
          .optional(),
      }),
    result: returns<AuthLink>(),
  },
  /** Newest first. */
  'auth/listLinks': {
    args: ({ z }) => z.strictObject({ limit: z.number().int().min(1).max(500).optional() }),
    result: returns<AuthLink[]>(),
  },
});

export const authEvents = defineEvents({
  /** An account finished authorizing (authorized / updateauthorized push, or the redirect landing). */
  'auth:completed': payload<{
    linkId: string | null;
    authorizerAppid: string;
    nickName: string | null;
    kind: AuthorizerKind | null;
  }>(),
  /** An authorization link changed status (completed, or expired unused): the link as now stored. */
  'link:changed': payload<AuthLink>(),
});
