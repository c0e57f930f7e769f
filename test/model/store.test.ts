import { once } from 'node:events';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CORPORA, decodedFile, ROOT, traceFiles } from '../support/corpora.js';
import { decodeText, readTraces } from '../../src/formats/read.js';
import { lint } from '../../src/lint/engine.js';
import { emptyAttributes, type Attributes, type AttributeValue, type Span } from '../../src/model/span.js';
import { batchBuffers, ObjectTables, SpanColumns, type SharedStore } from '../../src/model/store.js';
import { StoredTraces } from '../../src/model/trace-source.js';
import { TraceSet } from '../../src/model/trace.js';
import { richTrace, toOtlpJson, toZipkinJson } from '../support/sdk.js';
import { sideTableSpans } from '../support/side-tables.js';
import { attrs, span } from '../support/spans.js';

/**
 * (Equal as toEqual has it: an optional field left out and one set to
 * undefined are the same to every reader.)
 *
 * The span store gives back every span as it went in: the decoders' spans of
 * every corpus and of the SDK, and spans with every rare value a decoder can
 * make. A check over the store (one trace built at a time) finds what a check
 * over the spans finds.
 */

function roundTrip(spans: readonly Span[]): Span[] {
  const store = new SpanColumns();
  for (const s of spans) store.add(s);
  return spans.map((_, row) => store.span(row));
}

describe('span store: what goes in comes out', () => {
  const files = CORPORA.flatMap(traceFiles);

  it('reads the corpora (at least the 49 trace files they hold)', () => {
    expect(files.filter((file) => decodedFile(file) !== undefined).length).toBeGreaterThanOrEqual(49);
  });

  it.each(files.map((file) => [path.relative(ROOT, file), file]))('%s', (_name, file) => {
    const spans = decodedFile(file);
    if (spans === undefined) return;
    expect(roundTrip(spans)).toEqual(spans);
  });

  it('spans of the OpenTelemetry JS SDK, as OTLP and Zipkin', async () => {
    const sdkSpans = await richTrace();
    for (const text of [toOtlpJson(sdkSpans), toZipkinJson(sdkSpans)]) {
      const spans = decodeText(text, 'sdk.json').spans;
      expect(spans.length).toBeGreaterThan(3);
      expect(roundTrip(spans)).toEqual(spans);
    }
  });

  it('every rare value: ids as seen, times past 64 bits and unknown, typed values, links, flags', () => {
    const kvlist = emptyAttributes();
    kvlist.inner = 1;
    const typed = attrs({ big: 2n ** 63n + 5n, bytes: new Uint8Array([1, 2]), list: [1, 'a', null], nested: kvlist, no: false, yes: true, nothing: null, zero: -0, long: 'x'.repeat(500), max32: 2 ** 32 - 1, over32: 2 ** 32, negative: -1, fraction: 1.5, nan: NaN, infinite: -Infinity });
    typed['__proto__'] = 'a plain key';
    const spans: Span[] = [
      span({
        spanId: 'NOT-HEX',
        parentSpanId: '00f067aa0ba902b7',
        startTimeUnixNano: 2n ** 64n - 1n,
        endTimeUnixNano: undefined,
        attributes: typed,
        status: { code: 'ERROR', message: 'boom' },
        flags: 0x301,
        sampled: true,
        traceState: 'congo=t61rcWkgMzE',
        parentRefType: 'FOLLOWS_FROM',
        shared: true,
        idProblems: [{ field: 'spanId', seen: 'NOT-HEX', problem: 'not-hex' }],
        droppedAttributesCount: 3,
        droppedEventsCount: 1,
        droppedLinksCount: 2,
        links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: attrs({ k: 'v' }), droppedAttributesCount: 0, refType: 'CHILD_OF' }],
        events: [
          { timeUnixNano: undefined, name: 'no time', attributes: attrs({ a: 1 }), droppedAttributesCount: 0 },
          { timeUnixNano: -(2n ** 63n) - 1n, name: 'before', attributes: attrs(), droppedAttributesCount: 4 },
        ],
      }),
      span({ parentSpanId: 'ABCDEF0123456789', sampled: false, kind: 'CONSUMER', startTimeUnixNano: -5n }),
      span({ traceId: 'c'.repeat(32), source: { file: 'other.json', format: 'zipkin', line: 3, column: 9 } }),
    ];
    const back = roundTrip(spans);
    expect(back).toEqual(spans);
    expect(Object.keys(back[0]!.attributes)).toEqual(Object.keys(spans[0]!.attributes));
    expect(Object.prototype.hasOwnProperty.call(back[0]!.attributes, '__proto__')).toBe(true);
    expect(back[0]!.resource).toBe(spans[0]!.resource);
  });

  it('groups rows by trace in first-seen order, each trace in input order', () => {
    const store = new SpanColumns();
    const ids = ['a', 'b', 'a', 'c', 'b', 'a'].map((t) => t.repeat(32));
    ids.forEach((traceId, i) => store.add(span({ traceId, name: `s${i}` })));
    expect([0, 1, 2].map((t) => store.traceId(t))).toEqual(['a', 'b', 'c'].map((t) => t.repeat(32)));
    expect([0, 1, 2].map((t) => store.spansOf(t).map((s) => s.name))).toEqual([['s0', 's2', 's5'], ['s1', 's4'], ['s3']]);
  });
});

/** Spans cut into batches of `size`, each sent as a reader worker sends it (structured clone, buffers transferred), and absorbed. */
function throughBatches(spans: readonly Span[], size: number): SpanColumns {
  const main = new SpanColumns();
  const tables = new ObjectTables();
  const from = { resources: [], scopes: [] };
  for (let at = 0; at < spans.length; at += size) {
    const sent = { resources: tables.resources.length, scopes: tables.scopes.length };
    const part = new SpanColumns(tables);
    for (const s of spans.slice(at, at + size)) part.add(s);
    const batch = part.toBatch(sent);
    main.absorb(structuredClone(batch, { transfer: batchBuffers(batch) }), from);
  }
  return main;
}

describe('span store: batches from another thread', () => {
  const files = CORPORA.flatMap(traceFiles);
  const all = files.flatMap((file) => decodedFile(file) ?? []);

  it.each([1, 7, 1000])('the corpora, in batches of %i spans, come out equal, each resource one object', (size) => {
    const store = throughBatches(all, size);
    const back = all.map((_, row) => store.span(row));
    expect(back).toEqual(all);
    // Spans that shared a resource object share one again, and no others do.
    for (let i = 1; i < all.length; i++) expect(back[i]!.resource === back[i - 1]!.resource).toBe(all[i]!.resource === all[i - 1]!.resource);
  });

  it('attribute maps that crossed keep no inherited keys', () => {
    const kvlist = emptyAttributes();
    kvlist.inner = 1;
    const withMap = span({ attributes: { nested: kvlist }, links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: attrs({ k: 'v' }), droppedAttributesCount: 0 }] });
    const back = throughBatches([withMap], 1).span(0);
    expect(back).toEqual(withMap);
    for (const map of [back.attributes, back.attributes.nested as object, back.links[0]!.attributes, back.resource.attributes]) {
      expect((map as Record<string, unknown>).constructor).toBeUndefined();
    }
  });
});

describe('a check over the store finds what a check over the spans finds', () => {
  it.each(CORPORA.map((dir) => [path.relative(ROOT, dir), dir]))('%s', async (_name, dir) => {
    const read = await readTraces(traceFiles(dir).filter((file) => decodedFile(file) !== undefined));
    const stored = lint(new StoredTraces(read.store));
    const held = lint(new TraceSet(read.spans));
    expect(stored.diagnostics.length).toBeGreaterThan(0);
    expect(stored).toEqual(held);
  });
});

/** A message to this thread through a port: what a worker's postMessage does to it (SharedArrayBuffers shared, the rest cloned). */
async function posted<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  try {
    const received = once(port2, 'message');
    port1.postMessage(value);
    return (await received)[0] as T;
  } finally {
    port1.close();
  }
}

/** Every attribute map a span holds: its own, its events', its links', its resource's, its scope's, and the kvlists inside them. */
function attributeMaps(s: Span): Attributes[] {
  const maps: Attributes[] = [];
  const visit = (value: AttributeValue): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (Array.isArray(value)) value.forEach(visit);
    else {
      maps.push(value as Attributes);
      Object.values(value).forEach(visit);
    }
  };
  for (const map of [s.attributes, s.resource.attributes, ...s.events.map((e) => e.attributes), ...s.links.map((l) => l.attributes), ...(s.scope.attributes ? [s.scope.attributes] : [])]) visit(map);
  return maps;
}

describe('span store: the whole store read on another thread (toShared, fromShared)', () => {
  const spans = async (): Promise<Span[]> => [
    ...CORPORA.flatMap(traceFiles).flatMap((file) => decodedFile(file) ?? []),
    ...decodeText(toOtlpJson(await richTrace()), 'sdk.json').spans,
    ...decodeText(toZipkinJson(await richTrace()), 'sdk-zipkin.json').spans,
    ...sideTableSpans(5),
  ];

  it.each([
    ['structured clone', (shared: SharedStore) => Promise.resolve(structuredClone(shared))],
    ['postMessage', posted<SharedStore>],
  ])('after a %s, every row reads as the store it came from reads it', async (_how, send) => {
    const all = await spans();
    const store = new SpanColumns();
    for (const s of all) store.add(s);
    const copy = SpanColumns.fromShared(await send(store.toShared()));
    expect(copy.spanCount).toBe(all.length);
    expect(copy.traceCount).toBe(store.traceCount);
    for (let row = 0; row < all.length; row++) {
      const here = store.span(row);
      const there = copy.span(row);
      expect(there).toStrictEqual(here);
      expect(there).toEqual(all[row]);
      // Attribute maps made again as the model makes them: no inherited keys (a clone's are plain objects).
      for (const map of attributeMaps(there)) expect((map as Record<string, unknown>).constructor).toBeUndefined();
    }
    for (let t = 0; t < store.traceCount; t++) {
      expect(copy.traceId(t)).toBe(store.traceId(t));
      expect(copy.rowsOf(t)).toEqual(store.rowsOf(t));
    }
  });

  it('the columns are shared, not copied: what one side holds, the other reads', async () => {
    const store = new SpanColumns();
    for (const s of sideTableSpans(1)) store.add(s);
    const shared = store.toShared();
    const received = await posted(shared);
    // (A column never grown is empty, on no shared buffer: nothing to read.)
    for (const column of [...Object.values(shared.rows), shared.attributes.keys, shared.attributes.tags, shared.attributes.values, shared.attributes.numbers, ...Object.values(shared.events).filter(ArrayBuffer.isView)]) if (column.byteLength > 0) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    shared.rows.line[0] = 12345;
    expect(received.rows.line[0]).toBe(12345);
    expect(SpanColumns.fromShared(received).span(0).source.line).toBe(12345);
  });
});
