/**
 * The normalised span: every decoder produces this, whatever the input format.
 * Rules, analysis, reporters and renderers see only this shape.
 */

export type SpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export const SPAN_KINDS: readonly SpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

/**
 * A typed attribute value as OTLP's AnyValue carries it. Integers that fit in a
 * double exactly are numbers; larger 64-bit integers are bigints, so nothing is rounded.
 * Bytes are Uint8Array; a kvlist is a nested Attributes map.
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | AttributeValue[]
  | Attributes;

/** Attribute maps inherit no keys, so keys such as `__proto__` are plain keys (see emptyAttributes). */
export interface Attributes {
  [key: string]: AttributeValue;
}

export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

export interface SpanEvent {
  /** Nanoseconds since the Unix epoch; undefined when the producer did not say (never 0). */
  timeUnixNano: bigint | undefined;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  /** Jaeger/OpenTracing reference type, when the link came from a reference. */
  refType?: 'CHILD_OF' | 'FOLLOWS_FROM';
}

/** Shared by all spans of one resource (one process of one service). */
export interface Resource {
  attributes: Attributes;
  /** `service.name`, or undefined when the resource does not say. */
  serviceName: string | undefined;
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: Attributes;
}

export type FormatName = 'otlp-json' | 'otlp-jsonl' | 'jaeger' | 'zipkin' | 'tempo' | 'otlp-proto';

/** Where a span was read from, so a finding can point at it. */
export interface SourceLocation {
  file: string;
  format: FormatName;
  /** 1-based line of the span's object in the input, where the decoder knows it. */
  line?: number;
  /** 1-based column (in UTF-16 code units) of the span's object. */
  column?: number;
}

/** Where a finding points: a span's place in its input, or (format `spec`) a line of a spec file (`check --expect`). */
export interface FindingLocation {
  file: string;
  format: FormatName | 'spec';
  line?: number;
  column?: number;
}

/** Something about a span's ids that did not conform, noted by the decoder. */
export interface IdProblem {
  field: 'traceId' | 'spanId' | 'parentSpanId' | 'link.traceId' | 'link.spanId';
  /** The id exactly as the input had it. */
  seen: string;
  problem: 'not-hex' | 'wrong-length' | 'all-zero' | 'padded';
}

export interface Span {
  /** 32 lowercase hex characters when well formed; otherwise as seen (see idProblems). */
  traceId: string;
  /** 16 lowercase hex characters when well formed; otherwise as seen. */
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  /**
   * Nanoseconds since the Unix epoch, exact (beyond 2^53, hence bigint).
   * Undefined when the producer did not say (a Zipkin span without `timestamp`,
   * an OTLP time left at proto3's zero): unknown, never 0.
   */
  startTimeUnixNano: bigint | undefined;
  endTimeUnixNano: bigint | undefined;
  status: SpanStatus;
  attributes: Attributes;
  events: readonly SpanEvent[];
  links: readonly SpanLink[];
  traceState?: string;
  /** W3C trace flags (and OTLP's extra bits) as the input had them, when the format carries them. */
  flags?: number;
  /**
   * The sampled decision, where the input tells it: decided by the decoder, which
   * knows whether its producer fills the flags (see formats/trace-flags). Undefined: unknown.
   */
  sampled?: boolean;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  resource: Resource;
  scope: InstrumentationScope;
  source: SourceLocation;
  /** How the parent was referenced when the format says (Jaeger/OpenTracing). */
  parentRefType?: 'CHILD_OF' | 'FOLLOWS_FROM';
  /** Zipkin: the server half of an RPC that reuses its client's span id. */
  shared?: boolean;
  /** Ids that were not well formed, as the decoder found them. */
  idProblems?: IdProblem[];
}

/** `service.name` of the span's resource, or `unknown` as OpenTelemetry and Jaeger show it. */
export function serviceOf(span: Span): string {
  return span.resource.serviceName ?? 'unknown';
}

/** The sampled decision, when the input tells it (the decoder decides what its flags mean). */
export function isSampled(span: Span): boolean | undefined {
  return span.sampled;
}

/**
 * Whether two spans were made by one process, so on one clock: the same
 * resource, or resources naming the same service instance (service.instance.id),
 * the same process on the same host (process.pid with host.id or host.name), or
 * (Zipkin, whose local endpoint is the process) the same service at the same address.
 */
export function sameProcess(a: Span, b: Span): boolean {
  if (a.resource === b.resource) return true;
  const x = a.resource.attributes;
  const y = b.resource.attributes;
  if (a.resource.serviceName !== b.resource.serviceName) return false;
  if (x['service.instance.id'] !== undefined) return x['service.instance.id'] === y['service.instance.id'];
  const pid = x['process.pid'];
  if (pid !== undefined && pid === y['process.pid']) {
    const host = x['host.id'] ?? x['host.name'];
    return host !== undefined && host === (y['host.id'] ?? y['host.name']);
  }
  const ip = x['host.ip'];
  return ip !== undefined && y['host.ip'] !== undefined && String(ip) === String(y['host.ip']);
}

/** A span whose start and end are both known. */
export type TimedSpan = Span & { startTimeUnixNano: bigint; endTimeUnixNano: bigint };

export function isTimed(span: Span): span is TimedSpan {
  return span.startTimeUnixNano !== undefined && span.endTimeUnixNano !== undefined;
}

/** End minus start; undefined when either is unknown. */
export function durationNano(span: Span): bigint | undefined {
  return span.startTimeUnixNano === undefined || span.endTimeUnixNano === undefined ? undefined : span.endTimeUnixNano - span.startTimeUnixNano;
}

/** Which of a span's times the producer left out. */
export function missingTimes(span: Span): Array<'start' | 'end'> {
  const missing: Array<'start' | 'end'> = [];
  if (span.startTimeUnixNano === undefined) missing.push('start');
  if (span.endTimeUnixNano === undefined) missing.push('end');
  return missing;
}

/** By start time; spans with an unknown start sort after every known one. */
export function byStartTime(a: { startTimeUnixNano: bigint | undefined }, b: { startTimeUnixNano: bigint | undefined }): number {
  const x = a.startTimeUnixNano;
  const y = b.startTimeUnixNano;
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Below this many spans, sorting with bigint comparisons costs less than building number keys. */
const NUMBER_KEY_SORT_MIN = 64;

/**
 * Sorts spans by start time in place, stably (ties keep their order): the
 * same order as `sort(byStartTime)`. Large lists are sorted on number keys
 * (see startOrder); comparing bigints is several times slower.
 */
export function sortByStartTime<T extends { startTimeUnixNano: bigint | undefined }>(items: T[]): T[] {
  if (items.length < NUMBER_KEY_SORT_MIN) return items.sort(byStartTime);
  const order = startOrder(items.length, (i) => items[i]!.startTimeUnixNano);
  if (order === undefined) return items.sort(byStartTime);
  const copy = items.slice();
  for (let i = 0; i < order.length; i++) items[i] = copy[order[i]!]!;
  return items;
}

/**
 * The indexes 0 to count - 1 in the order of `startOf`'s times, stably,
 * unknown times last, sorted on number keys (startKeys); undefined when the
 * times are too far apart for them (compare the bigints then). Below
 * NUMBER_KEY_SORT_MIN items, comparing bigints costs less than making keys.
 */
export function startOrder(count: number, startOf: (i: number) => bigint | undefined): Int32Array | undefined {
  const keys = startKeys(count, startOf);
  if (keys === undefined) return undefined;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order.sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/**
 * Each time as a number, its offset from the earliest (unknown times
 * +Infinity): exact, and ordered as the times are, while they lie within 2^53
 * ns (104 days) of each other; undefined when they do not, or none is known.
 */
export function startKeys(count: number, startOf: (i: number) => bigint | undefined): Float64Array | undefined {
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (let i = 0; i < count; i++) {
    const start = startOf(i);
    if (start === undefined) continue;
    if (min === undefined || start < min) min = start;
    if (max === undefined || start > max) max = start;
  }
  if (min === undefined || max! - min > MAX_EXACT_NANOS) return undefined;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = startOf(i);
    keys[i] = start === undefined ? Number.POSITIVE_INFINITY : Number(start - min);
  }
  return keys;
}

const MAX_EXACT_NANOS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Attribute maps are instances of a class whose prototype is an empty object
 * with no prototype of its own: no inherited keys (`__proto__`, `toString` are
 * plain keys), yet V8 keeps them as fast objects whose layout is shared by every
 * span with the same keys. `Object.create(null)` maps are dictionaries, about
 * twice the memory per span.
 */
const AttributeMap = function AttributeMap() {} as unknown as new () => Attributes;
AttributeMap.prototype = Object.create(null) as object;

export function emptyAttributes(): Attributes {
  return new AttributeMap();
}

// Shared values for what most spans have: one object instead of one per span
// keeps the model small at millions of spans. Frozen, so nobody edits them for all.
const STATUS: Readonly<Record<StatusCode, SpanStatus>> = Object.freeze({
  UNSET: Object.freeze({ code: 'UNSET' }),
  OK: Object.freeze({ code: 'OK' }),
  ERROR: Object.freeze({ code: 'ERROR' }),
});

/** A span status; without a message, the shared one for its code. */
export function spanStatus(code: StatusCode, message?: string): SpanStatus {
  return message ? { code, message } : STATUS[code];
}

const NONE: readonly never[] = Object.freeze([]);

/** The list, or the shared empty list when there is nothing in it. */
export function listOrNone<T>(list: readonly T[]): readonly T[] {
  return list.length === 0 ? NONE : list;
}

/** A span's source with every field present from the start, so all spans share one object layout. */
export function spanSource(file: string, format: FormatName): SourceLocation {
  return { file, format, line: undefined, column: undefined };
}

// What a cross-trace view of a span carries where the whole span is not kept (the summary's
// views, a shard file's spans): the same pieces for all three that make one.

/** The attributes of `keys` a map has, in the order of `keys`. */
export function pickAttributes(attributes: Attributes, keys: readonly string[]): Attributes {
  const out = emptyAttributes();
  for (const key of keys) if (attributes[key] !== undefined) out[key] = attributes[key]!;
  return out;
}

/** `count` empty links: what a view keeps of a span's links (the cross-trace rules ask only whether it has any). */
export function countedLinks(count: number): readonly SpanLink[] {
  return listOrNone(Array.from({ length: count }, () => ({ traceId: '', spanId: '', attributes: emptyAttributes(), droppedAttributesCount: 0 })));
}

/** The scope of a view, which keeps none. */
export const NO_SCOPE: InstrumentationScope = Object.freeze({ name: '' });
