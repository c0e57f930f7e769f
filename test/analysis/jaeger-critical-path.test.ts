import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { criticalPath } from '../../src/analysis/critical-path.js';
import { selfTime, serviceSummary } from '../../src/analysis/service-summary.js';
import { decodeText, readTraces } from '../../src/formats/read.js';
import { isTimed } from '../../src/model/span.js';
import { TraceSet, type Trace } from '../../src/model/trace.js';

/**
 * Conformance with the Jaeger UI: its own critical-path cases (CriticalPath/index.test.js)
 * and self-time vectors (compute-span-self-time.test.ts, TraceStatistics/tableValues.test.js),
 * converted in ../shared/fixtures/jaeger-critical-path (PROVENANCE.md there). Times there are µs.
 * Where tracelint differs from Jaeger on purpose, the case says what Jaeger gives (following its
 * code at the fixtures' commit) and what tracelint gives, and why (README, "Critical path").
 */
const DIR = fileURLToPath(new URL('../../../shared/fixtures/jaeger-critical-path', import.meta.url));
const json = (file: string) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const INDEX = json('index.json') as { criticalPath: string[]; selfTimeUnit: number; selfTimeTable: number };

interface JaegerSection {
  spanID: string;
  sectionStart: number;
  sectionEnd: number;
}
interface JaegerSpan {
  spanID: string;
  startTime: number;
  duration: number;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
}
type JaegerDoc = { data: Array<{ traceID: string; spans: JaegerSpan[] }> };

const expected = (name: string): JaegerSection[] => json(`cp-${name}.expected.json`).criticalPathSections;
const doc = (file: string): JaegerDoc => json(file);

/** The one trace of a Jaeger document, read as `tracelint` reads it. */
function traceOf(document: JaegerDoc, file: string): Trace {
  const { spans, problems } = decodeText(JSON.stringify(document), file);
  expect(problems).toEqual([]);
  const traces = [...new TraceSet(spans).traces.values()];
  expect(traces).toHaveLength(1);
  return traces[0]!;
}

/** Our sections in Jaeger's terms: span id, start and end in µs. */
const sectionsOf = (trace: Trace): JaegerSection[] =>
  criticalPath(trace).map((section) => ({ spanID: section.span.spanId, sectionStart: Number(section.start / 1000n), sectionEnd: Number(section.end / 1000n) }));

/** A copy of a Jaeger document with one span changed. */
function edited(document: JaegerDoc, spanID: string, change: (span: JaegerSpan) => void): JaegerDoc {
  const copy: JaegerDoc = structuredClone(document);
  const span = copy.data[0]!.spans.find((candidate) => candidate.spanID === spanID)!;
  change(span);
  return copy;
}

describe('critical path: the Jaeger UI test cases', () => {
  it('lists the nine cases of CriticalPath/index.test.js', () => {
    expect(INDEX.criticalPath).toEqual(['test1', 'test2', 'test3', 'test4', 'test5', 'test6', 'test7', 'test8', 'test9']);
  });

  it.each(INDEX.criticalPath)('%s: the same sections as Jaeger', async (name) => {
    const result = await readTraces([path.join(DIR, `cp-${name}.jaeger.json`)]);
    expect(result.problems).toEqual([]);
    const traces = [...result.traces.traces.values()];
    expect(traces).toHaveLength(1);
    expect(sectionsOf(traces[0]!)).toEqual(expected(name));
  });

  it('test5: the CONSUMER child of the PRODUCER is left out with its subtree (the producer does not wait for it)', () => {
    const trace = traceOf(doc('cp-test5.jaeger.json'), 'cp-test5.jaeger.json');
    expect(trace.span('span-A')!.kind).toBe('PRODUCER');
    expect(trace.span('span-B')!.kind).toBe('CONSUMER');
    expect(sectionsOf(trace).map((section) => section.spanID)).toEqual(['span-A']);
  });

  it('walks every root, in start order, as Jaeger does (test2 moved 1000 µs later and put first, in the trace of test1)', () => {
    const one = doc('cp-test1.jaeger.json');
    const two = doc('cp-test2.jaeger.json');
    const traceID = one.data[0]!.traceID;
    // test2's ids are test1's too: prefixed, to be other spans.
    const id = (spanID: string) => `t2-${spanID}`;
    const later = two.data[0]!.spans.map((span) => ({ ...span, traceID, spanID: id(span.spanID), startTime: span.startTime + 1000, references: span.references.map((ref) => ({ ...ref, traceID, spanID: id(ref.spanID) })) }));
    const both: JaegerDoc = structuredClone(one);
    both.data[0]!.spans = [...later, ...both.data[0]!.spans];
    const moved = expected('test2').map((section) => ({ spanID: id(section.spanID), sectionStart: section.sectionStart + 1000, sectionEnd: section.sectionEnd + 1000 }));
    const trace = traceOf(both, 'two-roots.jaeger.json');
    expect(trace.roots.map((root) => root.spanId)).toEqual(['span-C', 't2-span-X']);
    expect(sectionsOf(trace)).toEqual([...expected('test1'), ...moved]);
    // One root's tree alone when asked for.
    expect(criticalPath(trace, trace.span('t2-span-X')).map((section) => section.span.spanId)).toEqual(['t2-span-X', 't2-span-C', 't2-span-X']);
  });
});

describe('critical path: where tracelint differs from Jaeger on purpose', () => {
  const test1 = doc('cp-test1.jaeger.json');
  const CASES: Array<{ name: string; why: string; document: JaegerDoc; jaeger: JaegerSection[]; tracelint: JaegerSection[] }> = [
    {
      name: 'test1 with span-D ending (at 50) as span-E starts',
      why: 'span-C waited for span-D, then for span-E; Jaeger only takes a child that finished strictly before span-E started, so it gives span-D’s 30 µs to span-C (and gives them to span-D again if span-D ends 1 µs earlier)',
      document: edited(test1, 'span-D', (span) => void (span.duration = 30)),
      jaeger: [
        { spanID: 'span-C', sectionStart: 60, sectionEnd: 101 },
        { spanID: 'span-E', sectionStart: 50, sectionEnd: 60 },
        { spanID: 'span-C', sectionStart: 1, sectionEnd: 50 },
      ],
      tracelint: [
        { spanID: 'span-C', sectionStart: 60, sectionEnd: 101 },
        { spanID: 'span-E', sectionStart: 50, sectionEnd: 60 },
        { spanID: 'span-D', sectionStart: 20, sectionEnd: 50 },
        { spanID: 'span-C', sectionStart: 1, sectionEnd: 20 },
      ],
    },
    {
      name: 'test1 with the parent of span-C never exported (span-C an orphan)',
      why: 'the part of a trace that arrived still has a path; Jaeger lists span-C as a root but then drops it, and its subtree, as a child whose parent is missing',
      document: edited(test1, 'span-C', (span) => void (span.references = [{ refType: 'CHILD_OF', traceID: 'test1-trace', spanID: 'span-gone' }])),
      jaeger: [],
      tracelint: expected('test1'),
    },
    {
      name: 'test1 with span-D starting at 0 (no start time)',
      why: 'tracelint reads a start of 0 as unknown and a span of unknown time takes no part; Jaeger gives span-D its parent’s start (1) and so a time it never said',
      document: edited(test1, 'span-D', (span) => void (span.startTime = 0)),
      jaeger: [
        { spanID: 'span-C', sectionStart: 60, sectionEnd: 101 },
        { spanID: 'span-E', sectionStart: 50, sectionEnd: 60 },
        { spanID: 'span-C', sectionStart: 21, sectionEnd: 50 },
        { spanID: 'span-D', sectionStart: 1, sectionEnd: 21 },
      ],
      tracelint: [
        { spanID: 'span-C', sectionStart: 60, sectionEnd: 101 },
        { spanID: 'span-E', sectionStart: 50, sectionEnd: 60 },
        { spanID: 'span-C', sectionStart: 1, sectionEnd: 50 },
      ],
    },
  ];

  it.each(CASES)('$name: $why', ({ document, jaeger, tracelint }) => {
    const ours = sectionsOf(traceOf(document, 'edited.jaeger.json'));
    expect(ours).toEqual(tracelint);
    expect(ours).not.toEqual(jaeger);
  });
});

describe('self time: the Jaeger UI vectors', () => {
  interface Vector {
    name: string;
    parent: { startTime: number; duration: number };
    children: Array<{ startTime: number; duration: number }>;
    expectedSelfTime: number;
  }
  const unit = json('selftime-unit.json') as { vectors: Vector[] };
  // Jaeger's vectors start at 0, the epoch, which tracelint reads as "no start time" (Jaeger's
  // trace reader too takes 0 for no usable time); a shift by 1 s changes no self time, so the spans are read 1 s later.
  const SHIFT_US = 1_000_000;
  const shifted = (document: JaegerDoc): JaegerDoc => ({ data: document.data.map((trace) => ({ ...trace, spans: trace.spans.map((span) => ({ ...span, startTime: span.startTime + SHIFT_US })) })) });
  const unitCases = unit.vectors.map((vector, i) => ({ ...vector, file: `selftime-unit-${i + 1}.jaeger.json` }));

  it('lists the eleven vectors of compute-span-self-time.test.ts and the eleven rows of tableValues.test.js', () => {
    expect(unit.vectors).toHaveLength(INDEX.selfTimeUnit);
    expect(json('selftime-table.json').rows).toHaveLength(INDEX.selfTimeTable);
  });

  it.each(unitCases)('$name', ({ file, parent, children, expectedSelfTime }) => {
    const trace = traceOf(shifted(doc(file)), file);
    const [root] = trace.roots;
    // The trace is the vector: the parent and its children, at the vector's times.
    const times = (span: { startTimeUnixNano: bigint | undefined; endTimeUnixNano: bigint | undefined }) => [Number(span.startTimeUnixNano! / 1000n) - SHIFT_US, Number((span.endTimeUnixNano! - span.startTimeUnixNano!) / 1000n)];
    expect(times(root!)).toEqual([parent.startTime, parent.duration]);
    expect(trace.children(root!).map(times)).toEqual(children.map((child) => [child.startTime, child.duration]));
    expect(selfTime(root!, trace.children(root!))).toBe(BigInt(expectedSelfTime) * 1000n);
  });

  it('read as they are, a span at 0 has no start: no self time of its own, and none taken from its parent', () => {
    const atZero = unitCases.filter((vector) => vector.parent.startTime === 0);
    expect(atZero).toHaveLength(10);
    for (const { file } of atZero) {
      const root = traceOf(doc(file), file).roots[0]!;
      expect(isTimed(root)).toBe(false);
      expect(selfTime(root, [])).toBeUndefined();
    }
    // The last vector: a child at 0 covering its parent. Jaeger gives the child its parent's start
    // (self time 0); tracelint does not know when the child ran, so the parent keeps its 40 µs.
    const last = unitCases.at(-1)!;
    expect(last.expectedSelfTime).toBe(0);
    const trace = traceOf(doc(last.file), last.file);
    const root = trace.roots[0]!;
    expect(trace.children(root).map(isTimed)).toEqual([false]);
    expect(selfTime(root, trace.children(root))).toBe(40_000n);
  });

  interface Row {
    test: string;
    trace: string;
    groupBy: 'Service Name' | 'Operation Name';
    name: string;
    expectedSelfTotalMs: number;
  }
  const rows = (json('selftime-table.json') as { rows: Row[] }).rows;
  /** As tableValues.ts buildOneColumn rounds: ms to two places. */
  const roundedMs = (nanos: bigint) => Math.round((Number(nanos / 1000n) / 1000) * 100) / 100;

  it.each(rows)('$trace, $groupBy $name: $expectedSelfTotalMs ms', async ({ trace: name, groupBy, name: group, expectedSelfTotalMs }) => {
    const result = await readTraces([path.join(DIR, `selftime-table-${name}.jaeger.json`)]);
    const [trace] = [...result.traces.traces.values()];
    expect(trace!.spans.every(isTimed)).toBe(true);
    const total =
      groupBy === 'Service Name'
        ? serviceSummary(trace!).find((row) => row.service === group)!.selfNano
        : trace!.spans.filter((span) => span.name === group).reduce((sum, span) => sum + selfTime(span, trace!.children(span))!, 0n);
    expect(roundedMs(total)).toBe(expectedSelfTotalMs);
  });
});
