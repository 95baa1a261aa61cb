/**
 * A platform's authorizer search text held in memory, for substring search of any length.
 *
 * SQLite answers a substring search by testing every row (instr over 100,000 rows: 15–30 ms, and the count needs all
 * of them), and the trigram index is slow for terms made of common trigrams (an appid prefix every row shares). One
 * string of all rows' search text, searched with indexOf, answers any term in 0.1–7 ms at 100,000 rows. It costs
 * about 2 bytes a character (12 MB at 100,000 rows) and a rebuild (~100 ms) after authorizers are written.
 */

/** Separates rows in the joined text; never part of a search term (terms containing it match nothing). */
const ROW_END = '\u0000';

export class SearchMirror {
  private constructor(
    /** rowids, in the order of the rows in `text`. */
    private readonly ids: readonly number[],
    /** Where row i starts in `text`; starts[size] is past the end. */
    private readonly starts: Int32Array,
    private readonly text: string,
  ) {}

  /**
   * From the rows' rowids and their search texts joined with NUL in the same order (SQLite's group_concat over the
   * same index scan: one string from the database instead of 100,000).
   */
  static fromJoined(ids: readonly number[], joined: string): SearchMirror {
    const text = ids.length === 0 ? '' : joined + ROW_END;
    const starts = new Int32Array(ids.length + 1);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      starts[i] = at;
      const end = text.indexOf(ROW_END, at);
      if (end < 0) throw new Error(`search mirror: ${ids.length} rowids but only ${i} texts`);
      at = end + 1;
    }
    if (at !== text.length) throw new Error(`search mirror: more texts than the ${ids.length} rowids`);
    starts[ids.length] = at;
    return new SearchMirror(ids, starts, text);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The rowids of the rows whose text contains `term` (already folded the way the texts are), each once. */
  find(term: string): number[] {
    if (term === '' || term.includes(ROW_END)) return [];
    const hits: number[] = [];
    const { starts, text, ids } = this;
    let row = 0;
    let from = 0;
    for (;;) {
      const at = text.indexOf(term, from);
      if (at < 0) return hits;
      // Positions only grow, so the row pointer only moves forward; after a hit the search goes on at the next row.
      while (starts[row + 1]! <= at) row++;
      hits.push(ids[row]!);
      row++;
      from = starts[row]!;
    }
  }
}
