import { describe, expect, it } from 'vitest';
import { DEFAULT_HOP_WINDOWS, lostPropagationCalls, MARK_MEANING, MARKS, TraceMarks, type Mark } from '../../src/analysis/marks.js';
import { TraceSet } from '../../src/model/trace.js';
import { lostPropagation } from '../../src/rules/lost-propagation.js';
import { sid, span, tid, type SpanSpec } from '../support/spans.js';

/** One trace's marks by span name. */
function marksByName(specs: SpanSpec[], extra: SpanSpec[] = []): Record<string, Mark[]> {
  const traces = new TraceSet([...specs.map((spec) => span(spec)), ...extra.map((spec) => span(spec))]);
  const trace = [...traces.traces.values()][0]!;
  const marks = new TraceMarks(trace, lostPropagationCalls(traces), { startNano: 1_000_000n, endNano: 1_000_000n });
  return Object.fromEntries(trace.spans.map((s) => [s.name, marks.of(s)]));
}

describe('marks: one source for traceview, the HTML viewer and the Markdown summary', () => {
  const CASES: Array<[string, SpanSpec[], Record<string, Mark[]>, SpanSpec[]?]> = [
    ['a root alone is the critical path', [{ spanId: sid('1'), name: 'root', at: [0, 10] }], { root: ['critical'] }],
    [
      'ERROR status',
      [{ spanId: sid('1'), name: 'root', at: [0, 10], status: { code: 'ERROR', message: 'boom' } }],
      { root: ['critical', 'error'] },
    ],
    [
      'an orphan and its child',
      [
        { spanId: sid('1'), name: 'root', at: [0, 10] },
        { spanId: sid('2'), parentSpanId: sid('dead'), name: 'orphan', at: [1, 2] },
        { spanId: sid('3'), parentSpanId: sid('2'), name: 'under orphan', at: [1, 2] },
      ],
      { root: ['critical'], orphan: ['orphan'], 'under orphan': ['critical'] },
    ],
    [
      'a child in another service starting before its parent: skew',
      [
        { spanId: sid('1'), name: 'call', kind: 'CLIENT', service: 'a', at: [100, 200] },
        { spanId: sid('2'), parentSpanId: sid('1'), name: 'served', kind: 'SERVER', service: 'b', at: [0, 50] },
      ],
      { call: ['critical'], served: ['skew'] },
    ],
    [
      'links',
      [{ spanId: sid('1'), name: 'root', at: [0, 10], links: [{ traceId: tid('9'), spanId: sid('9'), attributes: {}, droppedAttributesCount: 0 }] }],
      { root: ['critical', 'link'] },
    ],
    [
      'a parent cycle',
      [
        { spanId: sid('1'), name: 'root', at: [0, 10] },
        { spanId: sid('2'), parentSpanId: sid('3'), name: 'x', at: [1, 2] },
        { spanId: sid('3'), parentSpanId: sid('2'), name: 'y', at: [1, 2] },
      ],
      { root: ['critical'], x: ['cycle'], y: ['cycle'] },
    ],
    [
      'a childless call while the callee starts a new trace: lost propagation',
      [{ spanId: sid('1'), name: 'call', kind: 'CLIENT', service: 'a', at: [0, 100], attributes: { 'server.address': 'b' } }],
      { call: ['critical', 'lost'] },
      [{ traceId: tid('2'), spanId: sid('2'), name: 'served', kind: 'SERVER', service: 'b', at: [10, 90] }],
    ],
  ];

  it.each(CASES)('%s', (_name, specs, expected, others) => {
    expect(marksByName(specs, others)).toEqual(expected);
  });

  it('every mark has a meaning, listed once', () => {
    expect(new Set(MARKS).size).toBe(MARKS.length);
    expect(Object.keys(MARK_MEANING).sort()).toEqual([...MARKS].sort());
  });

  it("the lost-propagation windows are the rule's option defaults", () => {
    expect(DEFAULT_HOP_WINDOWS.toleranceNano).toBe(BigInt(lostPropagation.options.toleranceMs.default as number) * 1_000_000n);
    expect(DEFAULT_HOP_WINDOWS.messagingWindowNano).toBe(BigInt(lostPropagation.options.messagingWindowMs.default as number) * 1_000_000n);
  });
});
