import { describe, expect, it } from 'vitest';
import { criticalPath, criticalSpans } from '../../src/analysis/critical-path.js';
import type { Span } from '../../src/model/span.js';
import { TraceSet } from '../../src/model/trace.js';
import { decodeSdk, inject, ms, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';
import { MS, sid, span, T0 } from '../support/spans.js';

// Jaeger's own cases are in jaeger-critical-path.test.ts; these are the shapes around them.
const trace = (spans: Span[]) => new TraceSet(spans).traces.values().next().value!;
const sections = (spans: Span[], t0 = T0) => criticalPath(trace(spans)).map((s) => [s.span.name, Number((s.start - t0) / MS), Number((s.end - t0) / MS)]);

/** A span named `name` with id from `id`, under `parent` (an id), from `at[0]` to `at[1]` ms. */
const s = (id: string, parent: string | undefined, name: string, at: [number, number], extra: Partial<Span> = {}) => span({ spanId: sid(id), ...(parent ? { parentSpanId: sid(parent) } : {}), name, at, ...extra });

type Case = [string, Span[], Array<[string, number, number]>];

describe('critical path', () => {
  const CASES: Case[] = [
    [
      "the lesson's example: gateway -> order-service -> postgres",
      [s('1', undefined, 'gateway', [0, 800]), s('2', '1', 'order-service', [50, 740]), s('3', '1', 'inventory-service', [60, 260]), s('4', '2', 'postgres', [100, 695])],
      [['gateway', 740, 800], ['order-service', 695, 740], ['postgres', 100, 695], ['order-service', 50, 100], ['gateway', 0, 50]],
    ],
    ['back-to-back children are both on the path (Jaeger: only b)', [s('1', undefined, 'root', [0, 30]), s('2', '1', 'a', [0, 10]), s('3', '1', 'b', [10, 25])], [['root', 25, 30], ['b', 10, 25], ['a', 0, 10]]],
    ['a child that outlives its parent counts only to the parent end', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'late', [40, 300])], [['late', 40, 100], ['root', 0, 40]]],
    ['a child that starts before its parent counts only from the parent start', [s('1', undefined, 'root', [10, 100]), s('2', '1', 'early', [0, 60])], [['root', 60, 100], ['early', 10, 60]]],
    ['a child entirely after its parent (fire and forget) is not on the path', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'async', [150, 300])], [['root', 0, 100]]],
    ['a child starting as its parent ends is not on the path', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'after', [100, 120])], [['root', 0, 100]]],
    ['a child ending as its parent starts is not on the path', [s('1', undefined, 'root', [10, 100]), s('2', '1', 'before', [0, 10])], [['root', 10, 100]]],
    [
      'overlapping children: the last to finish wins, then the one that finished before it started',
      [s('1', undefined, 'root', [0, 100]), s('2', '1', 'x', [10, 90]), s('3', '1', 'y', [5, 60]), s('4', '1', 'z', [1, 8])],
      [['root', 90, 100], ['x', 10, 90], ['root', 8, 10], ['z', 1, 8], ['root', 0, 1]],
    ],
    ['children ending together: the first to start is on the path', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'second', [20, 90]), s('3', '1', 'first', [10, 90])], [['root', 90, 100], ['first', 10, 90], ['root', 0, 10]]],
    [
      'a CONSUMER child of a PRODUCER is left out with its subtree: the producer does not wait for it',
      [s('1', undefined, 'request', [0, 50]), s('2', '1', 'publish', [40, 45], { kind: 'PRODUCER' }), s('3', '2', 'process', [41, 90], { kind: 'CONSUMER' }), s('4', '3', 'db', [42, 44], { kind: 'CLIENT' })],
      [['request', 45, 50], ['publish', 40, 45], ['request', 0, 40]],
    ],
    [
      'any other child of a PRODUCER is waited for',
      [s('1', undefined, 'publish', [0, 50], { kind: 'PRODUCER' }), s('2', '1', 'serialize', [5, 20]), s('3', '1', 'send', [20, 45], { kind: 'CLIENT' })],
      [['publish', 45, 50], ['send', 20, 45], ['serialize', 5, 20], ['publish', 0, 5]],
    ],
    [
      'a CONSUMER child of anything but a PRODUCER is waited for',
      [s('1', undefined, 'poll', [0, 50], { kind: 'CLIENT' }), s('2', '1', 'process', [10, 40], { kind: 'CONSUMER' })],
      [['poll', 40, 50], ['process', 10, 40], ['poll', 0, 10]],
    ],
    ['a zero-length child owns nothing and hides nothing', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'mark', [50, 50]), s('3', '1', 'work', [10, 30])], [['root', 50, 100], ['root', 30, 50], ['work', 10, 30], ['root', 0, 10]]],
    ['a child that ends before it starts takes no part', [s('1', undefined, 'root', [0, 100]), s('2', '1', 'backwards', [60, 20])], [['root', 0, 100]]],
    [
      'every root, in start order, each walked on its own',
      [s('1', undefined, 'job 2', [100, 150]), s('2', '1', 'step', [110, 140]), s('3', undefined, 'job 1', [0, 120])],
      [['job 1', 0, 120], ['job 2', 140, 150], ['step', 110, 140], ['job 2', 100, 110]],
    ],
    [
      'orphans (parent never exported) are walked like roots (Jaeger drops them)',
      [s('1', undefined, 'root', [0, 100]), s('2', 'gone', 'orphan', [20, 80]), s('3', '2', 'query', [30, 70])],
      [['root', 0, 100], ['orphan', 70, 80], ['query', 30, 70], ['orphan', 20, 30]],
    ],
  ];

  it.each(CASES)('%s', (_, spans, expected) => {
    expect(sections(spans)).toEqual(expected);
  });

  it('sections of one tree meet end to start, and cover the top exactly', () => {
    for (const [, spans] of CASES) {
      const tree = trace(spans);
      for (const top of tree.tops) {
        const path = criticalPath(tree, top);
        if (path.length === 0) continue;
        expect(path[0]!.end).toBe(top.endTimeUnixNano);
        expect(path.at(-1)!.start).toBe(top.startTimeUnixNano);
        for (let i = 1; i < path.length; i++) expect(path[i]!.end).toBe(path[i - 1]!.start);
      }
    }
  });

  it('criticalSpans: each span on the path once, in path order', () => {
    const [, spans] = CASES[0]!;
    expect([...criticalSpans(criticalPath(trace(spans)))].map((span) => span.name)).toEqual(['gateway', 'order-service', 'postgres']);
  });
});

describe('critical path: unknown times take no part', () => {
  const unknown = (spanId: string, parent: string | undefined, name: string, which: 'start' | 'end') =>
    span({ spanId: sid(spanId), ...(parent ? { parentSpanId: sid(parent) } : {}), name, at: [10, 90], ...(which === 'start' ? { startTimeUnixNano: undefined } : { endTimeUnixNano: undefined }) });
  const CASES: Case[] = [
    ['a child without a start: the parent owns its time', [s('1', undefined, 'root', [0, 100]), unknown('2', '1', 'child', 'start')], [['root', 0, 100]]],
    ['a child without an end, and its subtree', [s('1', undefined, 'root', [0, 100]), unknown('2', '1', 'child', 'end'), s('3', '2', 'grandchild', [20, 80])], [['root', 0, 100]]],
    ['a root without a start: no path for its tree, the other root still has one', [unknown('1', undefined, 'root', 'start'), s('2', '1', 'child', [20, 80]), s('3', undefined, 'other', [0, 50])], [['other', 0, 50]]],
  ];
  it.each(CASES)('%s', (_, spans, expected) => {
    expect(sections(spans)).toEqual(expected);
  });
});

describe('critical path: size', () => {
  it('walks a chain 100k spans deep without recursion', () => {
    const spans = Array.from({ length: 100_000 }, (_, i) => span({ spanId: sid((i + 1).toString(16)), parentSpanId: i === 0 ? undefined : sid(i.toString(16)), name: `s${i}`, startTimeUnixNano: T0 + BigInt(i), endTimeUnixNano: T0 + 1_000_000n - BigInt(i) }));
    const path = criticalPath(trace(spans));
    expect(path.length).toBe(2 * 100_000 - 1);
    expect(path[0]!.span.name).toBe('s0');
  });

  it('walks 100k children one after another, each once (bench/critical-path.mjs measures that it stays linear)', () => {
    const count = 100_000;
    const root = span({ spanId: sid('1'), name: 'batch', startTimeUnixNano: T0, endTimeUnixNano: T0 + BigInt(count) * 10n });
    const children = Array.from({ length: count }, (_, i) => span({ spanId: sid((i + 2).toString(16)), parentSpanId: root.spanId, name: `item ${i}`, startTimeUnixNano: T0 + BigInt(i) * 10n + 1n, endTimeUnixNano: T0 + BigInt(i) * 10n + 9n }));
    // Given latest first, so the children are sorted; the path runs backwards, latest first too.
    const latestFirst = [...children].reverse();
    const path = criticalPath(trace([root, ...latestFirst]));
    expect(path.length).toBe(2 * count + 1);
    expect(path.filter((section) => section.span !== root).map((section) => section.span)).toEqual(latestFirst);
  });
});

describe('critical path: a trace made by the OpenTelemetry JS SDK', () => {
  it('a checkout that publishes a message: the worker consuming it is not on the path, the database call is', async () => {
    const { svc, spans } = sdkSystem(['checkout', 'worker']);
    const order = svc.checkout!.start('POST /orders', { kind: SpanKind.SERVER, at: 0 });
    const insert = svc.checkout!.start('INSERT orders', { kind: SpanKind.CLIENT, parent: order, at: 2 });
    insert.end(ms(30));
    const publish = svc.checkout!.start('orders publish', { kind: SpanKind.PRODUCER, parent: order, at: 31 });
    const consume = svc.worker!.start('orders process', { kind: SpanKind.CONSUMER, remote: inject(publish), at: 33 });
    const email = svc.worker!.start('send email', { kind: SpanKind.CLIENT, parent: consume, at: 34 });
    publish.end(ms(35));
    order.end(ms(40));
    email.end(ms(300));
    consume.end(ms(310));
    const decoded = decodeSdk(toOtlpJson(await spans()));
    const t0 = decoded.find((one) => one.name === 'POST /orders')!.startTimeUnixNano!;
    expect(sections(decoded, t0)).toEqual([
      ['POST /orders', 35, 40],
      ['orders publish', 31, 35],
      ['POST /orders', 30, 31],
      ['INSERT orders', 2, 30],
      ['POST /orders', 0, 2],
    ]);
  });
});
