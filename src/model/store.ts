import {
  listOrNone,
  pickAttributes,
  SPAN_KINDS,
  spanStatus,
  type Attributes,
  type AttributeValue,
  type FormatName,
  type IdProblem,
  type InstrumentationScope,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanLink,
  type StatusCode,
} from './span.js';
import { hexChunks, hexDigits8 } from './ids.js';
import { linkFromClone, resourceFromClone, scopeFromClone } from './cloned.js';
import { AttributePool, EventColumns, grown, grownTo, INT64_MAX, INT64_MIN, ownCopy, resized, StringTable, type EventBatch, type PoolBatch, type SharedEvents, type SharedPool } from './store-columns.js';
import { StoredSpanView } from './stored-span-view.js';
import { packedTree } from './packed-tree.js';
import type { TraceTree } from './trace-tree.js';
import { Trace } from './trace.js';


/** Where a reader puts the spans it decodes, in order: a list, or a span store, which keeps them in columns as they come. */
export interface SpanTarget {
  push(span: Span): unknown;
  /** How many spans it holds. */
  readonly length: number;
  /** The store a decoder may write spans into straight (formats/otlp-plain), when the target keeps them in one. */
  columns?(): SpanColumns;
  /** After a decoder wrote `spans` spans into columns(). */
  wrote?(spans: number): void;
}

/**
 * The spans read, in columns: typed arrays for ids, times, kinds, status and
 * the indexes of names, resources, scopes and files; attributes and events in
 * pools of their own. A span costs about a hundred bytes here and a dozen per
 * attribute, against about 730 heap bytes as an object graph, and the
 * collector has almost nothing to trace (typed arrays hold no pointers).
 *
 * Spans go in as decoders make them (`add`) and come out as the same `Span`
 * objects again (`span`), built on demand: a check builds one trace's spans
 * at a time, runs the per-trace rules on them and lets them go.
 *
 * Exact: every value a decoder can put on a span comes back equal (times,
 * 64-bit integers, ids as seen, attribute order and types, shared resource
 * objects); what is rare (links, trace state, id problems, dropped counts,
 * times past 64 bits) is kept beside the columns as it was.
 */
export class SpanColumns implements SpanTarget {
  private count = 0;
  private capacity = 0;

  // One slot per span.
  private traceOf = new Uint32Array(0);
  /** Span and parent ids packed from 16 hex digits into two 32-bit halves; other ids are kept as seen in `oddIds`. */
  private spanIdHi = new Uint32Array(0);
  private spanIdLo = new Uint32Array(0);
  private parentHi = new Uint32Array(0);
  private parentLo = new Uint32Array(0);
  private start = new BigInt64Array(0);
  private end = new BigInt64Array(0);
  private nameOf = new Uint32Array(0);
  /** Bits: see the BIT_ constants. */
  private bits = new Uint16Array(0);
  private kindStatus = new Uint8Array(0);
  private w3cFlags = new Uint32Array(0);
  private statusMessage = new Uint32Array(0);
  private resourceOf = new Uint32Array(0);
  private scopeOf = new Uint32Array(0);
  private fileOf = new Uint32Array(0);
  private line = new Uint32Array(0);
  private column = new Uint32Array(0);
  private attrStart = new Uint32Array(0);
  /** Where the span's attributes end: its events' attributes follow them in the pool. */
  private attrEnd = new Uint32Array(0);
  private eventStart = new Uint32Array(0);

  private readonly attributes = new AttributePool();
  private events = new EventColumns();
  private readonly strings = new StringTable();

  private readonly traceIds: string[] = [];
  private readonly traceIndex = new Map<string, number>();
  private readonly resources: Resource[];
  private readonly resourceIndex: Map<Resource, number>;
  private readonly scopes: InstrumentationScope[];
  private readonly scopeIndex: Map<InstrumentationScope, number>;
  private readonly files: Array<{ file: string; format: FormatName }> = [];
  private lastFile = -1;

  /** Ids that are not 16 lowercase hex digits, as seen: key row * 2 (span id) or row * 2 + 1 (parent). */
  private readonly oddIds = new Map<number, string>();
  /** Times outside 64-bit signed range: key row * 2 (start) or row * 2 + 1 (end). */
  private readonly wideTimes = new Map<number, bigint>();
  /** What few spans have, kept as the decoder made it. */
  private readonly extras = new Map<number, Extra>();

  /** Rows of each trace, built on first use after the last `add`. */
  private byTrace: { offsets: Uint32Array; rows: Uint32Array } | undefined;

  /**
   * `tables`: resources and scopes numbered across several stores — the
   * batches a reader worker sends of one input (see toBatch), so a resource
   * whose spans fall in two batches is still one object.
   */
  constructor(private readonly tables: ObjectTables = new ObjectTables()) {
    this.resources = tables.resources;
    this.resourceIndex = tables.resourceIndex;
    this.scopes = tables.scopes;
    this.scopeIndex = tables.scopeIndex;
  }

  get spanCount(): number {
    return this.count;
  }

  get traceCount(): number {
    return this.traceIds.length;
  }

  /** Characters of the distinct strings held (names, keys, values): what a batch of this store costs to send. */
  get characters(): number {
    return this.strings.characters;
  }

  /** As a reader's SpanTarget: add, and how many spans so far. */
  push(span: Span): void {
    this.add(span);
  }

  get length(): number {
    return this.count;
  }

  /** As a reader's SpanTarget: spans are written here. */
  columns(): SpanColumns {
    return this;
  }

  wrote(): void {}

  add(span: Span): void {
    const row = this.openRow(span.traceId, false);
    let bits = 0;
    if (!packId(span.spanId, this.spanIdHi, this.spanIdLo, row)) this.oddIds.set(row * 2, span.spanId);
    if (span.parentSpanId !== undefined) {
      bits |= BIT_PARENT;
      if (!packId(span.parentSpanId, this.parentHi, this.parentLo, row)) this.oddIds.set(row * 2 + 1, span.parentSpanId);
    }
    bits |= this.putTime(this.start, row, 0, span.startTimeUnixNano, BIT_START);
    bits |= this.putTime(this.end, row, 1, span.endTimeUnixNano, BIT_END);
    bits |= this.putFlags(row, span.flags, span.sampled);
    if (span.shared) bits |= BIT_SHARED;
    if (span.parentRefType !== undefined) bits |= span.parentRefType === 'CHILD_OF' ? BIT_CHILD_OF : BIT_FOLLOWS_FROM;
    if (span.source.line !== undefined) bits |= BIT_LINE;
    if (span.source.column !== undefined) bits |= BIT_COLUMN;

    this.nameOf[row] = this.strings.id(span.name);
    this.kindStatus[row] = (KIND_CODE[span.kind] ?? 0) | (STATUS_CODE[span.status.code] << 4);
    this.statusMessage[row] = span.status.message === undefined ? 0 : this.strings.id(span.status.message) + 1;
    this.resourceOf[row] = this.resourceNumber(span.resource, span.resource);
    this.scopeOf[row] = this.scopeNumber(span.scope, span.scope);
    this.fileOf[row] = this.fileIndex(span.source.file, span.source.format);
    this.line[row] = span.source.line ?? 0;
    this.column[row] = span.source.column ?? 0;
    this.attrStart[row] = this.attributes.length;
    this.attributes.add(span.attributes, this.strings);
    this.attrEnd[row] = this.attributes.length;
    this.eventStart[row] = this.events.length;
    for (const event of span.events) this.events.add(event, this.attributes, this.strings, this.wideEventTimes);

    if (
      span.links.length > 0 ||
      span.traceState !== undefined ||
      span.idProblems !== undefined ||
      span.droppedAttributesCount !== 0 ||
      span.droppedEventsCount !== 0 ||
      span.droppedLinksCount !== 0
    ) {
      bits |= BIT_EXTRA;
      this.extras.set(row, {
        links: span.links,
        traceState: span.traceState,
        idProblems: span.idProblems,
        droppedAttributesCount: span.droppedAttributesCount,
        droppedEventsCount: span.droppedEventsCount,
        droppedLinksCount: span.droppedLinksCount,
      });
    }
    this.bits[row] = bits;
  }

  // For a decoder that writes spans into the columns field by field, with no Span made (formats/otlp-plain):
  // it puts a span's attributes and events in the pools first, then its row.

  /** The string id of text[from, to), kept as a copy of its own; -1 when they hold a control character (see StringTable.idOfSlice). */
  stringId(text: string, from: number, to: number): number {
    return this.strings.idOfSlice(text, from, to);
  }

  /** The string id of a string of its own. */
  stringIdOf(text: string): number {
    return this.strings.id(text);
  }

  stringAt(id: number): string {
    return this.strings.at(id);
  }

  /** The key (a string id) of the attribute at `i` of the pool. */
  attributeKeyAt(i: number): number {
    return this.attributes.keyAt(i);
  }

  putStringAttribute(key: number, value: number): void {
    this.attributes.putString(key, value);
  }

  putAttribute(key: number, value: AttributeValue): void {
    this.attributes.put(key, value, this.strings);
  }

  /** An event whose attributes were put from `attrFrom` to `attrTo`. */
  putEvent(time: bigint | undefined, name: number, droppedAttributesCount: number, attrFrom: number, attrTo: number): void {
    this.events.put(time, name, droppedAttributesCount, attrFrom, attrTo, this.wideEventTimes);
  }

  get eventCount(): number {
    return this.events.length;
  }

  /** A resource's number, as `add` numbers the resource of a span. */
  resourceRef(resource: Resource): number {
    return this.resourceNumber(resource, resource);
  }

  scopeRef(scope: InstrumentationScope): number {
    return this.scopeNumber(scope, scope);
  }

  fileRef(file: string, format: FormatName): number {
    return this.fileIndex(file, format);
  }

  /** A span written field by field, its attributes and events already in the pools: what `add` of the same span makes. */
  addRow(span: WrittenSpan): void {
    const row = this.openRow(span.traceId, true);
    this.spanIdHi[row] = span.spanHi;
    this.spanIdLo[row] = span.spanLo;
    let bits = BIT_LINE | BIT_COLUMN;
    if (span.parent) {
      bits |= BIT_PARENT;
      this.parentHi[row] = span.parentHi;
      this.parentLo[row] = span.parentLo;
    }
    bits |= this.putTime(this.start, row, 0, span.start, BIT_START);
    bits |= this.putTime(this.end, row, 1, span.end, BIT_END);
    bits |= this.putFlags(row, span.flags, span.sampled);
    this.nameOf[row] = span.name;
    this.kindStatus[row] = span.kind | (span.status << 4);
    this.statusMessage[row] = span.statusMessage;
    this.resourceOf[row] = span.resource;
    this.scopeOf[row] = span.scope;
    this.fileOf[row] = span.file;
    this.line[row] = span.line;
    this.column[row] = span.column;
    this.attrStart[row] = span.attrStart;
    this.attrEnd[row] = span.attrEnd;
    this.eventStart[row] = span.eventStart;
    if (span.links !== undefined) {
      bits |= BIT_EXTRA;
      this.extras.set(row, { links: span.links, traceState: undefined, idProblems: undefined, droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0 });
    }
    this.bits[row] = bits;
  }

  /** Where the store stands now, to go back to if what comes next is refused (an input that fails half-read). */
  mark(): StoreMark {
    return { spans: this.count, traces: this.traceIds.length, attributes: this.attributes.length, events: this.events.length };
  }

  /** Forgets every span added since `mark` (strings, resources and files stay in their tables, unused). */
  rollback(mark: StoreMark): void {
    for (let row = mark.spans; row < this.count; row++) {
      this.extras.delete(row);
      for (const key of [row * 2, row * 2 + 1]) {
        this.oddIds.delete(key);
        this.wideTimes.delete(key);
      }
    }
    for (let event = mark.events; event < this.events.length; event++) this.wideEventTimes.delete(event);
    for (let trace = mark.traces; trace < this.traceIds.length; trace++) this.traceIndex.delete(this.traceIds[trace]!);
    this.traceIds.length = mark.traces;
    this.attributes.length = mark.attributes;
    this.events.length = mark.events;
    this.count = mark.spans;
    this.byTrace = undefined;
    this.ranks = undefined;
  }

  /** Event times outside 64-bit range, by event index. */
  private readonly wideEventTimes = new Map<number, bigint>();

  /** The span in a row, built anew: equal to the one added, with its trace id shared by the trace's spans. */
  span(row: number): Span {
    const bits = this.bits[row]!;
    const message = this.statusMessage[row]!;
    const extra = bits & BIT_EXTRA ? this.extras.get(row) : undefined;
    return {
      traceId: this.traceIds[this.traceOf[row]!]!,
      spanId: this.spanIdOf(row),
      parentSpanId: this.parentOf(row),
      name: this.nameOfRow(row),
      kind: this.kindOf(row),
      startTimeUnixNano: this.startOf(row),
      endTimeUnixNano: this.endOf(row),
      status: spanStatus(STATUS_CODES[this.kindStatus[row]! >> 4]!, message === 0 ? undefined : this.strings.at(message - 1)),
      attributes: this.attributes.read(this.attrStart[row]!, this.attrEnd[row]!, this.strings),
      events: this.eventsOf(row),
      links: extra?.links ?? listOrNone([]),
      droppedAttributesCount: extra?.droppedAttributesCount ?? 0,
      droppedEventsCount: extra?.droppedEventsCount ?? 0,
      droppedLinksCount: extra?.droppedLinksCount ?? 0,
      resource: this.resourceOfRow(row),
      scope: this.scopes[this.scopeOf[row]!]!,
      source: this.sourceOf(row),
      // Every optional field in the literal, undefined when absent: one object layout for all spans built here.
      traceState: extra?.traceState,
      flags: bits & BIT_FLAGS ? this.w3cFlags[row] : undefined,
      sampled: bits & BIT_SAMPLED_KNOWN ? (bits & BIT_SAMPLED) !== 0 : undefined,
      parentRefType: bits & BIT_CHILD_OF ? 'CHILD_OF' : bits & BIT_FOLLOWS_FROM ? 'FOLLOWS_FROM' : undefined,
      shared: bits & BIT_SHARED ? true : undefined,
      idProblems: extra?.idProblems,
    };
  }

  /** The trace a row belongs to, as an index into the traces in first-seen order. */
  traceIndexOf(row: number): number {
    return this.traceOf[row]!;
  }

  traceId(trace: number): string {
    return this.traceIds[trace]!;
  }

  /** The rows of one trace, in the order they were added. */
  rowsOf(trace: number): Uint32Array {
    const { offsets, rows } = this.traceRows();
    return rows.subarray(offsets[trace]!, offsets[trace + 1]!);
  }

  /**
   * One trace's tree from the packed ids (packed-tree), for the Trace of
   * spansOf(trace): undefined when the trace needs its spans' own reading of
   * ids (an id kept as seen, a reused id, a Zipkin shared span).
   */
  treeOf(trace: number): TraceTree | undefined {
    const rows = this.rowsOf(trace);
    if (!this.packable(rows)) return undefined;
    const { spanIdHi, spanIdLo, parentHi, parentLo, bits } = this;
    return packedTree(rows, { spanHi: spanIdHi, spanLo: spanIdLo, parentHi, parentLo, hasParent: (row) => (bits[row]! & BIT_PARENT) !== 0 });
  }

  /** Whether every row has packed ids and none is a Zipkin shared half. (A loop alone in its function: see SummaryBuilder.addSpans.) */
  private packable(rows: Uint32Array): boolean {
    const { bits, oddIds } = this;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (bits[row]! & BIT_SHARED || (oddIds.size > 0 && (oddIds.has(row * 2) || oddIds.has(row * 2 + 1)))) return false;
    }
    return true;
  }

  /** A trace's Trace, its spans built anew. */
  trace(trace: number): Trace {
    return new Trace(this.traceIds[trace]!, this.spansOf(trace), this.treeOf(trace));
  }

  /** The spans of one trace, built anew, in the order they were added. */
  spansOf(trace: number): Span[] {
    const rows = this.rowsOf(trace);
    const spans = new Array<Span>(rows.length);
    for (let i = 0; i < rows.length; i++) spans[i] = this.span(rows[i]!);
    return spans;
  }

  /** The file a row was read from. */
  fileOfRow(row: number): string {
    return this.files[this.fileOf[row]!]!.file;
  }

  /** Heap and buffer bytes the columns hold (not the shared strings and objects), for measurements. */
  get columnBytes(): number {
    const columns = [this.traceOf, this.spanIdHi, this.spanIdLo, this.parentHi, this.parentLo, this.start, this.end, this.nameOf, this.bits, this.kindStatus, this.w3cFlags, this.statusMessage, this.resourceOf, this.scopeOf, this.fileOf, this.line, this.column, this.attrStart, this.attrEnd, this.eventStart];
    return columns.reduce((sum, column) => sum + column.byteLength, 0) + this.attributes.bytes + this.events.bytes;
  }

  /**
   * The span in a row as a view that reads the store when a field is asked
   * for, a few dozen bytes instead of a span: what the cross-trace summary
   * keeps. It carries what a shard file carries (analysis/summary's
   * crossTraceView): ids, name, kind, times, the attributes of `keys`, how
   * many links, resource and source; status, events and scope are empty.
   */
  view(row: number, keys: readonly string[]): Span {
    return new StoredSpanView(this, row, keys) as unknown as Span;
  }

  // Fields of one row: span() builds a span of them, StoredSpanView reads them one at a time.
  /** @internal */
  parentOf(row: number): string | undefined {
    return this.bits[row]! & BIT_PARENT ? (this.oddIds.get(row * 2 + 1) ?? unpackId(this.parentHi[row]!, this.parentLo[row]!)) : undefined;
  }
  /** @internal */
  nameOfRow(row: number): string {
    return this.strings.at(this.nameOf[row]!);
  }
  /** @internal */
  kindOf(row: number): Span['kind'] {
    return SPAN_KINDS[this.kindStatus[row]! & 15]!;
  }
  /** @internal */
  startOf(row: number): bigint | undefined {
    const bits = this.bits[row]!;
    return bits & BIT_START ? (bits & BIT_START_WIDE ? this.wideTimes.get(row * 2) : this.start[row]) : undefined;
  }
  /** @internal */
  endOf(row: number): bigint | undefined {
    const bits = this.bits[row]!;
    return bits & BIT_END ? (bits & BIT_END_WIDE ? this.wideTimes.get(row * 2 + 1) : this.end[row]) : undefined;
  }
  /** @internal */
  linkCountOf(row: number): number {
    return this.bits[row]! & BIT_EXTRA ? (this.extras.get(row)?.links.length ?? 0) : 0;
  }
  /** @internal */
  resourceOfRow(row: number): Resource {
    return this.resources[this.resourceOf[row]!]!;
  }
  /** @internal */
  sourceOf(row: number): Span['source'] {
    const bits = this.bits[row]!;
    const file = this.files[this.fileOf[row]!]!;
    return { file: file.file, format: file.format, line: bits & BIT_LINE ? this.line[row] : undefined, column: bits & BIT_COLUMN ? this.column[row] : undefined };
  }

  /** @internal */
  /**
   * Each trace's place in trace-id order, by trace index: undefined when a
   * trace id is not of normal form (lowercase hex of 32 digits, whose order as
   * text is the order of its 8-digit numbers). Worked out once for the traces
   * held: what sorting the cross-trace summary by span needs of trace ids
   * (analysis/span-order), once per trace rather than once per item.
   */
  traceRanks(): Uint32Array | undefined {
    const count = this.traceIds.length;
    if (this.ranks?.count === count) return this.ranks.ranks;
    const keys = new Uint32Array(count * 4);
    let normal = true;
    for (let t = 0; t < count && normal; t++) normal = hexChunks(this.traceIds[t]!, 4, keys, t * 4);
    let ranks: Uint32Array | undefined;
    if (normal) {
      const order = new Uint32Array(count);
      for (let t = 0; t < count; t++) order[t] = t;
      // Trace ids are distinct in a store: no ties.
      order.sort((a, b) => keys[a * 4]! - keys[b * 4]! || keys[a * 4 + 1]! - keys[b * 4 + 1]! || keys[a * 4 + 2]! - keys[b * 4 + 2]! || keys[a * 4 + 3]! - keys[b * 4 + 3]!);
      ranks = new Uint32Array(count);
      for (let k = 0; k < count; k++) ranks[order[k]!] = k;
    }
    this.ranks = { count, ranks };
    return ranks;
  }

  private ranks: { count: number; ranks: Uint32Array | undefined } | undefined;

  /** A row's span id as its two packed halves, written at `at`: false when the id was kept as seen (not of normal form). */
  packedSpanId(row: number, hi: Uint32Array, lo: Uint32Array, at: number): boolean {
    if (this.oddIds.size > 0 && this.oddIds.has(row * 2)) return false;
    hi[at] = this.spanIdHi[row]!;
    lo[at] = this.spanIdLo[row]!;
    return true;
  }

  /**
   * A row's trace id as 4 numbers of 8 hex digits and span id as 2, written
   * at `at` (times 4 and 2): what analysis/span-order sorts by, read from the
   * packed id rather than made into a string and read back. False when either
   * id is not of normal form (lowercase hex of its length).
   */
  writeIdKeys(row: number, trace: Uint32Array, span: Uint32Array, at: number): boolean {
    if (this.oddIds.size > 0 && this.oddIds.has(row * 2)) return false;
    if (!hexChunks(this.traceIds[this.traceOf[row]!]!, 4, trace, at * 4)) return false;
    span[at * 2] = this.spanIdHi[row]!;
    span[at * 2 + 1] = this.spanIdLo[row]!;
    return true;
  }

  spanIdOf(row: number): string {
    return this.oddIds.get(row * 2) ?? unpackId(this.spanIdHi[row]!, this.spanIdLo[row]!);
  }

  /** @internal The attributes of `keys` a row has, in the order of `keys`. */
  attributesOf(row: number, keys: readonly string[]): Attributes {
    return pickAttributes(this.attributes.read(this.attrStart[row]!, this.attrEnd[row]!, this.strings), keys);
  }

  /**
   * This store's spans as a batch for another thread: the columns trimmed to
   * their length (their buffers can be transferred, not copied), the tables,
   * and the resources and scopes first numbered since `sent` (the
   * ObjectTables' counts when the previous batch was made).
   */
  toBatch(sent: { resources: number; scopes: number }): StoreBatch {
    const n = this.count;
    const cut = <T extends Uint8Array | Uint16Array | Uint32Array | BigInt64Array>(column: T, length = n): T => column.slice(0, length) as T;
    const pool = this.attributes;
    const events = this.events;
    return {
      count: n,
      rows: {
        traceOf: cut(this.traceOf), spanIdHi: cut(this.spanIdHi), spanIdLo: cut(this.spanIdLo), parentHi: cut(this.parentHi), parentLo: cut(this.parentLo),
        start: cut(this.start), end: cut(this.end), nameOf: cut(this.nameOf), bits: cut(this.bits), kindStatus: cut(this.kindStatus), w3cFlags: cut(this.w3cFlags),
        statusMessage: cut(this.statusMessage), resourceOf: cut(this.resourceOf), scopeOf: cut(this.scopeOf), fileOf: cut(this.fileOf), line: cut(this.line),
        column: cut(this.column), attrStart: cut(this.attrStart), attrEnd: cut(this.attrEnd), eventStart: cut(this.eventStart),
      },
      attributes: pool.toBatch(),
      events: events.toBatch(),
      strings: this.strings.all,
      traceIds: this.traceIds,
      files: this.files,
      resourceBase: sent.resources,
      resources: this.resources.slice(sent.resources),
      scopeBase: sent.scopes,
      scopes: this.scopes.slice(sent.scopes),
      oddIds: [...this.oddIds],
      wideTimes: [...this.wideTimes],
      wideEventTimes: [...this.wideEventTimes],
      extras: [...this.extras],
    };
  }

  /**
   * The whole store for another thread to read (lint/two-threads): the
   * columns on their shared buffers, not copied, and the tables, copied when
   * posted. Neither side may add to the store from then on.
   */
  toShared(): SharedStore {
    const { count, capacity, traceIds, resources, scopes, files, oddIds, wideTimes, extras, wideEventTimes } = this;
    return {
      count, capacity, traceIds, resources, scopes, files, oddIds, wideTimes, extras, wideEventTimes,
      rows: {
        traceOf: this.traceOf, spanIdHi: this.spanIdHi, spanIdLo: this.spanIdLo, parentHi: this.parentHi, parentLo: this.parentLo,
        start: this.start, end: this.end, nameOf: this.nameOf, bits: this.bits, kindStatus: this.kindStatus, w3cFlags: this.w3cFlags,
        statusMessage: this.statusMessage, resourceOf: this.resourceOf, scopeOf: this.scopeOf, fileOf: this.fileOf, line: this.line,
        column: this.column, attrStart: this.attrStart, attrEnd: this.attrEnd, eventStart: this.eventStart,
      },
      attributes: this.attributes.toShared(),
      events: this.events.toShared(),
      strings: this.strings.all,
    };
  }

  /** A store that reads what toShared gave, on another thread: the same rows, to read only. */
  static fromShared(shared: SharedStore): SpanColumns {
    const tables = new ObjectTables();
    // Attribute maps that were posted are plain objects: model maps again, as absorb makes them (cloned.ts).
    for (const resource of shared.resources) tables.resources.push(resourceFromClone(resource));
    for (const scope of shared.scopes) tables.scopes.push(scopeFromClone(scope));
    const store = new SpanColumns(tables);
    const { rows, attributes, events, strings, resources: _resources, scopes: _scopes, extras, ...rest } = shared;
    Object.assign(store, rows, rest, {
      attributes: AttributePool.fromShared(attributes),
      events: EventColumns.fromShared(events),
      strings: StringTable.readOnly(strings),
      extras: new Map(Array.from(extras, ([row, extra]) => [row, extraFromClone(extra)])),
    });
    return store;
  }

  /**
   * A batch from another thread, added after the spans here as if each span
   * had been added: strings, traces and files joined to this store's tables.
   * `from` keeps the resources and scopes of the input the batch is part of.
   */
  absorb(batch: StoreBatch, from: BatchSource): void {
    const n = batch.count;
    if (n === 0) return;
    const base = this.count;
    if (this.capacity < base + n) this.grow(base + n);
    this.count += n;
    this.byTrace = undefined;
    const r = batch.rows;

    const strings = new Uint32Array(batch.strings.length);
    for (let i = 0; i < strings.length; i++) strings[i] = this.strings.id(batch.strings[i]!);
    const traces = new Uint32Array(batch.traceIds.length);
    for (let i = 0; i < traces.length; i++) {
      const traceId = batch.traceIds[i]!;
      let trace = this.traceIndex.get(traceId);
      if (trace === undefined) {
        trace = this.traceIds.push(traceId) - 1;
        this.traceIndex.set(traceId, trace);
      }
      traces[i] = trace;
    }
    const files = batch.files.map(({ file, format }) => this.fileIndex(file, format));
    batch.resources.forEach((resource, i) => (from.resources[batch.resourceBase + i] = this.resourceNumber(undefined, resourceFromClone(resource))));
    batch.scopes.forEach((scope, i) => (from.scopes[batch.scopeBase + i] = this.scopeNumber(undefined, scopeFromClone(scope))));

    const attrBase = this.attributes.length;
    const eventBase = this.events.length;
    this.attributes.absorb(batch.attributes, strings);
    this.events.absorb(batch.events, strings, attrBase);

    this.spanIdHi.set(r.spanIdHi, base);
    this.spanIdLo.set(r.spanIdLo, base);
    this.parentHi.set(r.parentHi, base);
    this.parentLo.set(r.parentLo, base);
    this.start.set(r.start, base);
    this.end.set(r.end, base);
    this.bits.set(r.bits, base);
    this.kindStatus.set(r.kindStatus, base);
    this.w3cFlags.set(r.w3cFlags, base);
    this.line.set(r.line, base);
    this.column.set(r.column, base);
    for (let i = 0; i < n; i++) {
      const row = base + i;
      this.traceOf[row] = traces[r.traceOf[i]!]!;
      this.nameOf[row] = strings[r.nameOf[i]!]!;
      const message = r.statusMessage[i]!;
      this.statusMessage[row] = message === 0 ? 0 : strings[message - 1]! + 1;
      this.resourceOf[row] = from.resources[r.resourceOf[i]!]!;
      this.scopeOf[row] = from.scopes[r.scopeOf[i]!]!;
      this.fileOf[row] = files[r.fileOf[i]!]!;
      this.attrStart[row] = r.attrStart[i]! + attrBase;
      this.attrEnd[row] = r.attrEnd[i]! + attrBase;
      this.eventStart[row] = r.eventStart[i]! + eventBase;
    }
    for (const [key, id] of batch.oddIds) this.oddIds.set(key + 2 * base, id);
    for (const [key, time] of batch.wideTimes) this.wideTimes.set(key + 2 * base, time);
    for (const [key, time] of batch.wideEventTimes) this.wideEventTimes.set(key + eventBase, time);
    for (const [row, extra] of batch.extras) this.extras.set(row + base, extraFromClone(extra));
  }

  private eventsOf(row: number): readonly SpanEvent[] {
    const from = this.eventStart[row]!;
    const to = row + 1 < this.count ? this.eventStart[row + 1]! : this.events.length;
    if (from === to) return listOrNone([]);
    const events: SpanEvent[] = [];
    for (let i = from; i < to; i++) events.push(this.events.read(i, this.attributes, this.strings, this.wideEventTimes));
    return events;
  }

  private traceRows(): { offsets: Uint32Array; rows: Uint32Array } {
    if (this.byTrace) return this.byTrace;
    // A counting sort by trace: stable, so each trace keeps its spans' input order.
    const traces = this.traceIds.length;
    const offsets = new Uint32Array(traces + 1);
    for (let row = 0; row < this.count; row++) offsets[this.traceOf[row]! + 1]!++;
    for (let t = 0; t < traces; t++) offsets[t + 1]! += offsets[t]!;
    const next = offsets.slice(0, traces);
    const rows = new Uint32Array(this.count);
    for (let row = 0; row < this.count; row++) rows[next[this.traceOf[row]!]!++] = row;
    return (this.byTrace = { offsets, rows });
  }

  /** A new row of the trace `traceId` (a slice of a decoder's text, kept as a copy of its own when `copy`). */
  private openRow(traceId: string, copy: boolean): number {
    const row = this.count;
    if (row === this.capacity) this.grow();
    this.count++;
    this.byTrace = undefined;
    let trace = this.traceIndex.get(traceId);
    if (trace === undefined) {
      const kept = copy ? ownCopy(traceId) : traceId;
      trace = this.traceIds.push(kept) - 1;
      this.traceIndex.set(kept, trace);
    }
    this.traceOf[row] = trace;
    return row;
  }

  private putFlags(row: number, flags: number | undefined, sampled: boolean | undefined): number {
    let bits = 0;
    if (flags !== undefined) {
      bits |= BIT_FLAGS;
      this.w3cFlags[row] = flags;
    }
    if (sampled !== undefined) bits |= sampled ? BIT_SAMPLED | BIT_SAMPLED_KNOWN : BIT_SAMPLED_KNOWN;
    return bits;
  }

  private putTime(column: BigInt64Array, row: number, which: 0 | 1, time: bigint | undefined, known: number): number {
    if (time === undefined) return 0;
    if (time >= INT64_MIN && time <= INT64_MAX) {
      column[row] = time;
      return known;
    }
    this.wideTimes.set(row * 2 + which, time);
    return known | (which === 0 ? BIT_START_WIDE : BIT_END_WIDE);
  }

  /**
   * A resource's number. Resources stay distinct objects (sameProcess asks
   * first whether two spans share one), but resources with equal attributes
   * share one attribute map: an exporter repeats its resource in every batch
   * (168k resources at a million bench spans, 40 MB of equal maps).
   */
  private resourceNumber(key: Resource | undefined, resource: Resource): number {
    // Without a key (a batch's resource, numbered by its batch), nothing looks it up again.
    let i = key === undefined ? undefined : this.resourceIndex.get(key);
    if (i === undefined) {
      const content = contentKey(resource.attributes);
      const shared = content === undefined ? undefined : this.tables.sharedAttributes.get(content);
      if (shared !== undefined) resource = { ...resource, attributes: shared };
      else if (content !== undefined) this.tables.sharedAttributes.set(content, resource.attributes);
      i = this.resources.push(resource) - 1;
      if (key !== undefined) this.resourceIndex.set(key, i);
    }
    return i;
  }

  /** A scope's number: scopes without attributes are one per name and version (nothing asks whether two spans share a scope object). */
  private scopeNumber(key: InstrumentationScope | undefined, scope: InstrumentationScope): number {
    let i = key === undefined ? undefined : this.scopeIndex.get(key);
    if (i === undefined) {
      const content = scope.attributes === undefined ? `${scope.name}\u0000${scope.version ?? '\u0001'}` : undefined;
      i = content === undefined ? undefined : this.tables.scopeByContent.get(content);
      if (i === undefined) {
        i = this.scopes.push(scope) - 1;
        if (content !== undefined) this.tables.scopeByContent.set(content, i);
      }
      if (key !== undefined) this.scopeIndex.set(key, i);
    }
    return i;
  }

  private fileIndex(file: string, format: FormatName): number {
    const last = this.files[this.lastFile];
    if (last !== undefined && last.file === file && last.format === format) return this.lastFile;
    let i = this.files.findIndex((f) => f.file === file && f.format === format);
    if (i < 0) i = this.files.push({ file, format }) - 1;
    return (this.lastFile = i);
  }

  /**
   * How many spans and attributes a reader expects in all (a file's size
   * against what its first part held): when the columns must grow, they make
   * room for that many at once, instead of half as many again each time, and
   * are copied about once, with little room left over.
   */
  expect(spans: number, attributes: number): void {
    this.expectedSpans = spans;
    this.attributes.expected = attributes;
  }

  private expectedSpans = 0;

  /** Attributes held, for a reader's estimate (see reserve). */
  get attributeCount(): number {
    return this.attributes.length;
  }

  /** Spans the columns have room for, before they regrow. */
  get spanCapacity(): number {
    return this.capacity;
  }

  private grow(needed = this.capacity + 1): void {
    this.resize(grownTo(needed, this.expectedSpans, Math.max(grown(needed, 1024), this.capacity + 1)));
  }

  private resize(size: number): void {
    this.capacity = size;
    this.traceOf = resized(this.traceOf, size);
    this.spanIdHi = resized(this.spanIdHi, size);
    this.spanIdLo = resized(this.spanIdLo, size);
    this.parentHi = resized(this.parentHi, size);
    this.parentLo = resized(this.parentLo, size);
    this.start = resized(this.start, size);
    this.end = resized(this.end, size);
    this.nameOf = resized(this.nameOf, size);
    this.bits = resized(this.bits, size);
    this.kindStatus = resized(this.kindStatus, size);
    this.w3cFlags = resized(this.w3cFlags, size);
    this.statusMessage = resized(this.statusMessage, size);
    this.resourceOf = resized(this.resourceOf, size);
    this.scopeOf = resized(this.scopeOf, size);
    this.fileOf = resized(this.fileOf, size);
    this.line = resized(this.line, size);
    this.column = resized(this.column, size);
    this.attrStart = resized(this.attrStart, size);
    this.attrEnd = resized(this.attrEnd, size);
    this.eventStart = resized(this.eventStart, size);
  }
}

export interface StoreMark {
  spans: number;
  traces: number;
  attributes: number;
  events: number;
}

/** Resources and scopes by number, shared by the stores of one input's batches. */
export class ObjectTables {
  readonly resources: Resource[] = [];
  readonly resourceIndex = new Map<Resource, number>();
  readonly scopes: InstrumentationScope[] = [];
  readonly scopeIndex = new Map<InstrumentationScope, number>();
  /** Resource attribute maps by their content (contentKey), shared by equal resources. */
  readonly sharedAttributes = new Map<string, Attributes>();
  readonly scopeByContent = new Map<string, number>();
}

/** A map's keys and plain values in order, as one string; undefined when a value is not a string, number or boolean (or is -0). */
function contentKey(attributes: Attributes): string | undefined {
  let key = '';
  for (const name in attributes) {
    const value = attributes[name];
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Object.is(value, -0))) key += `${name}\u0000${typeof value}\u0000${String(value)}\u0001`;
    else return undefined;
  }
  return key;
}

/** What the receiving store keeps of one input while its batches come: the batch's resource and scope numbers, as its own. */
export interface BatchSource {
  resources: number[];
  scopes: number[];
}

/** A store's spans, sent to another thread (SpanColumns.toBatch, SpanColumns.absorb). */
export interface StoreBatch {
  count: number;
  rows: {
    traceOf: Uint32Array; spanIdHi: Uint32Array; spanIdLo: Uint32Array; parentHi: Uint32Array; parentLo: Uint32Array;
    start: BigInt64Array; end: BigInt64Array; nameOf: Uint32Array; bits: Uint16Array; kindStatus: Uint8Array; w3cFlags: Uint32Array;
    statusMessage: Uint32Array; resourceOf: Uint32Array; scopeOf: Uint32Array; fileOf: Uint32Array; line: Uint32Array;
    column: Uint32Array; attrStart: Uint32Array; attrEnd: Uint32Array; eventStart: Uint32Array;
  };
  attributes: PoolBatch;
  events: EventBatch;
  strings: string[];
  traceIds: string[];
  files: Array<{ file: string; format: FormatName }>;
  /** The number of the first of `resources` (numbers run on across an input's batches). */
  resourceBase: number;
  resources: Resource[];
  scopeBase: number;
  scopes: InstrumentationScope[];
  oddIds: Array<[number, string]>;
  wideTimes: Array<[number, bigint]>;
  wideEventTimes: Array<[number, bigint]>;
  extras: Array<[number, Extra]>;
}

/**
 * A span's fields as a decoder writing columns has them (SpanColumns.addRow):
 * ids packed, strings as ids, kind and status as codes (SPAN_KINDS; UNSET, OK,
 * ERROR), statusMessage 0 or its id + 1, times within 64 bits, and the place of
 * its attributes and events in the pools. One object, rewritten per span.
 */
export interface WrittenSpan {
  traceId: string;
  spanHi: number;
  spanLo: number;
  parent: boolean;
  parentHi: number;
  parentLo: number;
  name: number;
  kind: number;
  status: number;
  statusMessage: number;
  start: bigint | undefined;
  end: bigint | undefined;
  flags: number | undefined;
  sampled: boolean | undefined;
  resource: number;
  scope: number;
  file: number;
  line: number;
  column: number;
  attrStart: number;
  attrEnd: number;
  eventStart: number;
  /** Links, when it has any (kept beside the columns, as add keeps them). */
  links: readonly SpanLink[] | undefined;
}

/** A whole store as another thread reads it (SpanColumns.toShared). */
export interface SharedStore {
  count: number;
  capacity: number;
  rows: StoreBatch['rows'];
  attributes: SharedPool;
  events: SharedEvents;
  strings: readonly string[];
  traceIds: readonly string[];
  resources: readonly Resource[];
  scopes: readonly InstrumentationScope[];
  files: ReadonlyArray<{ file: string; format: FormatName }>;
  oddIds: ReadonlyMap<number, string>;
  wideTimes: ReadonlyMap<number, bigint>;
  extras: ReadonlyMap<number, Extra>;
  wideEventTimes: ReadonlyMap<number, bigint>;
}

/** The buffers of a batch, to transfer rather than copy. */
export function batchBuffers(batch: StoreBatch): ArrayBuffer[] {
  const columns = [...Object.values(batch.rows), ...Object.values(batch.attributes), ...Object.values(batch.events)];
  return columns.filter((column): column is Uint8Array => ArrayBuffer.isView(column)).map((column) => column.buffer as ArrayBuffer);
}

interface Extra {
  links: readonly SpanLink[];
  traceState: string | undefined;
  idProblems: IdProblem[] | undefined;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

/** An Extra that crossed threads by clone: its links' attribute maps made model maps again, no links the shared empty list. */
function extraFromClone(extra: Extra): Extra {
  return { ...extra, links: extra.links.length === 0 ? listOrNone([]) : extra.links.map(linkFromClone) };
}

const BIT_PARENT = 1;
const BIT_START = 2;
const BIT_END = 4;
const BIT_START_WIDE = 8;
const BIT_END_WIDE = 16;
const BIT_FLAGS = 32;
const BIT_SAMPLED_KNOWN = 64;
const BIT_SAMPLED = 128;
const BIT_SHARED = 256;
const BIT_CHILD_OF = 512;
const BIT_FOLLOWS_FROM = 1024;
const BIT_LINE = 2048;
const BIT_COLUMN = 4096;
/** The row has an entry in `extras`. */
const BIT_EXTRA = 8192;


const KIND_CODE: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(SPAN_KINDS.map((kind, i) => [kind, i])));
const STATUS_CODES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];
const STATUS_CODE: Readonly<Record<StatusCode, number>> = { UNSET: 0, OK: 1, ERROR: 2 };

/** Packs 16 lowercase hex digits into two 32-bit halves; false (nothing written) for any other id. */
function packId(id: string, hi: Uint32Array, lo: Uint32Array, row: number): boolean {
  if (id.length !== 16) return false;
  const h = hexDigits8(id, 0);
  const l = h < 0 ? -1 : hexDigits8(id, 8);
  if (l < 0) return false;
  hi[row] = h;
  lo[row] = l;
  return true;
}

/** Char codes of the 16 hex digits. */
const HEX_CODES = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));

/**
 * An id's 16 hex digits, made in one flat string. Joined two digits at a time, a
 * string this long is a tree of joins (a rope): 96 heap bytes where flat it takes 32
 * (a million findings hold two ids each), and flattened first by every Map lookup and
 * comparison; a trace's tree is built with such lookups (1M spans: 1.4 s, now 0.6 s).
 */
function unpackId(hi: number, lo: number): string {
  const c = HEX_CODES;
  return String.fromCharCode(
    c[hi >>> 28]!, c[(hi >>> 24) & 15]!, c[(hi >>> 20) & 15]!, c[(hi >>> 16) & 15]!, c[(hi >>> 12) & 15]!, c[(hi >>> 8) & 15]!, c[(hi >>> 4) & 15]!, c[hi & 15]!,
    c[lo >>> 28]!, c[(lo >>> 24) & 15]!, c[(lo >>> 20) & 15]!, c[(lo >>> 16) & 15]!, c[(lo >>> 12) & 15]!, c[(lo >>> 8) & 15]!, c[(lo >>> 4) & 15]!, c[lo & 15]!,
  );
}
