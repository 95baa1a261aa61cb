/**
 * The refusal reasons in words (one zh + en sentence per RefusalReason; the Record type makes a missing one a compile
 * error) and the summary the desk keeps from a relay's `refusals` frame, which comes from the internet side.
 */
import { describe, expect, it } from 'vitest';
import { REFUSAL_REASON_TEXT, refusalReasonText, summarizeRefusals } from '../../src/shared/refusals';
import type { RefusalsFrame } from '../../src/shared/relay-protocol';

describe('refusal reasons in words', () => {
  it('has a Chinese and an English sentence for every reason, each its own', () => {
    const entries = Object.entries(REFUSAL_REASON_TEXT);
    expect(entries.length).toBe(21);
    for (const [, { zh, en }] of entries) {
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[\x20-\x7e…]+$/);
    }
    expect(new Set(entries.map(([, t]) => t.zh)).size).toBe(entries.length);
    expect(new Set(entries.map(([, t]) => t.en)).size).toBe(entries.length);
    expect(refusalReasonText('bad_msg_signature')).toEqual({ zh: '签名不符，请检查 Token', en: 'signature mismatch, check the Token' });
  });

  it('shows a reason it does not know (a newer relay) as its code, and never an inherited property', () => {
    expect(refusalReasonText('quota_of_the_future')).toEqual({ zh: 'quota_of_the_future', en: 'quota_of_the_future' });
    expect(refusalReasonText('toString')).toEqual({ zh: 'toString', en: 'toString' });
  });
});

describe('summarizeRefusals', () => {
  const frame = (over: Partial<RefusalsFrame>): RefusalsFrame => ({ type: 'refusals', windowMs: 86_400_000, total: 0, counts: {}, recent: [], ...over });

  it('names the most frequent reason', () => {
    const s = summarizeRefusals(frame({ total: 12, counts: { stale_timestamp: 3, bad_msg_signature: 9 } }), 1000);
    expect(s).toMatchObject({ receivedAt: 1000, total: 12, topReason: 'bad_msg_signature', counts: { stale_timestamp: 3, bad_msg_signature: 9 } });
    expect(summarizeRefusals(frame({}), 1).topReason).toBeNull();
  });

  it('keeps only well-formed counts and at most 20 entries with bounded strings', () => {
    const recent = Array.from({ length: 30 }, (_, i) => ({ at: i, reason: 'not_found', status: 404, path: '/x'.repeat(400), remote: '10.0.0.1' }));
    const s = summarizeRefusals(
      frame({ total: -5, counts: { not_found: 30, bad: -1, worse: 1.5, nan: Number.NaN } as Record<string, number>, recent: [...recent, { bogus: true } as never] }),
      1,
    );
    expect(s.total).toBe(0);
    expect(s.counts).toEqual({ not_found: 30 });
    expect(s.recent).toHaveLength(20);
    expect(s.recent[0]!.path.length).toBe(300);
    const junk = summarizeRefusals(frame({ recent: [{ at: 'x', reason: 5, status: null, path: {}, remote: [] } as never] }), 1);
    expect(junk.recent).toEqual([{ at: 0, reason: '', status: 0, path: '', remote: '' }]);
  });
});
