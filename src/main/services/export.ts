/** Authorizer exports: CSV (UTF-8 with BOM), XLSX and JSON, with chosen columns. Public fields only: no tokens. */
import { EXPORT_COLUMNS, type ExportColumn, type ExportFormat, type ExportResult } from '../../shared/contract';
import type { Authorizer } from '../../shared/domain';
import { buildXlsx, type Cell } from './xlsx';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Header (stable snake_case, for scripts and spreadsheets alike) and value of each column. */
export const COLUMN_DEFS: Record<ExportColumn, { header: string; value: (a: Authorizer) => Cell }> = {
  appid: { header: 'appid', value: (a) => a.appid },
  kind: { header: 'kind', value: (a) => a.kind },
  nickName: { header: 'nick_name', value: (a) => a.nickName },
  userName: { header: 'user_name', value: (a) => a.userName },
  principalName: { header: 'principal_name', value: (a) => a.principalName },
  alias: { header: 'alias', value: (a) => a.alias },
  status: { header: 'status', value: (a) => a.status },
  serviceType: { header: 'service_type', value: (a) => a.serviceType },
  verifyType: { header: 'verify_type', value: (a) => a.verifyType },
  accountStatus: { header: 'account_status', value: (a) => a.accountStatus },
  funcInfo: { header: 'func_info', value: (a) => a.funcInfo.join('|') },
  authorizedAt: { header: 'authorized_at', value: (a) => iso(a.authorizedAt) },
  revokedAt: { header: 'revoked_at', value: (a) => iso(a.revokedAt) },
  refreshTokenMismatch: { header: 'refresh_token_mismatch', value: (a) => a.refreshTokenMismatch },
};

/** One CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets never run it as a formula. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface ExportOptions {
  format: ExportFormat;
  columns?: readonly ExportColumn[];
  componentAppid: string;
  now: Date;
  /** How many rows will come (for progress), and a callback with rows written so far. */
  total: number;
  onProgress?: (done: number, total: number) => void;
}

/** Builds the export file from the rows, which are iterated once (a lazy iterator over the store is fine). */
export function buildExport(rows: Iterable<Authorizer>, opts: ExportOptions): ExportResult {
  const columns = opts.columns?.length ? opts.columns : EXPORT_COLUMNS;
  const defs = columns.map((c) => COLUMN_DEFS[c]);
  const stamp = opts.now.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const base = `authorizers-${opts.componentAppid}-${stamp}`;
  let count = 0;
  const progress = () => {
    count++;
    if (count % 2000 === 0) opts.onProgress?.(count, opts.total);
  };
  if (opts.format === 'json') {
    const out: Record<string, Cell>[] = [];
    for (const a of rows) {
      out.push(Object.fromEntries(columns.map((c) => [c, COLUMN_DEFS[c].value(a)])));
      progress();
    }
    opts.onProgress?.(count, opts.total);
    return { fileName: `${base}.json`, mimeType: 'application/json', content: JSON.stringify(out, null, 2), encoding: 'utf8', rows: count };
  }
  if (opts.format === 'xlsx') {
    const cells = (function* () {
      for (const a of rows) {
        yield defs.map((d) => d.value(a));
        progress();
      }
    })();
    const file = buildXlsx(defs.map((d) => d.header), cells, { sheetName: 'authorizers' });
    opts.onProgress?.(count, opts.total);
    return {
      fileName: `${base}.xlsx`,
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content: Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('base64'),
      encoding: 'base64',
      rows: count,
    };
  }
  const lines = [defs.map((d) => d.header).join(',')];
  for (const a of rows) {
    lines.push(defs.map((d) => csvCell(d.value(a))).join(','));
    progress();
  }
  opts.onProgress?.(count, opts.total);
  return {
    fileName: `${base}.csv`,
    mimeType: 'text/csv;charset=utf-8',
    // The BOM makes Excel read the file as UTF-8, so Chinese names show correctly.
    content: '\uFEFF' + lines.join('\r\n') + '\r\n',
    encoding: 'utf8',
    rows: count,
  };
}
