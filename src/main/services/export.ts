import type { ExportFormat, ExportResult } from '../../shared/contract';
import type { Authorizer } from '../../shared/domain';

const CSV_COLUMNS: { header: string; value: (a: Authorizer) => string | number | boolean | null }[] = [
  { header: 'appid', value: (a) => a.appid },
  { header: 'kind', value: (a) => a.kind },
  { header: 'nick_name', value: (a) => a.nickName },
  { header: 'user_name', value: (a) => a.userName },
  { header: 'principal_name', value: (a) => a.principalName },
  { header: 'alias', value: (a) => a.alias },
  { header: 'status', value: (a) => a.status },
  { header: 'service_type', value: (a) => a.serviceType },
  { header: 'verify_type', value: (a) => a.verifyType },
  { header: 'account_status', value: (a) => a.accountStatus },
  { header: 'func_info', value: (a) => a.funcInfo.join('|') },
  { header: 'authorized_at', value: (a) => new Date(a.authorizedAt).toISOString() },
  { header: 'revoked_at', value: (a) => (a.revokedAt === null ? null : new Date(a.revokedAt).toISOString()) },
  { header: 'refresh_token_mismatch', value: (a) => a.refreshTokenMismatch },
];

/** One CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets never run it as a formula. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Builds the export file from the rows (public fields only: no refresh tokens). */
export function buildExport(rows: Authorizer[], format: ExportFormat, componentAppid: string, now: Date): ExportResult {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  if (format === 'json') {
    const plain = rows.map(({ hasRefreshToken: _omit, ...rest }) => rest);
    return {
      fileName: `authorizers-${componentAppid}-${stamp}.json`,
      mimeType: 'application/json',
      content: JSON.stringify(plain, null, 2),
      rows: rows.length,
    };
  }
  const lines = [CSV_COLUMNS.map((c) => c.header).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(c.value(row))).join(','));
  return {
    fileName: `authorizers-${componentAppid}-${stamp}.csv`,
    mimeType: 'text/csv;charset=utf-8',
    // The BOM makes Excel read the file as UTF-8, so Chinese names show correctly.
    content: '\uFEFF' + lines.join('\r\n') + '\r\n',
    rows: rows.length,
  };
}
