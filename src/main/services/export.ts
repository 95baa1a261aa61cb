/** Authorizer exports: CSV (UTF-8 with BOM), XLSX and JSON, with chosen columns. Public fields only: no tokens. */
import {
  ACCOUNT_STATUS_WORDS,
  FUNC_SCOPE_NAMES,
  KIND_WORDS,
  SERVICE_TYPE_WORDS,
  STATUS_WORDS,
  VERIFY_TYPE_WORDS,
  YES_NO_WORDS,
  type Words,
} from '../../shared/authorizer-words';
import {
  EXPORT_COLUMNS,
  isTimeZone,
  type ExportColumn,
  type ExportFormat,
  type ExportHeaderStyle,
  type ExportResult,
} from '../../shared/contract';
import type { Authorizer } from '../../shared/domain';
import { ServiceError } from '../errors';
import { buildXlsx, type Cell, type XlsxCell } from './xlsx';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type Lang = 'zh' | 'en';

/** A coded value in words; a code without a known meaning stays visible ("未知 (7)" / "Unknown (7)"). */
function word(table: Record<number, Words>, code: number | null, lang: Lang): string | null {
  if (code === null) return null;
  const w = table[code];
  if (w) return w[lang];
  return lang === 'zh' ? `未知 (${code})` : `Unknown (${code})`;
}

interface ColumnDef {
  /** The stable snake_case header scripts read (and, in snake_case style, today's value). */
  header: string;
  zh: string;
  en: string;
  value: (a: Authorizer) => Cell;
  /** The value for people: words instead of codes. Columns without it show `value`. */
  words?: (a: Authorizer, lang: Lang) => Cell;
  /** An epoch-ms time column: a local date-time in the chosen zone for people. */
  time?: (a: Authorizer) => number | null;
}

export const COLUMN_DEFS: Record<ExportColumn, ColumnDef> = {
  appid: { header: 'appid', zh: 'AppID', en: 'AppID', value: (a) => a.appid },
  kind: { header: 'kind', zh: '账号类型', en: 'Account kind', value: (a) => a.kind, words: (a, l) => KIND_WORDS[a.kind][l] },
  nickName: { header: 'nick_name', zh: '名称', en: 'Name', value: (a) => a.nickName },
  userName: { header: 'user_name', zh: '原始 ID', en: 'Original ID', value: (a) => a.userName },
  principalName: { header: 'principal_name', zh: '主体名称', en: 'Principal', value: (a) => a.principalName },
  alias: { header: 'alias', zh: '微信号', en: 'WeChat ID', value: (a) => a.alias },
  status: { header: 'status', zh: '授权状态', en: 'Authorization status', value: (a) => a.status, words: (a, l) => STATUS_WORDS[a.status][l] },
  serviceType: {
    header: 'service_type',
    zh: '服务类型',
    en: 'Service type',
    value: (a) => a.serviceType,
    words: (a, l) => word(SERVICE_TYPE_WORDS[a.kind], a.serviceType, l),
  },
  verifyType: { header: 'verify_type', zh: '认证类型', en: 'Verification', value: (a) => a.verifyType, words: (a, l) => word(VERIFY_TYPE_WORDS, a.verifyType, l) },
  accountStatus: {
    header: 'account_status',
    zh: '账号状态',
    en: 'Account status',
    value: (a) => a.accountStatus,
    words: (a, l) => word(ACCOUNT_STATUS_WORDS, a.accountStatus, l),
  },
  funcInfo: {
    header: 'func_info',
    zh: '权限集',
    en: 'Permission sets',
    value: (a) => a.funcInfo.join('|'),
    words: (a, l) => a.funcInfo.map((id) => `${FUNC_SCOPE_NAMES[id]?.[l] ?? (l === 'zh' ? '未知' : 'Unknown')} (#${id})`).join(l === 'zh' ? '、' : '; '),
  },
  authorizedAt: { header: 'authorized_at', zh: '授权时间', en: 'Authorized at', value: (a) => iso(a.authorizedAt), time: (a) => a.authorizedAt },
  revokedAt: { header: 'revoked_at', zh: '取消授权时间', en: 'Revoked at', value: (a) => iso(a.revokedAt), time: (a) => a.revokedAt },
  refreshTokenMismatch: {
    header: 'refresh_token_mismatch',
    zh: '刷新令牌与微信不一致',
    en: 'Refresh token differs from WeChat',
    value: (a) => a.refreshTokenMismatch,
    words: (a, l) => (a.refreshTokenMismatch ? YES_NO_WORDS.yes : YES_NO_WORDS.no)[l],
  },
};

/** An unknown zone, in both languages (exports and the time-zone setting). */
export function timeZoneError(timeZone: string): { en: string; zh: string } {
  return {
    en: `Unknown time zone "${timeZone}": use an IANA name such as Asia/Shanghai or Europe/Berlin`,
    zh: `未知时区“${timeZone}”：请使用 IANA 时区名，例如 Asia/Shanghai`,
  };
}

/** The zone an export's times are shown in when none is chosen: China's for Chinese headers, the system's otherwise. */
export function defaultExportTimeZone(style: ExportHeaderStyle): string {
  return style === 'zh-CN' ? 'Asia/Shanghai' : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Epoch ms → the same wall-clock time in `timeZone`, as epoch ms read in UTC (so toISOString() prints the local
 * time). Offsets are cached per UTC day: a day whose start and end share an offset has it throughout (zones change
 * offset at most twice a year); a changing day is worked out per 15 minutes, the grain of every offset change.
 */
export function zoneClock(timeZone: string): (ms: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (t: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(t)) p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - t;
  };
  const DAY = 86_400_000;
  const QUARTER = 900_000;
  const days = new Map<number, number | null>();
  const quarters = new Map<number, number>();
  return (ms) => {
    const t = Math.floor(ms / 1000) * 1000; // whole seconds, as shown
    const day = Math.floor(t / DAY);
    let off = days.get(day);
    if (off === undefined) {
      const start = offsetAt(day * DAY);
      off = start === offsetAt(day * DAY + DAY - QUARTER) ? start : null;
      days.set(day, off);
    }
    if (off === null) {
      const q = Math.floor(t / QUARTER);
      off = quarters.get(q);
      if (off === undefined) quarters.set(q, (off = offsetAt(q * QUARTER)));
    }
    return t + off;
  };
}

/** Wall-clock ms (read in UTC) → "YYYY-MM-DD HH:mm:ss". */
export const wallText = (wall: number) => new Date(wall).toISOString().slice(0, 19).replace('T', ' ');
/** Wall-clock ms → the spreadsheet's date serial (days since 1899-12-30, the 1900 date system). */
export const wallSerial = (wall: number) => wall / 86_400_000 + 25_569;

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
  /**
   * 'zh-CN' / 'en': headers and coded values in words, times local in `timeZone`. 'snake_case' (the default): the
   * stable headers, codes and UTC ISO times scripts read, byte-identical to the exports before the words came.
   * JSON keeps the script form always (its keys are the column ids).
   */
  headerStyle?: ExportHeaderStyle;
  /** An IANA zone for 'zh-CN' / 'en' times; defaults to defaultExportTimeZone(headerStyle). */
  timeZone?: string;
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
  const style = opts.headerStyle ?? 'snake_case';
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

  // The header and a cell maker per column, for the chosen style.
  let header: string[];
  let makers: ((a: Authorizer) => XlsxCell)[];
  if (style === 'snake_case') {
    header = defs.map((d) => d.header);
    makers = defs.map((d) => d.value);
  } else {
    const timeZone = opts.timeZone ?? defaultExportTimeZone(style);
    if (!isTimeZone(timeZone)) throw new ServiceError('invalid_arguments', timeZoneError(timeZone));
    const lang: Lang = style === 'zh-CN' ? 'zh' : 'en';
    const clock = zoneClock(timeZone);
    const asDate = opts.format === 'xlsx';
    header = defs.map((d) => (d.time ? `${d[lang]} (${timeZone})` : d[lang]));
    makers = defs.map((d) => {
      const time = d.time;
      if (time)
        return (a: Authorizer) => {
          const ms = time(a);
          if (ms === null) return null;
          const wall = clock(ms);
          return asDate ? { dateSerial: wallSerial(wall) } : wallText(wall);
        };
      const words = d.words;
      return words ? (a: Authorizer) => words(a, lang) : d.value;
    });
  }

  if (opts.format === 'xlsx') {
    const cells = (function* () {
      for (const a of rows) {
        yield makers.map((m) => m(a));
        progress();
      }
    })();
    const file = buildXlsx(header, cells, { sheetName: 'authorizers' });
    opts.onProgress?.(count, opts.total);
    return xlsxResult(base, file, count);
  }
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const a of rows) {
    lines.push(makers.map((m) => csvCell(m(a) as Cell)).join(','));
    progress();
  }
  opts.onProgress?.(count, opts.total);
  return csvResult(base, lines, count);
}

/** An XLSX file as the contract carries it (base64). */
export function xlsxResult(base: string, file: Uint8Array, rows: number): ExportResult {
  return {
    fileName: `${base}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content: Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('base64'),
    encoding: 'base64',
    rows,
  };
}

/** A CSV file from its lines (header first), with CRLF line ends. */
export function csvResult(base: string, lines: string[], rows: number): ExportResult {
  return {
    fileName: `${base}.csv`,
    mimeType: 'text/csv;charset=utf-8',
    // The BOM makes Excel read the file as UTF-8, so Chinese shows correctly.
    content: '\uFEFF' + lines.join('\r\n') + '\r\n',
    encoding: 'utf8',
    rows,
  };
}
