/** The log of WeChat API calls, and WeChat errcodes explained. */
import type { ErrcodeExplanation } from '../errcodes';
import type { ApiCallRecord, KeysetPage } from '../domain';
import { defineMethods, returns } from './define';

export interface ApiCallRow extends ApiCallRecord {
  /** The errcode explained (null for 0 and transport failures). */
  explanation: ErrcodeExplanation | null;
}

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
  /** Explains a WeChat errcode in Chinese and English (unknown codes get a generic sentence). */
  'errcode/explain': {
    args: ({ z }) => z.strictObject({ errcode: z.number().int() }),
    result: returns<ErrcodeExplanation>(),
  },
});
