// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageCache, pagesForRange, visibleRange } from '../../src/renderer/src/lib/virtual-list';

describe('visibleRange', () => {
  it('at the top renders the viewport plus the overscan below', () => {
    expect(visibleRange(0, 360, 36, 100_000, 5)).toEqual({ start: 0, end: 15, offsetY: 0, totalHeight: 3_600_000 });
  });

  it('mid-list starts overscan rows above the first visible row', () => {
    const r = visibleRange(36 * 50_000 + 10, 360, 36, 100_000, 5);
    expect(r.start).toBe(49_995);
    expect(r.end).toBe(50_016);
    expect(r.offsetY).toBe(49_995 * 36);
  });

  it('clamps a scrollTop past the end (the total shrank) to the last rows', () => {
    const r = visibleRange(1_000_000, 360, 36, 20, 2);
    expect(r.end).toBe(20);
    expect(r.start).toBe(8);
  });

  it('empty list and zero-height viewport render nothing', () => {
    expect(visibleRange(0, 360, 36, 0)).toEqual({ start: 0, end: 0, offsetY: 0, totalHeight: 0 });
    expect(visibleRange(0, 0, 36, 10).end).toBe(0);
  });

  it('rejects a non-positive row height', () => {
    expect(() => visibleRange(0, 100, 0, 10)).toThrow(RangeError);
  });

  it('property: the rendered window covers every visible row and stays small', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 20 }),
        (total, viewport, rowHeight, scrollTop, overscan) => {
          const r = visibleRange(scrollTop, viewport, rowHeight, total, overscan);
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeLessThanOrEqual(total);
          expect(r.start).toBeLessThanOrEqual(r.end);
          expect(r.offsetY).toBe(r.start * rowHeight);
          // Never more than a viewport's worth of rows plus overscan on both sides (+1 for a partial row).
          expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(viewport / rowHeight) + 1 + 2 * overscan);
          if (total > 0) {
            const top = Math.min(scrollTop, Math.max(0, total * rowHeight - viewport));
            const firstVisible = Math.floor(top / rowHeight);
            const lastVisible = Math.min(total - 1, Math.ceil((top + viewport) / rowHeight) - 1);
            expect(r.start).toBeLessThanOrEqual(firstVisible);
            expect(r.end).toBeGreaterThan(lastVisible);
          }
        },
      ),
    );
  });
});

describe('pagesForRange', () => {
  it('lists the pages a row range touches', () => {
    expect(pagesForRange(0, 1, 200)).toEqual([0]);
    expect(pagesForRange(190, 215, 200)).toEqual([0, 1]);
    expect(pagesForRange(400, 400, 200)).toEqual([]);
    expect(pagesForRange(99_990, 100_000, 200)).toEqual([499]);
  });
});

describe('PageCache', () => {
  it('claims a missing page once, then serves its rows', () => {
    const cache = new PageCache<string>(3, 10);
    expect(cache.claimMissing([0, 1])).toEqual([0, 1]);
    expect(cache.claimMissing([0, 1])).toEqual([]); // in flight: not fetched twice
    expect(cache.put(1, ['d', 'e', 'f'], cache.generation)).toBe(true);
    expect(cache.row(4)).toBe('e');
    expect(cache.row(0)).toBeUndefined();
  });

  it('evicts the least recently used page beyond capacity', () => {
    const cache = new PageCache<number>(1, 2);
    cache.claimMissing([0, 1]);
    cache.put(0, [0], cache.generation);
    cache.put(1, [1], cache.generation);
    cache.claimMissing([0]); // touch 0
    cache.claimMissing([2]);
    cache.put(2, [2], cache.generation);
    expect(cache.has(0)).toBe(true);
    expect(cache.has(1)).toBe(false);
    expect(cache.size).toBe(2);
  });

  it('drops pages fetched before a clear (a filter change)', () => {
    const cache = new PageCache<number>(1, 5);
    cache.claimMissing([0]);
    const before = cache.generation;
    cache.clear();
    expect(cache.put(0, [42], before)).toBe(false);
    expect(cache.row(0)).toBeUndefined();
    expect(cache.claimMissing([0])).toEqual([0]);
  });

  it('a failed fetch can be claimed again', () => {
    const cache = new PageCache<number>(1, 5);
    cache.claimMissing([3]);
    cache.release(3, cache.generation);
    expect(cache.claimMissing([3])).toEqual([3]);
  });

  it('scrolling through 100,000 rows keeps at most `capacity` pages', () => {
    const cache = new PageCache<number>(200, 30);
    for (let top = 0; top < 100_000; top += 150) {
      const r = visibleRange(top * 36, 720, 36, 100_000, 8);
      for (const p of cache.claimMissing(pagesForRange(r.start, r.end, 200))) {
        cache.put(p, Array.from({ length: 200 }, (_, i) => p * 200 + i), cache.generation);
      }
      expect(cache.row(r.start)).toBe(r.start);
    }
    expect(cache.size).toBeLessThanOrEqual(30);
  });
});
