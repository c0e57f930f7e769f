import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countEnclosing, StabbingIndex, type TimeWindow } from '../../src/analysis/windows.js';

/** Windows over a small range of times, so that ties and shared ends are common. */
const window = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })).map(([a, b]): TimeWindow & { id: number } => ({ start: BigInt(Math.min(a, b)), end: BigInt(Math.max(a, b)), id: 0 }));
const windows = fc.array(window, { maxLength: 30 }).map((list) => list.map((w, id) => ({ ...w, id })));

describe('window counting agrees with looking at every window', () => {
  it('StabbingIndex: windows containing a moment, and the one when there is one', () => {
    fc.assert(
      fc.property(windows, fc.integer({ min: -2, max: 42 }), (list, at) => {
        const t = BigInt(at);
        const index = new StabbingIndex(list);
        const containing = list.filter((w) => w.start <= t && t <= w.end);
        expect(index.count(t)).toBe(containing.length);
        expect(index.only(t)?.id).toBe(containing.length === 1 ? containing[0]!.id : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('countEnclosing: windows enclosing each query, and the one when there is one', () => {
    fc.assert(
      fc.property(windows, fc.array(window, { maxLength: 10 }), (list, queries) => {
        const answers = countEnclosing(list, queries);
        queries.forEach((q, i) => {
          const enclosing = list.filter((w) => w.start <= q.start && w.end >= q.end);
          expect(answers[i]!.count).toBe(enclosing.length);
          expect(answers[i]!.only?.id).toBe(enclosing.length === 1 ? enclosing[0]!.id : undefined);
        });
      }),
      { numRuns: 2000 },
    );
  });
});
