import type { Attributes, AttributeValue, IdProblem, InstrumentationScope, Resource, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/span.js';
import { emptyAttributes, listOrNone, spanSource, spanStatus } from '../model/span.js';
import { base64ToHex, isNormalHexId, normaliseHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../model/ids.js';
import type { Decoder, SpanSource } from './decoder.js';
import { InputError } from './errors.js';
import { FieldReader, pick } from './fields.js';
import { sampledFromOtlpFlags, sdkFillsTraceFlags } from './trace-flags.js';

/**
 * OTLP/JSON (ExportTraceServiceRequest) as the OTLP spec encodes it, and the
 * variants exporters really write: snake_case field names, enum names instead
 * of numbers, 64-bit integers as strings or numbers, ids as hex or (proto3 JSON,
 * Tempo) base64, the pre-1.0 `instrumentationLibrarySpans`, Tempo's `batches`.
 */

/** The list of ResourceSpans in a request, or undefined when this is not OTLP. */
export function resourceSpansOf(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const request = value as Record<string, unknown>;
  const list = pick(request, 'resourceSpans', 'resource_spans', 'batches');
  if (Array.isArray(list)) return list;
  // Wrappers: Jaeger's API v3 {"result": …}, Tempo's v2 API {"trace": …}.
  const inner = pick(request, 'result', 'trace');
  return inner === undefined ? undefined : resourceSpansOf(inner);
}

const KINDS: readonly SpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];

/** Where a span sits in a request: resourceSpans[r].scopeSpans[s].spans[k]. */
export type SpanIndex = readonly [r: number, s: number, k: number];

/**
 * Spans of a list of ResourceSpans. A field of the wrong type throws an
 * InputError; with `onBadSpan`, a span that fails is handed to it and left
 * out instead, and the others are still decoded (the receiver's partial success).
 */
export function decodeOtlp(resourceSpans: unknown[], source: SpanSource, onBadSpan?: (error: InputError, at: SpanIndex) => void): Span[] {
  const read = new FieldReader(source.file, undefined);
  const spans: Span[] = [];
  let seen = 0;
  resourceSpans.forEach((entry, r) => {
    const path = `resourceSpans[${r}]`;
    const rs = read.object(entry, path);
    const resource = decodeResource(read, read.optionalObject(rs.resource, path, '.resource'), `${path}.resource`);
    const fillsTraceFlags = sdkFillsTraceFlags(resource);
    const scopeSpansList = read.array(pick(rs, 'scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans'), path, '.scopeSpans');
    scopeSpansList.forEach((scopeEntry, s) => {
      const scopePath = `${path}.scopeSpans[${s}]`;
      const ss = read.object(scopeEntry, scopePath);
      const scope = decodeScope(read, read.optionalObject(pick(ss, 'scope', 'instrumentationLibrary', 'instrumentation_library'), `${scopePath}.scope`), `${scopePath}.scope`);
      read.array(ss.spans, `${scopePath}.spans`).forEach((spanEntry, k) => {
        // Positions are of span objects only (see scanJson).
        const isObject = typeof spanEntry === 'object' && spanEntry !== null && !Array.isArray(spanEntry);
        read.at(isObject ? source.positions[seen++] : undefined);
        const decode = (): void => void spans.push(decodeSpan(read, read.object(spanEntry, `${scopePath}.spans[${k}]`), `${scopePath}.spans[${k}]`, resource, scope, source, fillsTraceFlags));
        if (!onBadSpan) return decode();
        try {
          decode();
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          onBadSpan(error, [r, s, k]);
        }
      });
      read.at(undefined);
    });
  });
  return spans;
}

function decodeResource(read: FieldReader, raw: Record<string, unknown> | undefined, path: string): Resource {
  if (!raw) return resourceOf(emptyAttributes(), 0);
  return resourceOf(decodeAttributes(read, raw.attributes, path, '.attributes'), read.count(pick(raw, 'droppedAttributesCount', 'dropped_attributes_count'), path, '.droppedAttributesCount'));
}

/** A resource of decoded attributes (its service name read from them), as both OTLP readers make it (formats/otlp-plain too). */
export function resourceOf(attributes: Attributes, droppedAttributesCount: number): Resource {
  const name = attributes['service.name'];
  return { attributes, serviceName: typeof name === 'string' ? name : undefined, droppedAttributesCount };
}

function decodeScope(read: FieldReader, raw: Record<string, unknown> | undefined, path: string): InstrumentationScope {
  if (!raw) return scopeOf('', undefined, undefined);
  const attributes = raw.attributes === undefined ? undefined : decodeAttributes(read, raw.attributes, path, '.attributes');
  return scopeOf(read.string(raw.name, path, '.name'), read.optionalString(raw.version, path, '.version'), attributes);
}

/** A scope, its version and attributes only where given, as both OTLP readers make it. */
export function scopeOf(name: string, version: string | undefined, attributes: Attributes | undefined): InstrumentationScope {
  const scope: InstrumentationScope = { name };
  if (version !== undefined) scope.version = version;
  if (attributes !== undefined) scope.attributes = attributes;
  return scope;
}

function decodeSpan(read: FieldReader, raw: Record<string, unknown>, path: string, resource: Resource, scope: InstrumentationScope, source: SpanSource, fillsTraceFlags: boolean): Span {
  const idProblems: IdProblem[] = [];
  const traceId = decodeId(read, pick(raw, 'traceId', 'trace_id'), path, '.traceId', TRACE_ID_HEX_LENGTH, 'traceId', idProblems);
  const spanId = decodeId(read, pick(raw, 'spanId', 'span_id'), path, '.spanId', SPAN_ID_HEX_LENGTH, 'spanId', idProblems);
  const rawParent = read.string(pick(raw, 'parentSpanId', 'parent_span_id'), path, '.parentSpanId');
  // proto3 leaves an empty parent out or writes "": both mean "root".
  const parentSpanId = rawParent === '' ? undefined : decodeId(read, rawParent, path, '.parentSpanId', SPAN_ID_HEX_LENGTH, 'parentSpanId', idProblems);
  const status = read.optionalObject(raw.status, path, '.status');
  const statusMessage = status ? read.optionalString(status.message, path, '.status.message') : undefined;
  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    name: read.string(raw.name, path, '.name'),
    kind: decodeEnum(read, raw.kind, path, '.kind', KINDS, 'SPAN_KIND_'),
    startTimeUnixNano: read.optionalTime(pick(raw, 'startTimeUnixNano', 'start_time_unix_nano'), path, '.startTimeUnixNano'),
    endTimeUnixNano: read.optionalTime(pick(raw, 'endTimeUnixNano', 'end_time_unix_nano'), path, '.endTimeUnixNano'),
    status: spanStatus(status ? decodeEnum(read, status.code, path, '.status.code', STATUS_CODES, 'STATUS_CODE_') : 'UNSET', statusMessage),
    attributes: decodeAttributes(read, raw.attributes, path, '.attributes'),
    events: listOrNone(read.array(raw.events, path, '.events').map((event, i) => decodeEvent(read, read.object(event, `${path}.events[${i}]`), `${path}.events[${i}]`))),
    links: listOrNone(read.array(raw.links, path, '.links').map((link, i) => decodeLink(read, read.object(link, `${path}.links[${i}]`), `${path}.links[${i}]`, idProblems))),
    droppedAttributesCount: read.count(pick(raw, 'droppedAttributesCount', 'dropped_attributes_count'), path, '.droppedAttributesCount'),
    droppedEventsCount: read.count(pick(raw, 'droppedEventsCount', 'dropped_events_count'), path, '.droppedEventsCount'),
    droppedLinksCount: read.count(pick(raw, 'droppedLinksCount', 'dropped_links_count'), path, '.droppedLinksCount'),
    resource,
    scope,
    source: spanSource(source.file, source.format),
    // The optional fields are in the literal, so no span grows a property store of its own
    // when they are set; absent, they are undefined, as an unset optional field reads.
    traceState: undefined,
    flags: undefined,
    sampled: undefined,
    idProblems: undefined,
  };
  const traceState = read.string(pick(raw, 'traceState', 'trace_state'), path, '.traceState');
  if (traceState !== '') span.traceState = traceState;
  const flags = pick(raw, 'flags');
  if (flags !== undefined && flags !== null) {
    span.flags = read.count(flags, path, '.flags');
    span.sampled = sampledFromOtlpFlags(span.flags, fillsTraceFlags);
  }
  if (idProblems.length > 0) span.idProblems = idProblems;
  return span;
}

function decodeEvent(read: FieldReader, raw: Record<string, unknown>, path: string): SpanEvent {
  return {
    timeUnixNano: read.optionalTime(pick(raw, 'timeUnixNano', 'time_unix_nano'), path, '.timeUnixNano'),
    name: read.string(raw.name, path, '.name'),
    attributes: decodeAttributes(read, raw.attributes, path, '.attributes'),
    droppedAttributesCount: read.count(pick(raw, 'droppedAttributesCount', 'dropped_attributes_count'), path, '.droppedAttributesCount'),
  };
}

function decodeLink(read: FieldReader, raw: Record<string, unknown>, path: string, idProblems: IdProblem[]): SpanLink {
  const link: SpanLink = {
    traceId: decodeId(read, pick(raw, 'traceId', 'trace_id'), path, '.traceId', TRACE_ID_HEX_LENGTH, 'link.traceId', idProblems),
    spanId: decodeId(read, pick(raw, 'spanId', 'span_id'), path, '.spanId', SPAN_ID_HEX_LENGTH, 'link.spanId', idProblems),
    attributes: decodeAttributes(read, raw.attributes, path, '.attributes'),
    droppedAttributesCount: read.count(pick(raw, 'droppedAttributesCount', 'dropped_attributes_count'), path, '.droppedAttributesCount'),
  };
  const traceState = read.string(pick(raw, 'traceState', 'trace_state'), path, '.traceState');
  if (traceState !== '') link.traceState = traceState;
  return link;
}

/**
 * Ids are hex in OTLP/JSON, base64 in proto3's generic JSON mapping (Tempo's API).
 * Hex of the right length is tried first: the two never have the same length.
 */
function decodeId(read: FieldReader, value: unknown, path: string, suffix: string, length: number, field: IdProblem['field'], problems: IdProblem[]): string {
  const raw = read.string(value, path, suffix);
  if (isNormalHexId(raw, length)) return raw;
  let result = normaliseHexId(raw, length);
  if (result.problem === 'not-hex' || result.problem === 'wrong-length') {
    const hex = raw.length > 0 ? base64ToHex(raw) : undefined;
    if (hex !== undefined && hex.length === length) result = normaliseHexId(hex, length);
  }
  if (result.problem) problems.push({ field, seen: raw, problem: result.problem });
  return result.id;
}

/** Enums arrive as numbers, as full names (SPAN_KIND_SERVER) or as short names (SERVER). */
function decodeEnum<T extends string>(read: FieldReader, value: unknown, path: string, suffix: string, names: readonly T[], prefix: string): T {
  if (value === undefined || value === null) return names[0]!;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) return names[value]!;
  if (typeof value === 'string') {
    const short = (value.startsWith(prefix) ? value.slice(prefix.length) : value) as T;
    if (names.includes(short)) return short;
  }
  return read.fail(path, `one of ${names.map((name, i) => `${i}/${prefix}${name}`).join(', ')}`, value, suffix);
}

/** Arrays and kvlists nest; deeper than this is refused rather than recursed into. */
export const MAX_VALUE_DEPTH = 32;

export function decodeAttributes(read: FieldReader, value: unknown, path: string, suffix = '', depth = 0): Attributes {
  const attributes = emptyAttributes();
  const list = read.array(value, path, suffix);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as { key?: unknown; value?: unknown } | null;
    // The common shape first ({"key": "k", "value": {"stringValue": "v"}}), with no path built.
    if (depth < MAX_VALUE_DEPTH && typeof kv === 'object' && kv !== null && typeof kv.key === 'string') {
      const simple = simpleValue(kv.value);
      if (simple !== undefined) {
        attributes[kv.key] = simple;
        continue;
      }
    }
    const entryPath = `${path}${suffix}[${i}]`;
    const entry = read.object(kv, entryPath);
    const key = read.string(entry.key, entryPath, '.key');
    attributes[key] = decodeAnyValue(read, entry.value, `${entryPath}.value`, depth);
  }
  return attributes;
}

/**
 * An attribute's `value` (an AnyValue, parsed) as decodeAttributes reads it;
 * undefined where it would fail: what formats/otlp-plain asks of values it
 * does not read itself, so they decode the same on both paths.
 */
export function attributeValueOf(value: unknown, file: string): AttributeValue | undefined {
  const simple = simpleValue(value);
  if (simple !== undefined) return simple;
  try {
    return decodeAnyValue(new FieldReader(file, undefined), value, '', 0);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/**
 * A span's `links` (parsed) as decodeSpan reads them; undefined where it
 * would fail or find an id it has to report (formats/otlp-plain then leaves
 * the line to the general path).
 */
export function linksOf(value: unknown, file: string): SpanLink[] | undefined {
  const read = new FieldReader(file, undefined);
  const idProblems: IdProblem[] = [];
  try {
    const links = read.array(value, '', '.links').map((link, i) => decodeLink(read, read.object(link, `.links[${i}]`), `.links[${i}]`, idProblems));
    return idProblems.length === 0 ? links : undefined;
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

const CANONICAL_SAFE_INTEGER = /^(?:0|-?[1-9]\d{0,14})$/;

/**
 * A string, bool, safely sized int or double value whose first key says what
 * it is, decoded exactly as decodeAnyValue would; undefined for anything else,
 * which then takes the general path (with its checks and error paths).
 */
function simpleValue(value: unknown): string | boolean | number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const any = value as Record<string, unknown>;
  for (const key in any) {
    const inner = any[key];
    switch (key) {
      case 'stringValue':
        return typeof inner === 'string' ? inner : undefined;
      case 'boolValue':
        return typeof inner === 'boolean' ? inner : undefined;
      case 'intValue':
        if (typeof inner === 'number') return Number.isSafeInteger(inner) ? inner : undefined;
        return typeof inner === 'string' && CANONICAL_SAFE_INTEGER.test(inner) ? Number(inner) : undefined;
      case 'doubleValue':
        return typeof inner === 'number' ? inner : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

function decodeAnyValue(read: FieldReader, value: unknown, path: string, depth: number): AttributeValue {
  if (value === undefined || value === null) return null;
  if (depth >= MAX_VALUE_DEPTH) return read.fail(path, `an attribute value nested at most ${MAX_VALUE_DEPTH} levels deep`, value);
  const any = read.object(value, path);
  for (const key in any) {
    const inner = any[key];
    // proto3 JSON: null sets nothing. The JS SDK writes NaN and ±Infinity doubles so (JSON.stringify).
    if (inner === null) continue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        return read.string(inner, path, `.${key}`);
      case 'boolValue':
      case 'bool_value':
        return typeof inner === 'boolean' ? inner : read.fail(path, 'true or false', inner, `.${key}`);
      case 'intValue':
      case 'int_value':
        return read.int64(inner, path, `.${key}`);
      case 'doubleValue':
      case 'double_value':
        return decodeDouble(read, inner, `${path}.${key}`);
      case 'bytesValue':
      case 'bytes_value': {
        const text = read.string(inner, path, `.${key}`);
        if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) read.fail(path, 'base64', inner, `.${key}`);
        return new Uint8Array(Buffer.from(text, 'base64'));
      }
      case 'arrayValue':
      case 'array_value': {
        const list = read.optionalObject(inner, path, `.${key}`);
        return read.array(list?.values, path, `.${key}.values`).map((item, i) => decodeAnyValue(read, item, `${path}.${key}.values[${i}]`, depth + 1));
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        const list = read.optionalObject(inner, path, `.${key}`);
        return decodeAttributes(read, list?.values, `${path}.${key}.values`, '', depth + 1);
      }
    }
  }
  return null;
}

/** proto3 JSON writes doubles as numbers, or as strings for NaN and ±Infinity. */
function decodeDouble(read: FieldReader, value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (value === 'NaN') return Number.NaN;
  return read.fail(path, 'a number', value);
}

function isTempoShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.hasOwn(value, 'batches') || Object.hasOwn(value, 'trace');
}

export const otlpJsonDecoder: Decoder = {
  format: 'otlp-json',
  shape: '{"resourceSpans": [...]} (also resource_spans, or wrapped in {"result": ...})',
  matches: (value) => resourceSpansOf(value) !== undefined && !isTempoShape(value),
  decode: (value, source) => decodeOtlp(resourceSpansOf(value) ?? [], source),
};

/** Grafana Tempo's trace-by-id responses: OTLP under `batches` (v1) or `trace` (v2), base64 ids. */
export const tempoDecoder: Decoder = {
  format: 'tempo',
  shape: '{"batches": [...]} or {"trace": {"resourceSpans": [...]}}',
  matches: (value) => resourceSpansOf(value) !== undefined && isTempoShape(value),
  decode: (value, source) => decodeOtlp(resourceSpansOf(value) ?? [], source),
};
