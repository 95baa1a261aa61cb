/**
 * Math for a fixed-row-height virtual list: which rows to render for a scroll position, and which pages of rows
 * to fetch. Pure functions so they are unit-tested without a DOM.
 */
export interface VisibleRange {
  /** First row index to render (inclusive). */
  start: number;
  /** One past the last row index to render. */
  end: number;
  /** translateY of the first rendered row, in px. */
  offsetY: number;
  /** Height of the whole scrollable content, in px. */
  totalHeight: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 5,
): VisibleRange {
  if (rowHeight <= 0) throw new RangeError('rowHeight must be positive');
  const count = Math.max(0, Math.floor(total));
  const totalHeight = count * rowHeight;
  if (count === 0 || viewportHeight <= 0) return { start: 0, end: 0, offsetY: 0, totalHeight };
  // Clamp: the browser can report a scrollTop past the end while the total shrinks.
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const lastVisible = Math.min(count, Math.ceil((top + viewportHeight) / rowHeight));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, lastVisible + overscan);
  return { start, end, offsetY: start * rowHeight, totalHeight };
}

/** Page indexes (pageSize rows each) covering rows [start, end). */
export function pagesForRange(start: number, end: number, pageSize: number): number[] {
  if (pageSize <= 0) throw new RangeError('pageSize must be positive');
  if (end <= start) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/**
 * A bounded cache of fetched pages. Keeps the most recently used `capacity` pages so scrolling through 100,000 rows
 * never holds them all in memory; `generation` invalidates in-flight fetches after a filter change.
 */
export class PageCache<T> {
  private readonly pages = new Map<number, T[]>();
  private readonly pending = new Set<number>();
  generation = 0;

  constructor(
    readonly pageSize: number,
    readonly capacity = 20,
  ) {
    if (pageSize <= 0 || capacity <= 0) throw new RangeError('pageSize and capacity must be positive');
  }

  /** The row at index, or undefined while its page is not loaded. */
  row(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages in `wanted` that are neither loaded nor being fetched; marks them as being fetched. */
  claimMissing(wanted: number[]): number[] {
    const missing = wanted.filter((p) => !this.pages.has(p) && !this.pending.has(p));
    for (const p of missing) this.pending.add(p);
    // Touch loaded pages so they count as recently used.
    for (const p of wanted) {
      const rows = this.pages.get(p);
      if (rows) {
        this.pages.delete(p);
        this.pages.set(p, rows);
      }
    }
    return missing;
  }

  /** Store a fetched page unless the cache was cleared since the fetch began. */
  put(page: number, rows: T[], generation: number): boolean {
    if (generation !== this.generation) return false;
    this.pending.delete(page);
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
    return true;
  }

  /** Forget a failed fetch so it is retried. */
  release(page: number, generation: number): void {
    if (generation === this.generation) this.pending.delete(page);
  }

  clear(): void {
    this.pages.clear();
    this.pending.clear();
    this.generation++;
  }

  get size(): number {
    return this.pages.size;
  }
}
