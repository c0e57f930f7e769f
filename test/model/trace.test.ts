import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/model/trace.js';
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
