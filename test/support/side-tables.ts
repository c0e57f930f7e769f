import { emptyAttributes, type Span } from '../../src/model/span.js';
import { attrs, MS, sid, span, T0, tid } from './spans.js';

/**
 * Hand-made traces holding everything the span store keeps beside its
 * columns, and findings of every kind, for tests of a store that crosses
 * threads (SpanColumns.toShared, lint/two-threads). Group `i` of `groups`:
 *
 * - a request of frontend (a.json) with ids not of normal form (upper case,
 *   short), an orphan, events with attributes and with times of every kind,
 *   attribute values that are objects (list, kvlist, bigint, bytes), links,
 *   trace state, id problems and dropped counts, and the same problem on
 *   every group's spans (grouped findings);
 * - the new trace its uninjected call to payment started (lost propagation),
 *   a root of frontend's lost async work (async context loss) and a request
 *   of inventory at another time, whose call from frontend goes unanswered
 *   (b.jsonl, Jaeger-style 64-bit trace ids);
 * - a span with times past 64 bits (c.json).
 *
 * Groups start at irregular times, a second or so apart, so no rule takes
 * them for a scheduler.
 */
export function sideTableSpans(groups: number): Span[] {
  return Array.from({ length: groups }, (_, i) => group(i)).flat();
}

function group(i: number): Span[] {
  const at = i * 1000 + ((i * i * 37) % 400);
  const ms = (offset: number): bigint => T0 + BigInt(at + offset) * MS;
  const hex = i.toString(16);
  const request = tid(`a${hex}`);
  const a = (line: number) => ({ file: 'a.json', format: 'otlp-json' as const, line, column: 3 });
  const b = (line: number) => ({ file: 'b.jsonl', format: 'otlp-jsonl' as const, line, column: 1 });
  const line = i * 10;
  const kvlist = emptyAttributes();
  kvlist.region = 'eu';
  kvlist.nested = [1n << 70n, 'x'];
  kvlist['__proto__'] = 'a plain key';
  const root = sid(`a${hex}1`);
  const odd = `ABCDEF01234${hex.padStart(5, '0')}`.toUpperCase();
  return [
    span({
      traceId: request, spanId: root, name: 'GET /checkout', kind: 'SERVER', service: 'frontend', source: a(line + 1),
      startTimeUnixNano: ms(0), endTimeUnixNano: ms(100),
      attributes: { 'http.request.method': 'GET', 'http.route': '/checkout', 'http.method': 'GET', 'cart.items': ['a', 'b', 3], 'cart.meta': kvlist, 'cart.total': 2n ** 63n + BigInt(i), 'cart.hash': new Uint8Array([i & 255, 1, 2]), 'cart.none': null },
      events: [
        { timeUnixNano: ms(5), name: 'cache.miss', attributes: attrs({ 'cache.key': `cart:${i}`, 'cache.sizes': [1, 2] }), droppedAttributesCount: 1 },
        { timeUnixNano: undefined, name: 'no time', attributes: attrs({ n: i }), droppedAttributesCount: 0 },
        { timeUnixNano: -(2n ** 63n) - BigInt(i + 1), name: 'before time', attributes: attrs(), droppedAttributesCount: 0 },
      ],
      traceState: `congo=t61rcWkgMzE${hex}`,
      flags: 0x101,
      sampled: true,
    }),
    // An uninjected call: payment's request became a new trace (below).
    span({
      traceId: request, spanId: sid(`a${hex}2`), parentSpanId: root, name: 'POST /charge', kind: 'CLIENT', service: 'frontend', source: a(line + 2),
      startTimeUnixNano: ms(10), endTimeUnixNano: ms(50),
      attributes: { 'http.request.method': 'POST', 'server.address': 'payment', 'url.full': 'http://payment/charge' },
    }),
    // A call inventory never answers (its only request is at another time).
    span({
      traceId: request, spanId: sid(`a${hex}3`), parentSpanId: root, name: 'GET /stock', kind: 'CLIENT', service: 'frontend', source: a(line + 3),
      startTimeUnixNano: ms(60), endTimeUnixNano: ms(70),
      attributes: { 'http.request.method': 'GET', 'server.address': 'inventory', 'url.full': 'http://inventory/stock' },
    }),
    // Ids as seen: upper case (an id problem), and a child pointing at it; an error without details, on every group (grouped).
    span({
      traceId: request, spanId: odd, parentSpanId: root, name: 'charge-card', service: 'frontend', source: a(line + 4),
      startTimeUnixNano: ms(20), endTimeUnixNano: ms(30), status: { code: 'ERROR' },
      idProblems: [{ field: 'spanId', seen: odd, problem: 'not-hex' }],
      links: [{ traceId: tid(`c${hex}`), spanId: sid(`c${hex}1`), traceState: 'k=v', attributes: attrs({ 'link.reason': 'retry', 'link.tries': [1, 2] }), droppedAttributesCount: 1 }],
      droppedAttributesCount: 2, droppedEventsCount: 1, droppedLinksCount: 3,
    }),
    span({ traceId: request, spanId: `abc${hex}`, parentSpanId: odd, name: 'compute', service: 'frontend', source: a(line + 5), startTimeUnixNano: ms(21), endTimeUnixNano: ms(29), sampled: false, parentRefType: 'FOLLOWS_FROM' }),
    // Its parent was never exported.
    span({ traceId: request, spanId: sid(`a${hex}6`), parentSpanId: sid(`dead${hex}`), name: 'SELECT carts', kind: 'CLIENT', service: 'frontend', source: a(line + 6), startTimeUnixNano: ms(75), endTimeUnixNano: ms(80), attributes: { 'db.system': 'postgresql' }, shared: true }),
    // The new trace of the uninjected call.
    span({
      traceId: `${hex.padStart(4, '0')}7e57000000b0`, spanId: sid(`b${hex}1`), name: 'POST /charge', kind: 'SERVER', service: 'payment', source: b(line + 1),
      startTimeUnixNano: ms(12), endTimeUnixNano: ms(48), attributes: { 'http.request.method': 'POST', 'http.route': '/charge' },
    }),
    // Async work of frontend that lost its context: a root inside frontend's request.
    span({ traceId: `${hex.padStart(4, '0')}7e57000000d0`, spanId: sid(`d${hex}1`), name: 'render-pdf', service: 'frontend', source: b(line + 2), startTimeUnixNano: ms(40), endTimeUnixNano: ms(45) }),
    // Inventory's only request, long after the call to it.
    span({ traceId: `${hex.padStart(4, '0')}7e57000000e0`, spanId: sid(`e${hex}1`), name: 'GET /stock', kind: 'SERVER', service: 'inventory', source: b(line + 3), startTimeUnixNano: ms(600), endTimeUnixNano: ms(610), attributes: { 'http.request.method': 'GET', 'http.route': '/stock' } }),
    // Times outside 64 bits.
    span({
      traceId: tid(`f${hex}`), spanId: sid(`f${hex}1`), name: 'far future', service: 'batch', source: { file: 'c.json', format: 'zipkin' },
      startTimeUnixNano: 2n ** 64n + BigInt(i), endTimeUnixNano: 2n ** 64n + BigInt(i) + 1000n,
      events: [{ timeUnixNano: 2n ** 64n + BigInt(i) + 10n, name: 'far event', attributes: attrs({ far: true }), droppedAttributesCount: 0 }],
    }),
  ];
}
