import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortBySpan } from '../../src/analysis/span-order.js';
import type { Span } from '../../src/model/span.js';

type Item = { span: Pick<Span, 'traceId' | 'spanId' | 'source'>; at: number };

/** The order sortBySpan keeps, written the plain way: a stable sort comparing ids as strings. */
function expectedOrder(items: Item[]): Item[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort(
    (x, y) =>
      compare(x.span.traceId, y.span.traceId) ||
      compare(x.span.spanId, y.span.spanId) ||
      compare(x.span.source.file, y.span.source.file) ||
      (x.span.source.line ?? 0) - (y.span.source.line ?? 0) ||
      (x.span.source.column ?? 0) - (y.span.source.column ?? 0),
  );
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
// Few distinct values, so equal ids (one trace's spans, a reused span id) and equal sources are common.
const traceId = fc.oneof(fc.constantFrom('0'.repeat(32), 'f'.repeat(32), `${'0'.repeat(31)}1`, `8${'0'.repeat(31)}`), hex(32));
const spanId = fc.oneof(fc.constantFrom('0'.repeat(16), 'ffffffff00000000', '00000000ffffffff'), hex(16));
/** Ids as seen where they are not of normal form: upper case, short, long, not hex. */
const oddId = fc.constantFrom('ABCDEF0123456789', 'abc', '0'.repeat(17), 'zz00000000000000', '', 'a'.repeat(31));
const source = fc.record({ file: fc.constantFrom('a.json', 'b.json'), format: fc.constant('otlp-json' as const), line: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), column: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) });

const items = (spans: Array<Item['span']>): Item[] => spans.map((span, at) => ({ span, at }));

describe('sortBySpan', () => {
  it('orders as a stable sort by trace id, span id and source, with ids of normal form', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ traceId, spanId, source }), { maxLength: 200 }), (spans) => {
        const list = items(spans);
        sortBySpan(list, (item) => item.span as Span);
        expect(list).toEqual(expectedOrder(items(spans)));
      }),
      { numRuns: 500 },
    );
  });

  it('orders the same when some ids are not of normal form (then compared as strings)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ traceId: fc.oneof(traceId, oddId), spanId: fc.oneof(spanId, oddId), source }), { maxLength: 100 }), (spans) => {
        const list = items(spans);
        sortBySpan(list, (item) => item.span as Span);
        expect(list).toEqual(expectedOrder(items(spans)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps hex order where numbers and strings could disagree (digits before letters, high bits)', () => {
    const ids = ['f'.repeat(16), '0'.repeat(16), `${'0'.repeat(15)}a`, `${'0'.repeat(15)}9`, '8000000000000000', '7fffffffffffffff'];
    const list = items(ids.map((id) => ({ traceId: 'a'.repeat(32), spanId: id, source: { file: 'x', format: 'otlp-json' } })));
    sortBySpan(list, (item) => item.span as Span);
    expect(list.map((item) => item.span.spanId)).toEqual(['0000000000000000', '0000000000000009', '000000000000000a', '7fffffffffffffff', '8000000000000000', 'ffffffffffffffff']);
  });
});
