import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildXlsx, columnName } from '../../src/main/services/xlsx';

function sheetOf(file: Uint8Array) {
  const files = unzipSync(file);
  expect(Object.keys(files).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
  // Every part is well-formed XML.
  const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false, isArray: (name) => name === 'row' || name === 'c' });
  for (const [name, bytes] of Object.entries(files)) expect(() => parser.parse(strFromU8(bytes), true), name).not.toThrow();
  return parser.parse(strFromU8(files['xl/worksheets/sheet1.xml']!)).worksheet.sheetData.row as { c?: { '@_r': string; '@_t'?: string; v?: string; is?: { t: string | { '#text': string } } }[] }[];
}

const text = (c: { is?: { t: string | { '#text': string } }; v?: string }) => (c.is ? (typeof c.is.t === 'string' ? c.is.t : c.is.t['#text']) : c.v);

describe('buildXlsx', () => {
  it('names columns like Excel', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('writes the header and rows: strings inline (Chinese, markup, spaces), numbers as numbers, nulls empty', () => {
    const rows = sheetOf(
      buildXlsx(['appid', '名称', 'count', 'flag'], [
        ['wx1', '测试公众号 <&"> ', 42, true],
        ['wx2', null, 0, false],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]!.c!.map(text)).toEqual(['appid', '名称', 'count', 'flag']);
    expect(rows[1]!.c!.map(text)).toEqual(['wx1', '测试公众号 <&"> ', '42', '1']);
    expect(rows[1]!.c![2]!['@_t']).toBeUndefined(); // a number cell
    expect(rows[2]!.c!.map((c) => c['@_r'])).toEqual(['A3', 'C3', 'D3']); // the null cell is simply absent
  });

  it('drops characters XML forbids instead of producing a file Excel refuses', () => {
    const rows = sheetOf(buildXlsx(['x'], [['a\u0001b\u000bc']]));
    expect(text(rows[1]!.c![0]!)).toBe('abc');
  });

  it('reports progress and handles 100,000 rows', () => {
    const seen: number[] = [];
    const n = 100_000;
    function* gen() {
      for (let i = 0; i < n; i++) yield [`wx${i.toString(16).padStart(16, '0')}`, `账号 ${i}`, i];
    }
    const file = buildXlsx(['appid', 'name', 'i'], gen(), { onProgress: (d) => seen.push(d), progressEvery: 25_000 });
    expect(seen).toEqual([25_000, 50_000, 75_000, 100_000, 100_000]);
    const sheet = strFromU8(unzipSync(file)['xl/worksheets/sheet1.xml']!);
    expect(sheet.match(/<row /g)).toHaveLength(n + 1);
    expect(sheet).toContain('<c r="C100001"><v>99999</v></c>');
  });
});

describe('column widths', () => {
  it('counts CJK and full-width characters double', async () => {
    const { displayWidth } = await import('../../src/main/services/xlsx');
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('公众号')).toBe(6);
    expect(displayWidth('ＡＢ（1）')).toBe(9);
    expect(displayWidth('한글')).toBe(4);
  });

  it('fits the header and the first rows, and still writes every row after them in order', () => {
    const rows = [['a'], ['bbbb'], ['c'.repeat(40)], ['d']];
    const files = unzipSync(buildXlsx(['名'], rows, { widthSample: 2 }));
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(sheet).toContain('<cols><col min="1" max="1" width="5" customWidth="1"/></cols>');
    expect(sheet.match(/<row r="(\d+)"/g)).toEqual(['<row r="1"', '<row r="2"', '<row r="3"', '<row r="4"', '<row r="5"']);
    expect(sheet).toContain('<autoFilter ref="A1:A5"/>');
    // The filter's range is also named in the workbook, where LibreOffice and Excel look for it.
    expect(strFromU8(files['xl/workbook.xml']!)).toContain(`<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'Sheet1'!$A$1:$A$5</definedName>`);
    expect(sheet.indexOf('c'.repeat(40))).toBeGreaterThan(sheet.indexOf('bbbb'));
  });
});
