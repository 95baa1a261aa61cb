/**
 * The API workbench (developers): any endpoint of the spec table called as an authorizer or as the platform, with the
 * console's own token, logged like every call; and the quota panel (openapi/quota/get, clear_quota).
 */
import type { WorkbenchEndpoint, WorkbenchSendResult } from '../workbench';
import { defineMethods, returns } from './define';

/** The most a typed body may be (WeChat itself takes 1 MB of JSON at most). */
export const MAX_WORKBENCH_BODY = 1024 * 1024;

export interface WorkbenchEndpointList {
  endpoints: (WorkbenchEndpoint & {
    /** The example body, pretty-printed JSON, with the chosen account's appids; `{}` when the spec has none. */
    example: string;
    /** True when the spec has no example and `{}` stands in (fill the fields in from the reference). */
    exampleDerived: boolean;
  })[];
  /** Where the calls go (https://api.weixin.qq.com, or the simulator's URL in the demo sandbox), for copy as curl. */
  baseUrl: string;
  componentAppid: string;
}

export interface QuotaInfo {
  /** The account the quota belongs to: an authorizer, or the platform (component appid). */
  appid: string;
  /** openapi/quota/get for `cgiPath`; null when no path was asked about. */
  quota: { cgiPath: string; dailyLimit: number; used: number; remain: number } | null;
  /** clear_quota's own limit: clears a month per account (shared with clear_quota/v2), 48006 beyond it. */
  clearsPerMonth: number;
  /** Clears this console made for the account this month (Beijing time); clears made elsewhere are not known. */
  clearsThisMonth: number;
}

// `appid` below: who the call is made as, an authorizer, or null for the platform itself (component token).
export const workbenchMethods = defineMethods({
  /** The spec table, grouped by family in the UI, with example bodies naming `appid` (null: the platform). */
  'workbench/endpoints': {
    args: ({ z, appid }) => z.strictObject({ appid: appid.nullable().optional() }),
    result: returns<WorkbenchEndpointList>(),
  },
  /**
   * Sends `body` (the JSON text as typed) to the endpoint `name` with the token of `appid` (null: the platform's).
   * Refused before sending: invalid JSON (with line and column), a token or secret typed into the body, an endpoint
   * that needs a secret or a file, a request the spec's check refuses. WeChat's errcodes come back as a result.
   */
  'workbench/send': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        name: shortText(100).min(1, 'pick an endpoint / 请选择接口'),
        appid: appid.nullable(),
        body: z.string().max(MAX_WORKBENCH_BODY, `the body may be at most ${MAX_WORKBENCH_BODY} characters / 请求体最多 ${MAX_WORKBENCH_BODY} 个字符`),
      }),
    result: returns<WorkbenchSendResult>(),
  },
  /** The quota of one API for an authorizer (appid) or the platform (null), and how many clears this month. */
  'workbench/getQuota': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid: appid.nullable(),
        cgiPath: z
          .string()
          .max(200)
          .regex(/^\/[\w/.-]*$/, 'must be an API path starting with "/", e.g. /cgi-bin/menu/create / 须为以“/”开头的接口路径，例如 /cgi-bin/menu/create')
          .optional(),
      }),
    result: returns<QuotaInfo>(),
  },
  /**
   * clear_quota for an authorizer (its token) or the platform (component token): every API's daily count of that
   * account goes back to 0. Uses one of the 10 clears a month (48006 when none is left).
   */
  'workbench/clearQuota': {
    args: ({ z, appid }) => z.strictObject({ appid: appid.nullable() }),
    result: returns<QuotaInfo>(),
  },
});
