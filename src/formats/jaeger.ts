import type { Attributes, AttributeValue, IdProblem, Resource, Span, SpanKind, SpanLink } from '../model/span.js';
import { emptyAttributes, listOrNone, spanSource, spanStatus } from '../model/span.js';
import { NANOS_PER_MICRO } from '../model/time.js';
import type { Decoder, SpanSource } from './decoder.js';
import { FieldReader } from './fields.js';
import { readNumericHexId } from './ids-hex.js';
import { takeOtelStatus, takeScope } from './otel-tags.js';

/**
 * Jaeger JSON: the query API's {"data": [trace…]}, the UI's download (the same,
 * or a bare trace object), and the anonymizer's array of spans with inline
 * `process`. Times are microseconds. Tags that carry OpenTelemetry fields
 * (span.kind, otel.status_code, error, otel.scope.name) become those fields,
 * as Jaeger's own OTLP translator does.
 */

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJaegerTrace(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.spans) && (Object.hasOwn(value, 'traceID') || Object.hasOwn(value, 'processes'));
}

function isJaegerSpan(value: unknown): boolean {
  return isObject(value) && Object.hasOwn(value, 'spanID') && Object.hasOwn(value, 'traceID');
}

/** The traces in a document: {"data": [...]}, a bare trace, or an array of spans. */
function tracesOf(value: unknown): Raw[] | undefined {
  if (isObject(value) && Array.isArray(value.data) && value.data.every(isJaegerTrace)) return value.data as Raw[];
  if (isJaegerTrace(value)) return [value as Raw];
  if (Array.isArray(value) && value.length > 0 && value.every(isJaegerSpan)) return [{ spans: value, processes: {} }];
  return undefined;
}

export const jaegerDecoder: Decoder = {
  format: 'jaeger',
  shape: '{"data": [{"traceID", "spans", "processes"}]}, a bare trace object, or an array of spans with "spanID"',
  matches: (value) => tracesOf(value) !== undefined,
  decode: (value, source) => decodeJaeger(tracesOf(value) ?? [], source),
};

const KIND_TAGS: Record<string, SpanKind> = { server: 'SERVER', client: 'CLIENT', producer: 'PRODUCER', consumer: 'CONSUMER', internal: 'INTERNAL' };

function decodeJaeger(traces: Raw[], source: SpanSource): Span[] {
  const read = new FieldReader(source.file, undefined);
  const spans: Span[] = [];
  traces.forEach((trace, t) => {
    const path = `data[${t}]`;
    const processes = new Map<string, Resource>();
    const rawProcesses = read.optionalObject(trace.processes, `${path}.processes`) ?? {};
    for (const key of Object.keys(rawProcesses)) {
      processes.set(key, decodeProcess(read, read.object(rawProcesses[key], `${path}.processes.${key}`), `${path}.processes.${key}`));
    }
    read.array(trace.spans, `${path}.spans`).forEach((entry, k) => {
      read.at(source.positions[spans.length]);
      const spanPath = `${path}.spans[${k}]`;
      spans.push(decodeSpan(read, read.object(entry, spanPath), spanPath, processes, source));
    });
  });
  return spans;
}

function decodeProcess(read: FieldReader, raw: Raw, path: string): Resource {
  const attributes = decodeTags(read, raw.tags, `${path}.tags`);
  const serviceName = read.optionalString(raw.serviceName, `${path}.serviceName`);
  if (serviceName !== undefined) attributes['service.name'] = serviceName;
  return { attributes, serviceName, droppedAttributesCount: 0 };
}

const UNKNOWN_PROCESS: Resource = { attributes: emptyAttributes(), serviceName: undefined, droppedAttributesCount: 0 };

function decodeSpan(read: FieldReader, raw: Raw, path: string, processes: Map<string, Resource>, source: SpanSource): Span {
  const problems: IdProblem[] = [];
  const traceId = readNumericHexId(read.string(raw.traceID, `${path}.traceID`), 32, 'traceId', problems);
  const spanId = readNumericHexId(read.string(raw.spanID, `${path}.spanID`), 16, 'spanId', problems);
  const attributes = decodeTags(read, raw.tags, `${path}.tags`);
  // An absent or zero start is unknown; a zero duration is a span shorter than a microsecond.
  const startMicros = read.optionalTime(raw.startTime, `${path}.startTime`);
  const start = startMicros === undefined ? undefined : startMicros * NANOS_PER_MICRO;
  const duration = raw.duration === undefined || raw.duration === null ? undefined : read.uint64(raw.duration, `${path}.duration`) * NANOS_PER_MICRO;

  // The parent is the first CHILD_OF reference in this trace, else the first FOLLOWS_FROM;
  // every other reference is a link. Old clients wrote `parentSpanID` instead.
  const references = read.array(raw.references, `${path}.references`).map((ref, i) => decodeReference(read, read.object(ref, `${path}.references[${i}]`), `${path}.references[${i}]`, problems));
  const inTrace = references.filter((ref) => ref.traceId === traceId);
  const parentRef = inTrace.find((ref) => ref.refType === 'CHILD_OF') ?? inTrace.find((ref) => ref.refType === 'FOLLOWS_FROM');
  const links = references.filter((ref) => ref !== parentRef);
  let parentSpanId = parentRef?.spanId;
  const legacyParent = read.optionalString(raw.parentSpanID, `${path}.parentSpanID`);
  if (parentSpanId === undefined && legacyParent !== undefined && !/^0*$/.test(legacyParent)) {
    parentSpanId = readNumericHexId(legacyParent, 16, 'parentSpanId', problems);
  }

  const processId = read.optionalString(raw.processID, `${path}.processID`);
  const inline = read.optionalObject(raw.process, `${path}.process`);
  const resource = inline ? decodeProcess(read, inline, `${path}.process`) : (processId !== undefined ? processes.get(processId) : undefined) ?? UNKNOWN_PROCESS;

  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    name: read.string(raw.operationName, `${path}.operationName`),
    kind: takeKind(attributes),
    startTimeUnixNano: start,
    endTimeUnixNano: start === undefined || duration === undefined ? undefined : start + duration,
    status: takeStatus(attributes),
    attributes,
    events: read.array(raw.logs, `${path}.logs`).map((log, i) => {
      const logPath = `${path}.logs[${i}]`;
      const entry = read.object(log, logPath);
      const fields = decodeTags(read, entry.fields, `${logPath}.fields`);
      const name = typeof fields.event === 'string' ? fields.event : '';
      if (name !== '') delete fields.event;
      const micros = read.optionalTime(entry.timestamp, `${logPath}.timestamp`);
      return { timeUnixNano: micros === undefined ? undefined : micros * NANOS_PER_MICRO, name, attributes: fields, droppedAttributesCount: 0 };
    }),
    links,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource,
    scope: takeScope(attributes),
    source: spanSource(source.file, source.format),
  };
  if (parentRef) span.parentRefType = parentRef.refType;
  if (raw.flags !== undefined && raw.flags !== null) {
    // Jaeger clients always write the flags byte: bit 0 is sampled, bit 1 debug.
    span.flags = read.count(raw.flags, `${path}.flags`);
    span.sampled = (span.flags & 1) === 1;
  }
  if (problems.length > 0) span.idProblems = problems;
  return span;
}

function decodeReference(read: FieldReader, raw: Raw, path: string, problems: IdProblem[]): SpanLink & { refType: 'CHILD_OF' | 'FOLLOWS_FROM' } {
  const refType = (read.optionalString(raw.refType, path, '.refType') ?? 'CHILD_OF').toUpperCase();
  if (refType !== 'CHILD_OF' && refType !== 'FOLLOWS_FROM') read.fail(`${path}.refType`, 'CHILD_OF or FOLLOWS_FROM', raw.refType);
  return {
    traceId: readNumericHexId(read.string(raw.traceID, `${path}.traceID`), 32, 'link.traceId', problems),
    spanId: readNumericHexId(read.string(raw.spanID, `${path}.spanID`), 16, 'link.spanId', problems),
    attributes: emptyAttributes(),
    droppedAttributesCount: 0,
    refType: refType as 'CHILD_OF' | 'FOLLOWS_FROM',
  };
}

/** Jaeger tags: [{key, type, value}], with the value sometimes a string whatever the type. */
function decodeTags(read: FieldReader, value: unknown, path: string): Attributes {
  const attributes = emptyAttributes();
  read.array(value, path).forEach((entry, i) => {
    const tag = read.object(entry, `${path}[${i}]`);
    const key = read.string(tag.key, `${path}[${i}].key`);
    attributes[key] = decodeTagValue(read, tag, `${path}[${i}]`);
  });
  return attributes;
}

function decodeTagValue(read: FieldReader, tag: Raw, path: string): AttributeValue {
  const type = typeof tag.type === 'string' ? tag.type.toLowerCase() : undefined;
  const value = tag.value;
  switch (type) {
    case 'bool':
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return read.fail(`${path}.value`, 'true or false', value);
    case 'int64':
    case 'long':
      return read.int64(value, `${path}.value`);
    case 'float64':
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      return read.fail(`${path}.value`, 'a number', value);
    case 'binary':
      return new Uint8Array(Buffer.from(read.string(value, `${path}.value`), 'base64'));
    default:
      if (value === null || value === undefined) return null;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      return read.fail(`${path}.value`, 'a string, number or boolean', value);
  }
}

function takeKind(attributes: Attributes): SpanKind {
  const tag = attributes['span.kind'];
  const kind = typeof tag === 'string' ? KIND_TAGS[tag.toLowerCase()] : undefined;
  if (kind === undefined) return 'UNSPECIFIED';
  delete attributes['span.kind'];
  return kind;
}

/** otel.status_code / otel.status_description, or OpenTracing's `error` tag. */
function takeStatus(attributes: Attributes): Span['status'] {
  const otel = takeOtelStatus(attributes);
  if (otel) return otel;
  const error = attributes.error;
  if (error !== true && error !== 'true') return spanStatus('UNSET');
  delete attributes.error;
  return spanStatus('ERROR');
}
