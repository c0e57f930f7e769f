import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, decodedFile, ROOT, traceFiles } from '../support/corpora.js';
// @ts-expect-error -- a plain .mjs script without types
import { mulberry32 } from '../../bench/generate.mjs';
import { decodeText } from '../../src/formats/read.js';
import type { Span } from '../../src/model/span.js';
import { SpanColumns } from '../../src/model/store.js';
import { Trace } from '../../src/model/trace.js';
import { richTrace, toOtlpJson, toZipkinJson } from '../support/sdk.js';
import { span } from '../support/spans.js';

/**
 * A store's Trace takes its tree from the packed ids (model/packed-tree); a
 * Trace of the same spans on their own reads the ids as strings. Both must
 * give the same tree: every parent, every child list in order, roots,
 * orphans, cycle members, subtree sizes and lookups by id.
 */

/** Everything a reader of a Trace's tree sees, as span positions: comparable between two Traces of equal spans. */
function treeOf(trace: Trace): unknown {
  const at = (span: Span | undefined): number => (span === undefined ? -1 : trace.spans.indexOf(span));
  return {
    parents: trace.spans.map((s, i) => [at(trace.parentAt(i)), at(trace.parent(s))]),
    children: trace.spans.map((s, i) => [trace.childrenAt(i).map(at), trace.children(s).map(at), trace.childCountAt(i)]),
    roots: trace.roots.map(at),
    orphans: trace.orphans.map(at),
    cycles: trace.cycleMembers().map(at),
    parentCycles: trace.parentCycles().map((cycle) => cycle.map(at)),
    subtrees: trace.orphans.map((s) => trace.subtreeSize(s)),
    byId: trace.spans.map((s) => at(trace.span(s.spanId))),
    positions: trace.spans.map((s) => trace.positionOf(s)),
    reused: [...trace.reusedIds].map(([id, spans]) => [id, spans.map(at)]),
    missing: trace.span('f'.repeat(16)) === undefined && trace.positionOf(span({ spanId: trace.spans[0]!.spanId })) === -1,
  };
}

/** Each trace of a store both ways; how many took the packed tree. */
function compareStore(spans: readonly Span[]): number {
  const store = new SpanColumns();
  for (const s of spans) store.add(s);
  let packed = 0;
  for (let t = 0; t < store.traceCount; t++) {
    const fromStore = store.trace(t);
    if (store.treeOf(t) !== undefined) packed++;
    const byStrings = new Trace(store.traceId(t), store.spansOf(t));
    expect(treeOf(fromStore)).toEqual(treeOf(byStrings));
  }
  return packed;
}

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A random trace with what breaks trees: orphans, self-parents, cycles, reused ids, odd ids, shared halves, equal and unknown starts. */
function randomTrace(seed: number, size: number): Span[] {
  const rand = mulberry32(seed);
  const pick = (n: number): number => Math.floor(rand() * n);
  const id = (n: number): string => (n * 2654435761 + seed).toString(16).padStart(16, '0').slice(-16);
  const spans: Span[] = [];
  const faults = rand() < 0.5;
  for (let i = 0; i < size; i++) {
    let spanId = id(i + 1);
    let parentSpanId: string | undefined = i === 0 ? undefined : id(pick(i) + 1);
    if (faults) {
      const r = rand();
      if (r < 0.05) parentSpanId = id(size + 1 + pick(3)); // an orphan (one of three missing parents)
      else if (r < 0.08) parentSpanId = spanId; // a self-parent
      else if (r < 0.12) parentSpanId = id(i + 2 + pick(3)); // a later span: cycles become possible
      else if (r < 0.14) parentSpanId = undefined; // another root
      else if (r < 0.16 && i > 0) spanId = id(pick(i) + 1); // a reused id
      else if (r < 0.17) spanId = spanId.toUpperCase().replace(/^0/, 'G'); // an id kept as seen
    }
    const start = rand() < 0.05 ? undefined : BigInt(pick(20)) * 1_000_000n;
    spans.push(span({ traceId: TID, spanId, parentSpanId, name: `op${i}`, startTimeUnixNano: start, endTimeUnixNano: start === undefined ? undefined : start + 5n, shared: faults && rand() < 0.02 ? true : undefined }));
  }
  return spans;
}

describe('the tree from packed ids is the tree from the ids as strings', () => {
  it.each(CORPORA.flatMap(traceFiles).map((file) => [path.relative(ROOT, file), file]))('%s', (_name, file) => {
    const spans = decodedFile(file);
    if (spans !== undefined) compareStore(spans);
  });

  it('spans of the OpenTelemetry JS SDK, as OTLP (packed) and Zipkin (shared halves: by strings)', async () => {
    const sdkSpans = await richTrace();
    expect(compareStore(decodeText(toOtlpJson(sdkSpans), 'sdk.json').spans)).toBeGreaterThan(0);
    compareStore(decodeText(toZipkinJson(sdkSpans), 'sdk.json').spans);
  });

  it('600 random traces of up to 300 spans, with orphans, self-parents, cycles, reused and odd ids, shared halves', () => {
    let packed = 0;
    for (let seed = 1; seed <= 600; seed++) packed += compareStore(randomTrace(seed, 1 + (seed % 300)));
    // Both ways were taken: faulty traces with reused or odd ids fall back, the others are packed.
    expect(packed).toBeGreaterThan(200);
    expect(packed).toBeLessThan(600);
  });

  it('a deep chain and a wide fan-out (children sorted on number keys) of 20,000 spans', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => span({ traceId: TID, spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: i === 0 ? undefined : i.toString(16).padStart(16, '0') }));
    const fan = Array.from({ length: 20_000 }, (_, i) => span({ traceId: TID, spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: i === 0 ? undefined : '1'.padStart(16, '0'), startTimeUnixNano: BigInt((i * 7919) % 1000) }));
    expect(compareStore(chain)).toBe(1);
    expect(compareStore(fan)).toBe(1);
  });
});

describe('cycle members, against a plain walk up each span', () => {
  /** Spans whose walk up the tree parents (parent(span), step by step, at most every span) never meets a root or orphan. */
  function walkedUnreachable(trace: Trace): Span[] {
    const tops = new Set([...trace.roots, ...trace.orphans]);
    return trace.spans.filter((start) => {
      let at: Span | undefined = start;
      for (let steps = 0; at !== undefined && steps <= trace.spans.length; steps++) {
        if (tops.has(at)) return false;
        at = trace.parent(at);
      }
      return true;
    });
  }

  it('600 random traces, parents before and after their children, with cycles and self-parents', () => {
    let withCycles = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const spans = randomTrace(seed, 1 + (seed % 300));
      for (const trace of [new Trace(TID, spans), storeTraceOf(spans)]) {
        const expected = walkedUnreachable(trace);
        expect(trace.cycleMembers()).toEqual(expected);
        if (expected.length > 0) withCycles++;
      }
    }
    expect(withCycles).toBeGreaterThan(50);
  });
});

describe('Trace by position', () => {
  it('a cycle with a subtree under it is unreachable; everything under a top is not', () => {
    const sid = (n: number): string => n.toString(16).padStart(16, '0');
    const spans = [
      span({ traceId: TID, spanId: sid(1) }),
      span({ traceId: TID, spanId: sid(2), parentSpanId: sid(3) }),
      span({ traceId: TID, spanId: sid(3), parentSpanId: sid(2) }),
      span({ traceId: TID, spanId: sid(4), parentSpanId: sid(3) }),
      span({ traceId: TID, spanId: sid(5), parentSpanId: sid(1) }),
      span({ traceId: TID, spanId: sid(6), parentSpanId: sid(9) }),
      span({ traceId: TID, spanId: sid(7), parentSpanId: sid(6) }),
    ];
    for (const trace of [new Trace(TID, spans), storeTrace(spans)]) {
      expect(trace.cycleMembers().map((s) => s.spanId)).toEqual([sid(2), sid(3), sid(4)]);
      // The cycle once, from the first member met twice walking up; the span hanging under it is not on it.
      expect(trace.parentCycles().map((cycle) => cycle.map((s) => s.spanId))).toEqual([[sid(2), sid(3)]]);
      expect(trace.subtreeSize(trace.orphans[0]!)).toBe(2);
      expect(trace.childCountAt(0)).toBe(1);
      expect(trace.parentAt(-1)).toBeUndefined();
      expect(trace.childrenAt(-1)).toEqual([]);
      expect(trace.childCountAt(spans.length)).toBe(0);
      expect(trace.parentAt(spans.length)).toBeUndefined();
    }
  });
});

function storeTrace(spans: readonly Span[]): Trace {
  const store = new SpanColumns();
  for (const s of spans) store.add(s);
  expect(store.treeOf(0)).toBeDefined();
  return store.trace(0);
}

/** The store's Trace of spans of one trace (packed when it can be). */
function storeTraceOf(spans: readonly Span[]): Trace {
  const store = new SpanColumns();
  for (const s of spans) store.add(s);
  return store.trace(0);
}
