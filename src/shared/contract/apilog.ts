/** The log of WeChat API calls, and WeChat errcodes explained. */
import type { ErrcodeExplanation } from '../errcodes';
import type { ApiCallFull, ApiCallRecord, KeysetPage } from '../domain';
import { defineMethods, returns } from './define';

export interface ApiCallRow extends ApiCallRecord {
  /** The errcode explained (null for 0 and transport failures). */
  explanation: ErrcodeExplanation | null;
  /** The nickname of the account `appid` names, when it is stored (looked up once per page). */
  nickName?: string | null;
}

/** apilog/get: the call, its errcode explained and the account's nickname. */
export type ApiCallDetail = ApiCallFull & Pick<ApiCallRow, 'explanation' | 'nickName'>;

export const apilogMethods = defineMethods({
  'apilog/list': {
    args: ({ z, appid, epochMs, rowId, shortText }) =>
      z.strictObject({
        path: shortText(200).optional(),
        errcode: z.number().int().optional(),
        appid: appid.optional(),
        from: epochMs.optional(),
        to: epochMs.optional(),
        errorsOnly: z.boolean().optional(),
        beforeId: rowId.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
    result: returns<KeysetPage<ApiCallRow>>(),
  },
  /** One call with its request and response (bounded, secrets redacted), for the detail view. */
  'apilog/get': {
    args: ({ z, rowId }) => z.strictObject({ id: rowId }),
    result: returns<ApiCallDetail>(),
  },
  /** Explains a WeChat errcode in Chinese and English (unknown codes get a generic sentence). */
  'errcode/explain': {
    args: ({ z }) => z.strictObject({ errcode: z.number().int() }),
    result: returns<ErrcodeExplanation>(),
  },
});
