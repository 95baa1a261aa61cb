/**
 * A small XLSX (SpreadsheetML) writer: one sheet, a bold frozen header row with an autofilter, columns sized to
 * their content, strings inline, numbers as numbers, date-times as date cells.
 * Enough for exports that open cleanly in Excel, WPS and LibreOffice, without a 2 MB spreadsheet library.
 */
import { Zip, ZipDeflate, strToU8 } from 'fflate';

export type Cell = string | number | boolean | null;
/** A date-time cell: the spreadsheet's serial (days since 1899-12-30, wall-clock time), shown yyyy-mm-dd hh:mm:ss. */
export interface DateCell {
  dateSerial: number;
}
export type XlsxCell = Cell | DateCell;

const DATE_STYLE = 2;
const DATE_WIDTH = 'yyyy-mm-dd hh:mm:ss'.length;
/** Widest column, in characters (Excel's own limit is 255; wider only hides the next columns). */
const MAX_WIDTH = 60;

// Characters XML 1.0 forbids (control characters other than tab, LF, CR) would make Excel refuse the whole file.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeXml(s: string): string {
  return s.replace(INVALID_XML, '').replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** A, B, …, Z, AA, AB, … */
export function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/**
 * How wide text shows, in Excel's character units: CJK and other full-width characters (and astral ones such as
 * emoji) take two.
 */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w +=
      c >= 0x1100 &&
      (c <= 0x115f ||
        (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) ||
        (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) ||
        (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) ||
        c >= 0x10000)
        ? 2
        : 1;
  }
  return w;
}

function cellWidth(value: XlsxCell): number {
  if (value === null) return 0;
  if (typeof value === 'object') return DATE_WIDTH;
  if (typeof value === 'boolean') return 5;
  return displayWidth(String(value));
}

function cellXml(ref: string, value: XlsxCell, style: number): string {
  const s = style ? ` s="${style}"` : '';
  if (value === null || value === '') return '';
  if (typeof value === 'object')
    return Number.isFinite(value.dateSerial) ? `<c r="${ref}" s="${DATE_STYLE}"><v>${value.dateSerial}</v></c>` : '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"${s}><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}"${s} t="b"><v>${value ? 1 : 0}</v></c>`;
  const text = escapeXml(String(value));
  // xml:space keeps leading and trailing spaces that Excel would otherwise trim.
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

/** The workbook; `filterRange` (e.g. A1:N4) is named as the autofilter's range, which LibreOffice and Excel expect. */
function workbook(sheetName: string, filterRange: string | null): string {
  const name = sheetName.replace(INVALID_XML, '').slice(0, 31);
  const defined = filterRange
    ? `<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">${escapeXml(`'${name.replace(/'/g, "''")}'!${filterRange.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2')}`)}</definedName></definedNames>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escapeXml(name)}" sheetId="1" r:id="rId1"/></sheets>${defined}</workbook>`;
}

export interface XlsxOptions {
  sheetName?: string;
  /** Called every `progressEvery` rows with the rows written so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
  /** Column widths fit the header and this many first rows (the rest stream straight through). */
  widthSample?: number;
}

/**
 * Builds the .xlsx file. `rows` is iterated once, so a lazy iterator over the store works; the sheet is deflated as
 * it is written, so memory stays near the size of the compressed file rather than the sheet's XML. Column widths
 * must precede the rows in the sheet, so they fit the first `widthSample` rows, which alone are held back.
 */
export function buildXlsx(header: string[], rows: Iterable<XlsxCell[]>, opts: XlsxOptions = {}): Uint8Array {
  const every = opts.progressEvery ?? 5000;
  const cols = header.map((_, i) => columnName(i));
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else out.push(chunk);
  });
  const addFile = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  };
  addFile('[Content_Types].xml', CONTENT_TYPES);
  addFile('_rels/.rels', ROOT_RELS);
  addFile('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
  addFile('xl/styles.xml', STYLES);

  // Hold back the first rows to size the columns, then write them and stream the rest.
  const iterator = rows[Symbol.iterator]();
  const sample: XlsxCell[][] = [];
  const widths = header.map((h) => displayWidth(h) + 2); // + the autofilter button
  for (let n = opts.widthSample ?? 1000; n > 0; n--) {
    const next = iterator.next();
    if (next.done) break;
    sample.push(next.value);
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, cellWidth(next.value[i] ?? null));
  }
  const colsXml = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${Math.min(w + 1, MAX_WIDTH)}" customWidth="1"/>`).join('');
  const rest: Iterable<XlsxCell[]> = { [Symbol.iterator]: () => iterator };

  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  let pending =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
    (colsXml ? `<cols>${colsXml}</cols>` : '') +
    `<sheetData><row r="1">${header.map((h, i) => cellXml(`${cols[i]}1`, h, 1)).join('')}</row>`;
  let r = 1;
  const write = (row: XlsxCell[]) => {
    r++;
    pending += `<row r="${r}">`;
    for (let i = 0; i < cols.length; i++) pending += cellXml(`${cols[i]}${r}`, row[i] ?? null, 0);
    pending += '</row>';
    // Hand the deflater about 256 KB at a time.
    if (pending.length > 262_144) {
      sheet.push(strToU8(pending));
      pending = '';
    }
    if ((r - 1) % every === 0) opts.onProgress?.(r - 1);
  };
  for (const row of sample) write(row);
  sample.length = 0;
  for (const row of rest) write(row);
  // The filter buttons on the header, over every row written.
  const filterRange = cols.length ? `A1:${cols[cols.length - 1]}${r}` : null;
  const filter = filterRange ? `<autoFilter ref="${filterRange}"/>` : '';
  sheet.push(strToU8(pending + '</sheetData>' + filter + '</worksheet>'), true);
  // The workbook comes last because it names the filter's range, known only now (the order of parts is free).
  addFile('xl/workbook.xml', workbook(opts.sheetName ?? 'Sheet1', filterRange));
  zip.end();
  if (failure) throw failure;
  opts.onProgress?.(r - 1);
  const file = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) {
    file.set(c, at);
    at += c.length;
  }
  return file;
}
