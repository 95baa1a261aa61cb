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

/**
 * Headers and values of a CSV / XLSX export: 'zh-CN' and 'en' are for people (headers and coded values in words,
 * local times in the chosen zone); 'snake_case' keeps the stable headers, codes and UTC ISO times scripts read.
 */
export const EXPORT_HEADER_STYLES = ['zh-CN', 'en', 'snake_case'] as const;
export type ExportHeaderStyle = (typeof EXPORT_HEADER_STYLES)[number];

/** Whether Intl knows `timeZone` as a zone (IANA names such as Asia/Shanghai; also UTC and fixed offsets). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

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
   * `headerStyle` defaults to 'snake_case' (the file scripts have always read); `timeZone` (IANA) applies to the
   * 'zh-CN' and 'en' styles and defaults to Asia/Shanghai for 'zh-CN', the system's zone for 'en'.
   */
  'authorizers/export': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        format: z.enum(EXPORT_FORMATS),
        headerStyle: z
          .enum(EXPORT_HEADER_STYLES, {
            error: 'must be "zh-CN" or "en" (headers and values in words) or "snake_case" (the stable headers for scripts) / 表头样式须为 zh-CN、en 或 snake_case（脚本用的固定表头）',
          })
          .optional(),
        timeZone: z
          .string()
          .max(64, 'must be an IANA time zone name such as Asia/Shanghai / 时区须为 IANA 时区名，例如 Asia/Shanghai')
          .refine(isTimeZone, {
            error: (issue) =>
              `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as Asia/Shanghai or Europe/Berlin / 未知时区：请使用 IANA 时区名，例如 Asia/Shanghai`,
          })
          .optional(),
        columns: z
          .array(z.enum(EXPORT_COLUMNS))
          .min(1, 'choose at least one column / 至少选择一列')
          .max(EXPORT_COLUMNS.length)
          .optional(),
        appids: z
          .array(appid)
          .min(1, 'select at least one row, or leave appids out to export the filter / 至少选择一行；不传 appids 则导出当前筛选结果')
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
