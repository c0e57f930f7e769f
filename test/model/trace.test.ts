import { describe, expect, it } from 'vitest';
import { Trace, TraceSet } from '../../src/model/trace.js';
import { span } from '../support/spans.js';

const sid = (n: string): string => n.padStart(16, '0');
const TID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('Trace indexes', () => {
  it('lists reused ids with every span that uses them, and only those', () => {
    const root = span({ traceId: TID, spanId: sid('1'), name: 'root' });
    const first = span({ traceId: TID, spanId: sid('2'), parentSpanId: sid('1'), name: 'first' });
    const again = span({ traceId: TID, spanId: sid('2'), parentSpanId: sid('1'), name: 'again' });
    const third = span({ traceId: TID, spanId: sid('2'), parentSpanId: sid('1'), name: 'third' });
    const child = span({ traceId: TID, spanId: sid('3'), parentSpanId: sid('2'), name: 'child' });
    const trace = new Trace(TID, [root, first, again, child, third]);
    expect([...trace.reusedIds]).toEqual([[sid('2'), [first, again, third]]]);
    expect([...trace.spansById]).toEqual([
      [sid('1'), [root]],
      [sid('2'), [first, again, third]],
      [sid('3'), [child]],
    ]);
    expect(trace.span(sid('2'))).toBe(first);
    // A child of a reused id hangs under the first span with it.
    expect(trace.parent(child)).toBe(first);
    expect(trace.children(root)).toEqual([first, again, third]);
  });

  it('hangs a Zipkin shared server half under its client, and the server’s children under the server', () => {
    const client = span({ traceId: TID, spanId: sid('a'), kind: 'CLIENT' });
    const server = span({ traceId: TID, spanId: sid('a'), kind: 'SERVER', shared: true });
    const work = span({ traceId: TID, spanId: sid('b'), parentSpanId: sid('a') });
    const trace = new Trace(TID, [client, server, work]);
    expect(trace.parent(server)).toBe(client);
    expect(trace.parent(work)).toBe(server);
    expect(trace.roots).toEqual([client]);
    expect(trace.reusedIds.get(sid('a'))).toEqual([client, server]);
  });

  it('a self-parent is neither root nor orphan, and a missing parent makes an orphan', () => {
    const self = span({ traceId: TID, spanId: sid('5'), parentSpanId: sid('5') });
    const orphan = span({ traceId: TID, spanId: sid('6'), parentSpanId: sid('9') });
    const trace = new Trace(TID, [self, orphan]);
    expect(trace.parent(self)).toBeUndefined();
    expect(trace.roots).toEqual([]);
    expect(trace.orphans).toEqual([orphan]);
    expect(trace.cycleMembers()).toEqual([self]);
    expect(trace.reusedIds.size).toBe(0);
  });
});

describe('TraceSet', () => {
  it('groups interleaved and consecutive spans by trace, in first-seen order, sharing one trace-id string per trace', () => {
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    const ids = (n: number): string => n.toString(16).padStart(16, '0');
    // Equal ids as distinct strings, as a parser makes them.
    const id = (base: string): string => [...base].join('');
    const order = [a, a, b, a, b, b, a];
    const spans = order.map((traceId, i) => span({ traceId: id(traceId), spanId: ids(i + 1) }));
    const set = new TraceSet(spans);
    expect([...set.traces.keys()]).toEqual([a, b]);
    expect(set.get(a)!.spans.map((s) => s.spanId)).toEqual([ids(1), ids(2), ids(4), ids(7)]);
    expect(set.get(b)!.spans.map((s) => s.spanId)).toEqual([ids(3), ids(5), ids(6)]);
    expect(set.spanCount).toBe(7);
    for (const trace of set.traces.values()) expect(trace.spans.every((s) => s.traceId === trace.spans[0]!.traceId)).toBe(true);
  });
});
