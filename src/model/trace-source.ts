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
}

/** The traces of a span store, built one at a time; only those `keep` keeps, when given (one shard's). */
export class StoredTraces implements TraceSource {
  readonly traceCount: number;
  readonly spanCount: number;
  private all: Span[] | undefined;
  private set: TraceSet | undefined;

  constructor(
    readonly store: SpanColumns,
    private readonly keep?: (traceId: string) => boolean,
  ) {
    let traces = 0;
    let spans = 0;
    for (let t = 0; t < store.traceCount; t++) {
      if (keep && !keep(store.traceId(t))) continue;
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
      if (keep && !keep(traceId)) continue;
      visit(new Trace(traceId, store.spansOf(t)), store.rowsOf(t));
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
      for (let row = 0; row < store.spanCount; row++) if (!keep || keep(store.traceId(store.traceIndexOf(row)))) spans.push(store.span(row));
      this.all = spans;
    }
    return this.all;
  }

  /** The spans() as a TraceSet (built once). */
  traceSet(): TraceSet {
    return (this.set ??= new TraceSet(this.spans()));
  }
}
