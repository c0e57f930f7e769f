import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byStartTime, sortByStartTime } from '../../src/model/span.js';

const T0 = 1_700_000_000_000_000_000n;

/** Items carry their position, so a stable sort can be told from an unstable one. */
const items = (starts: bigint[]): Array<{ startTimeUnixNano: bigint; at: number }> => starts.map((startTimeUnixNano, at) => ({ startTimeUnixNano, at }));

describe('sortByStartTime', () => {
  it('orders exactly as a stable sort by bigint start times, ties kept in order, on any range', () => {
    const near = fc.bigInt({ min: 0n, max: 1_000n }).map((offset) => T0 + offset); // many ties
    // Far from the rest, and close to each other: as numbers these offsets would round together.
    const farCluster = fc.bigInt({ min: 0n, max: 1_000n }).map((offset) => T0 + (1n << 60n) + offset);
    const wide = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), farCluster); // past 2^53 apart: the bigint path
    const exactEdge = fc.constantFrom(T0, T0 + (1n << 53n) - 1n, T0 + 1n); // the largest exact offset
    fc.assert(
      fc.property(fc.array(fc.oneof(near, exactEdge), { minLength: 70, maxLength: 300 }), fc.array(wide, { minLength: 1, maxLength: 100 }), (close, far) => {
        // Around the size where number keys take over, the whole list, and the list with far outliers.
        for (const starts of [close.slice(0, 1), close.slice(0, 63), close.slice(0, 64), close.slice(0, 65), close, [...close, ...far]]) {
          const expected = items(starts).sort(byStartTime);
          expect(sortByStartTime(items(starts))).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sorts in place and returns the list', () => {
    const list = items(Array.from({ length: 100 }, (_, i) => T0 + BigInt((i * 37) % 100)));
    expect(sortByStartTime(list)).toBe(list);
    expect(list.map((item) => item.startTimeUnixNano - T0)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
  });
});
