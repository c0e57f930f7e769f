import { describe, expect, it } from 'vitest';
import { criticalPath } from '../../src/analysis/critical-path.js';
import { TraceSet } from '../../src/model/trace.js';
import { MS, sid, span, T0 } from '../support/spans.js';

const trace = (spans: ReturnType<typeof span>[]) => new TraceSet(spans).traces.values().next().value!;
const path = (spans: ReturnType<typeof span>[]) => criticalPath(trace(spans)).map((s) => [s.span.name, Number((s.start - T0) / MS), Number((s.end - T0) / MS)]);

describe('critical path (Jaeger UI algorithm)', () => {
  it("the lesson's example: gateway -> order-service -> postgres", () => {
    const spans = [
      span({ spanId: sid('1'), name: 'gateway', at: [0, 800] }),
      span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'order-service', at: [50, 740] }),
      span({ spanId: sid('3'), parentSpanId: sid('1'), name: 'inventory-service', at: [60, 260] }),
      span({ spanId: sid('4'), parentSpanId: sid('2'), name: 'postgres', at: [100, 695] }),
    ];
    expect(path(spans)).toEqual([
      ['gateway', 740, 800],
      ['order-service', 695, 740],
      ['postgres', 100, 695],
      ['order-service', 50, 100],
      ['gateway', 0, 50],
    ]);
    expect(new Set(path(spans).map(([name]) => name))).toEqual(new Set(['gateway', 'order-service', 'postgres']));
  });

  it('sequential children are both on the path', () => {
    const spans = [span({ spanId: sid('1'), name: 'root', at: [0, 30] }), span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'a', at: [0, 10] }), span({ spanId: sid('3'), parentSpanId: sid('1'), name: 'b', at: [10, 25] })];
    expect(path(spans)).toEqual([['root', 25, 30], ['b', 10, 25], ['a', 0, 10]]);
  });

  it('a child that outlives its parent counts only to the parent end', () => {
    const spans = [span({ spanId: sid('1'), name: 'root', at: [0, 100] }), span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'late', at: [40, 300] })];
    expect(path(spans)).toEqual([['late', 40, 100], ['root', 0, 40]]);
  });

  it('a child entirely after its parent (fire and forget) is not on the path', () => {
    const spans = [span({ spanId: sid('1'), name: 'root', at: [0, 100] }), span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'async', at: [150, 300] })];
    expect(path(spans)).toEqual([['root', 0, 100]]);
  });

  it('overlapping children: the last to finish wins, then the one before it started', () => {
    const spans = [
      span({ spanId: sid('1'), name: 'root', at: [0, 100] }),
      span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'x', at: [10, 90] }),
      span({ spanId: sid('3'), parentSpanId: sid('1'), name: 'y', at: [5, 60] }),
    ];
    expect(path(spans)).toEqual([['root', 90, 100], ['x', 10, 90], ['root', 0, 10]]);
  });

  it('walks a chain 100k spans deep without recursion', () => {
    const spans = Array.from({ length: 100_000 }, (_, i) => span({ spanId: sid((i + 1).toString(16)), parentSpanId: i === 0 ? undefined : sid(i.toString(16)), name: `s${i}`, startTimeUnixNano: T0 + BigInt(i), endTimeUnixNano: T0 + 1_000_000n - BigInt(i) }));
    const sections = criticalPath(trace(spans));
    expect(sections.length).toBe(2 * 100_000 - 1);
    expect(sections[0]!.span.name).toBe('s0');
  });
});
