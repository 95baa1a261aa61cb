/** Exporting the authorized accounts as CSV, XLSX or JSON (the method keeps its name, authorizers/export). */
import { AUTHORIZER_KINDS, AUTHORIZER_STATUSES } from '../domain';
import { defineEvents, defineMethods, payload, returns } from './define';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Columns an export may hold, in their default order (no secrets: refresh tokens are never exported). */
export const EXPORT_COLUMNS = [
  'appid',
  'kind',
  'nickName',
  'userName',
  'principalName',
  'alias',
  'status',
  'serviceType',
  'verifyType',
  'accountStatus',
  'funcInfo',
  'authorizedAt',
  'revokedAt',
  'refreshTokenMismatch',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

export interface ExportResult {
  fileName: string;
  mimeType: string;
  /** The whole file: UTF-8 text (CSV starts with a BOM so Excel shows Chinese correctly), or base64 for XLSX. */
  content: string;
  encoding: 'utf8' | 'base64';
  rows: number;
}

export const exportMethods = defineMethods({
  /**
   * Exports the authorizers matching the filter; progress arrives as 'export:progress'. `columns` defaults to every
   * column in EXPORT_COLUMNS order; `appids` (the selected rows), when given, makes the filter fields ignored.
   */
  'authorizers/export': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        format: z.enum(EXPORT_FORMATS),
        columns: z
          .array(z.enum(EXPORT_COLUMNS))
          .min(1, 'choose at least one column')
          .max(EXPORT_COLUMNS.length)
          .optional(),
        appids: z
          .array(appid)
          .min(1, 'select at least one row, or leave appids out to export the filter')
          .max(200_000)
          .optional(),
        kind: z.enum(AUTHORIZER_KINDS).optional(),
        status: z.enum(AUTHORIZER_STATUSES).optional(),
        funcId: z.number().int().positive().optional(),
        authorizedFrom: z.number().int().nonnegative().optional(),
        authorizedTo: z.number().int().nonnegative().optional(),
        search: shortText(200).optional(),
      }),
    result: returns<ExportResult>(),
  },
});

export const exportEvents = defineEvents({
  /** Progress of authorizers/export. */
  'export:progress': payload<{ done: number; total: number }>(),
});
