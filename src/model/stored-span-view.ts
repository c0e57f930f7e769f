import type { Attributes, InstrumentationScope, Resource, Span, SpanEvent, SpanLink } from './span.js';
import { countedLinks, listOrNone, NO_SCOPE, spanStatus } from './span.js';
import type { SpanColumns } from './store.js';

/**
 * A span of the store, read when a field is asked for (SpanColumns.view). It
 * holds the store, its row, and what it has been asked for most: the trace
 * and span ids (summaries are sorted by them) and, once read, its
 * attributes (rules read several keys from them in turn).
 */
export class StoredSpanView {
  private id: string | undefined;
  private attrs: Attributes | undefined;
  private linkList: readonly SpanLink[] | undefined;

  constructor(
    /** The store it reads (analysis/span-order sorts views of one store by its columns). */
    readonly store: SpanColumns,
    /** The span's row in the store. */
    readonly row: number,
    private readonly keys: readonly string[],
  ) {}

  /** Its ids as the numbers span-order sorts by (SpanColumns.writeIdKeys). */
  writeIdKeys(trace: Uint32Array, span: Uint32Array, at: number): boolean {
    return this.store.writeIdKeys(this.row, trace, span, at);
  }

  get traceId(): string {
    return this.store.traceId(this.store.traceIndexOf(this.row));
  }
  get spanId(): string {
    return (this.id ??= this.store.spanIdOf(this.row));
  }
  get parentSpanId(): string | undefined {
    return this.store.parentOf(this.row);
  }
  get name(): string {
    return this.store.nameOfRow(this.row);
  }
  get kind(): Span['kind'] {
    return this.store.kindOf(this.row);
  }
  get startTimeUnixNano(): bigint | undefined {
    return this.store.startOf(this.row);
  }
  get endTimeUnixNano(): bigint | undefined {
    return this.store.endOf(this.row);
  }
  get attributes(): Attributes {
    return (this.attrs ??= this.store.attributesOf(this.row, this.keys));
  }
  get links(): readonly SpanLink[] {
    // Only how many: the cross-trace rules ask whether a span has links.
    return (this.linkList ??= countedLinks(this.store.linkCountOf(this.row)));
  }
  get resource(): Resource {
    return this.store.resourceOfRow(this.row);
  }
  get source(): Span['source'] {
    return this.store.sourceOf(this.row);
  }
  get status(): Span['status'] {
    return spanStatus('UNSET');
  }
  get events(): readonly SpanEvent[] {
    return listOrNone([]);
  }
  get scope(): InstrumentationScope {
    return NO_SCOPE;
  }
  get droppedAttributesCount(): number {
    return 0;
  }
  get droppedEventsCount(): number {
    return 0;
  }
  get droppedLinksCount(): number {
    return 0;
  }
}
