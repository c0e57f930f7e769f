import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysOfList, mergeBySpan, sortBySpan } from '../../src/analysis/span-order.js';
import type { Span } from '../../src/model/span.js';
import { SpanColumns } from '../../src/model/store.js';
import { span as makeSpan } from '../support/spans.js';

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

  it('orders views of the span store (sorted by trace rank from its columns) as it orders the spans themselves', () => {
    let ranked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ traceId: fc.oneof({ weight: 9, arbitrary: traceId }, { weight: 1, arbitrary: oddId }), spanId: fc.oneof({ weight: 9, arbitrary: spanId }, { weight: 1, arbitrary: oddId }), source }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 150 }),
        (specs, picks) => {
          const store = new SpanColumns();
          for (const spec of specs) store.add(makeSpan(spec));
          if (store.traceRanks() !== undefined) ranked++;
          // The summary keeps views of some rows, some more than once, in any order.
          const views = picks.map((pick) => store.view(pick % store.spanCount, []));
          const list = views.map((view, at) => ({ span: view, at }));
          const expected = expectedOrder(list.map(({ span, at }) => ({ span: { traceId: span.traceId, spanId: span.spanId, source: span.source }, at })));
          sortBySpan(list, (item) => item.span);
          expect(list.map((item) => item.at)).toEqual(expected.map((item) => item.at));
        },
      ),
      { numRuns: 500 },
    );
    expect(ranked).toBeGreaterThan(100);
  });

  it('keeps hex order where numbers and strings could disagree (digits before letters, high bits)', () => {
    const ids = ['f'.repeat(16), '0'.repeat(16), `${'0'.repeat(15)}a`, `${'0'.repeat(15)}9`, '8000000000000000', '7fffffffffffffff'];
    const list = items(ids.map((id) => ({ traceId: 'a'.repeat(32), spanId: id, source: { file: 'x', format: 'otlp-json' } })));
    sortBySpan(list, (item) => item.span as Span);
    expect(list.map((item) => item.span.spanId)).toEqual(['0000000000000000', '0000000000000009', '000000000000000a', '7fffffffffffffff', '8000000000000000', 'ffffffffffffffff']);
  });
});

/** Lists of items, each numbered by list and place, so the tie-break (earlier list first) shows in the result. */
const listsOf = (id: { traceId: fc.Arbitrary<string>; spanId: fc.Arbitrary<string> }) =>
  fc.array(fc.array(fc.record({ traceId: id.traceId, spanId: id.spanId, source }), { maxLength: 40 }), { maxLength: 5 }).map((lists) => lists.map((spans, l) => spans.map((span, at) => ({ span, at: l * 1000 + at }))));
const spanOfItem = (item: Item) => item.span as Span;

describe('mergeBySpan', () => {
  it.each([
    ['ids of normal form', { traceId, spanId }],
    ['some ids not of normal form', { traceId: fc.oneof(traceId, oddId), spanId: fc.oneof(spanId, oddId) }],
  ])('lists each in span order merge to a stable sort of them joined, ties to the earlier list (%s)', (_name, ids) => {
    fc.assert(
      fc.property(listsOf(ids), (lists) => {
        for (const list of lists) sortBySpan(list, spanOfItem);
        const merged = mergeBySpan(lists, spanOfItem);
        expect(merged).toEqual(expectedOrder(lists.flat()));
        const joined = lists.flat();
        sortBySpan(joined, spanOfItem);
        expect(merged).toEqual(joined);
      }),
      { numRuns: 500 },
    );
  });

  it('keys sortBySpan left with a list are used while they are its own, and read again once it has changed', () => {
    fc.assert(
      fc.property(listsOf({ traceId, spanId }), fc.array(fc.record({ traceId, spanId, source }), { maxLength: 3 }), (lists, more) => {
        for (const list of lists) sortBySpan(list, spanOfItem, true);
        // Keys kept from the sort, then a list that grew (stale keys) or was rewritten in place.
        expect(lists.every((list) => list.length < 2 || keysOfList(list) !== undefined)).toBe(true);
        if (lists[0]) for (const span of more) lists[0].push({ span, at: 99 });
        if (lists[1] && lists[1].length > 1) lists[1].reverse();
        expect(mergeBySpan(lists, spanOfItem)).toEqual(expectedOrder(lists.flat()));
      }),
      { numRuns: 300 },
    );
  });

  it('lists not in span order are joined and sorted', () => {
    fc.assert(
      fc.property(listsOf({ traceId: fc.oneof(traceId, oddId), spanId: fc.oneof(spanId, oddId) }), (lists) => {
        expect(mergeBySpan(lists, spanOfItem)).toEqual(expectedOrder(lists.flat()));
      }),
      { numRuns: 500 },
    );
  });

  const at = (traceId: string, spanId: string, file: string, line?: number) => ({ traceId, spanId, source: { file, format: 'otlp-json' as const, line } });
  const T = 'a'.repeat(32);
  it.each([
    ['no lists', [], []],
    ['one list', [[at(T, '1'.repeat(16), 'a.json', 1), at(T, '2'.repeat(16), 'a.json', 2)]], ['0:0', '0:1']],
    ['equal ids, different sources: the earlier source first, whichever list it is in', [[at(T, '1'.repeat(16), 'b.json', 1)], [at(T, '1'.repeat(16), 'a.json', 9)]], ['1:0', '0:0']],
    ['equal ids, equal sources: the earlier list first', [[at(T, '1'.repeat(16), 'a.json', 1)], [at(T, '1'.repeat(16), 'a.json', 1)], [at(T, '1'.repeat(16), 'a.json', 1)]], ['0:0', '1:0', '2:0']],
    ['a list out of order among lists in order', [[at(T, '1'.repeat(16), 'a.json')], [at(T, '3'.repeat(16), 'a.json'), at(T, '2'.repeat(16), 'a.json')], []], ['0:0', '1:1', '1:0']],
    ['an odd id sorts as its string does', [[at(T, 'ABC', 'a.json'), at(T, 'abc', 'a.json')], [at(T, '0'.repeat(16), 'a.json')]], ['1:0', '0:0', '0:1']],
  ] as Array<[string, Array<Array<Item['span']>>, string[]]>)('%s', (_name, lists, order) => {
    const numbered = lists.map((spans, l) => spans.map((span, i) => ({ span, at: l * 1000 + i })));
    expect(mergeBySpan(numbered, spanOfItem).map((item) => `${Math.floor(item.at / 1000)}:${item.at % 1000}`)).toEqual(order);
  });
});
