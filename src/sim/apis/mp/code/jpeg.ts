/**
 * A stand-in trial QR code as a real JPEG, made here so the simulator needs no image library: a QR-like pattern
 * (finder squares and modules from a hash, not a decodable code) with each module one 8×8 JPEG block. A uniform block
 * has only a DC coefficient, so a baseline grayscale JPEG needs no DCT: one DC difference and an end-of-block each.
 */
import { hashHex } from '../../../accounts';

/** Standard luminance DC table (ITU T.81 K.3): code-length counts for lengths 1..16, then the categories. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table with the end-of-block symbol alone (code "0"): every block here ends right after its DC. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALS = [0x00];
/** Every coefficient quantised by 8, so a block's DC is (value − 128) exactly. */
const QUANT = 8;

/** Canonical Huffman codes from the counts (T.81 Annex C). */
function huffmanCodes(bits: number[], vals: number[]): Map<number, { code: number; length: number }> {
  const out = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]!; i++) out.set(vals[k++]!, { code: code++, length });
    code <<= 1;
  }
  return out;
}

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  /** Pad the last byte with 1-bits, as T.81 asks. */
  end(): number[] {
    while (this.n !== 0) this.write(1, 1);
    return this.bytes;
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
}

/** A grayscale JPEG where each cell of `dark` is an 8×8 block, black when true. */
export function blocksToJpeg(dark: boolean[][]): Uint8Array {
  const rows = dark.length;
  const cols = dark[0]?.length ?? 0;
  const dc = huffmanCodes(DC_BITS, DC_VALS);
  const ac = huffmanCodes(AC_BITS, AC_VALS);
  const w = new BitWriter();
  let previous = 0;
  for (const row of dark) {
    for (const isDark of row) {
      // The DC of a uniform block is 8 × (pixel − 128); divided by QUANT that is pixel − 128.
      const value = isDark ? -128 : 127;
      const diff = value - previous;
      previous = value;
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      const c = dc.get(category)!;
      w.write(c.code, c.length);
      if (category > 0) w.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
      const eob = ac.get(0)!;
      w.write(eob.code, eob.length);
    }
  }
  const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
  const segment = (marker: number, body: number[]) => [0xff, marker, ...u16(body.length + 2), ...body];
  const table = (cls: number, bits: number[], vals: number[]) => [cls, ...bits, ...vals];
  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF 1.1, no thumbnail
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(QUANT)]),
    ...segment(0xc0, [8, ...u16(rows * 8), ...u16(cols * 8), 1, 1, 0x11, 0]),
    ...segment(0xc4, [...table(0x00, DC_BITS, DC_VALS), ...table(0x10, AC_BITS, AC_VALS)]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...w.end(),
    0xff, 0xd9,
  ]);
}

/** A 25×25 QR-like pattern with a 4-module quiet zone, the same for the same key. */
export function qrLikeJpeg(key: string): Uint8Array {
  const size = 25;
  const quiet = 4;
  const bits = hashHex(key, 'qr').repeat(Math.ceil((size * size) / 256) + 1);
  const finder = (r: number, c: number): boolean | null => {
    for (const [fr, fc] of [[0, 0], [0, size - 7], [size - 7, 0]] as const) {
      const y = r - fr;
      const x = c - fc;
      if (y >= -1 && y <= 7 && x >= -1 && x <= 7) {
        if (y < 0 || y > 6 || x < 0 || x > 6) return false; // separator
        return y === 0 || y === 6 || x === 0 || x === 6 || (y >= 2 && y <= 4 && x >= 2 && x <= 4);
      }
    }
    return null;
  };
  const grid: boolean[][] = [];
  for (let r = -quiet; r < size + quiet; r++) {
    const row: boolean[] = [];
    for (let c = -quiet; c < size + quiet; c++) {
      if (r < 0 || c < 0 || r >= size || c >= size) row.push(false);
      else row.push(finder(r, c) ?? (parseInt(bits[(r * size + c) >> 2]!, 16) >> ((r * size + c) & 3)) % 2 === 1);
    }
    grid.push(row);
  }
  return blocksToJpeg(grid);
}
