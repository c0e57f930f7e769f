import type { Span } from './span.js';
import type { SpanColumns } from './store.js';
import { Trace, TraceSet } from './trace.js';

/**
 * Traces one at a time: what the first stage of a check reads. A TraceSet
 * holds every trace built; StoredTraces builds each from the span store for
 * the visit and lets it go, so a check holds the store, not a million spans.
 */
export interface TraceSource {
  readonly traceCount: number;
  readonly spanCount: number;
  /**
   * Each trace once, in first-seen order. Keep what you need of a trace, not
   * the trace: it may be built for this visit only. From a store, `rows`
   * gives each of the trace's spans its row there (`store`), in the order of
   * `trace.spans`.
   */
  forEachTrace(visit: (trace: Trace, rows?: Uint32Array) => void): void;
  /** The store the rows are in, when the traces come from one. */
  readonly store?: SpanColumns;
  /** True when these traces are part of one run whose summaries are merged next (two threads): the summary keeps what the merge needs. */
  readonly partOfRun?: boolean;
}

/** The traces of a span store, built one at a time; only those `keep` keeps, when given (one shard's), by trace id or index in the store. */
export class StoredTraces implements TraceSource {
  readonly traceCount: number;
  readonly spanCount: number;
  private all: Span[] | undefined;
  private set: TraceSet | undefined;

  constructor(
    readonly store: SpanColumns,
    readonly keep?: (traceId: string, trace: number) => boolean,
  ) {
    let traces = 0;
    let spans = 0;
    for (let t = 0; t < store.traceCount; t++) {
      if (keep && !keep(store.traceId(t), t)) continue;
      traces++;
      spans += store.rowsOf(t).length;
    }
    this.traceCount = traces;
    this.spanCount = spans;
  }

  forEachTrace(visit: (trace: Trace, rows: Uint32Array) => void): void {
    const { store, keep } = this;
    for (let t = 0; t < store.traceCount; t++) {
      const traceId = store.traceId(t);
      if (keep && !keep(traceId, t)) continue;
      visit(store.trace(t), store.rowsOf(t));
    }
  }

  /**
   * Every span built and held at once, in input order: the slower path, for
   * what looks at traces side by side (expectations, reports that draw
   * waterfalls, traceview, the library's `ReadResult`). Built once.
   */
  spans(): Span[] {
    if (!this.all) {
      const { store, keep } = this;
      const spans: Span[] = [];
      for (let row = 0; row < store.spanCount; row++) {
        const trace = store.traceIndexOf(row);
        if (!keep || keep(store.traceId(trace), trace)) spans.push(store.span(row));
      }
      this.all = spans;
    }
    return this.all;
  }

  /** The spans() as a TraceSet (built once). */
  traceSet(): TraceSet {
    return (this.set ??= new TraceSet(this.spans()));
  }
}

/**
 * The traces of a store that two threads check together (lint/two-threads):
 * each visits the next chunk of traces neither has taken, counted in
 * `claims`, shared, so both finish about together whatever the traces cost.
 * Which thread checked a trace does not change the findings: the threads'
 * results merge as shards do. `chunks`: the first trace of each chunk, then
 * the trace count; `kept`, when given, marks the traces to check (1).
 */
export class ClaimedTraces implements TraceSource {
  readonly partOfRun = true;

  constructor(
    readonly store: SpanColumns,
    private readonly claims: Int32Array,
    private readonly chunks: Uint32Array,
    private readonly kept: Uint8Array | undefined,
    /** Of every thread's traces together: the progress of one thread is its share. */
    readonly traceCount: number,
    readonly spanCount: number,
  ) {}

  /** Asked before each chunk is taken: true leaves the rest to the other thread. */
  stopWhen: () => boolean = () => false;

  forEachTrace(visit: (trace: Trace, rows: Uint32Array) => void): void {
    const { store, chunks, kept } = this;
    for (let chunk = Atomics.add(this.claims, 0, 1); chunk < chunks.length - 1; chunk = this.stopWhen() ? chunks.length : Atomics.add(this.claims, 0, 1)) {
      for (let t = chunks[chunk]!; t < chunks[chunk + 1]!; t++) {
        if (kept && kept[t] === 0) continue;
        visit(store.trace(t), store.rowsOf(t));
      }
    }
  }

  /** How many chunks have been taken so far, of how many. */
  get claimed(): { chunks: number; of: number } {
    return { chunks: Math.min(Atomics.load(this.claims, 0), this.chunks.length - 1), of: this.chunks.length - 1 };
  }
}
