import type { Attributes, IdProblem, Resource, Span, SpanKind } from '../model/span.js';
import { emptyAttributes, listOrNone, spanSource, spanStatus } from '../model/span.js';
import { NANOS_PER_MICRO } from '../model/time.js';
import type { Decoder, SpanSource } from './decoder.js';
import { FieldReader } from './fields.js';
import { readNumericHexId } from './ids-hex.js';
import { takeOtelStatus, takeScope } from './otel-tags.js';

/**
 * Zipkin v2 JSON: an array of spans (or one span object). Microsecond times,
 * 64- or 128-bit trace ids, `shared` server halves that reuse the client's id,
 * endpoints, annotations (events) and string tags. The OpenTelemetry Zipkin
 * exporter's `otel.status_code`/`otel.status_description` and Zipkin's `error`
 * tag become the span status, as the Collector's Zipkin receiver does.
 */

type Raw = Record<string, unknown>;

function isZipkinSpan(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'traceId') && Object.hasOwn(value, 'id');
}

function spansOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value.every(isZipkinSpan) ? value : undefined;
  return isZipkinSpan(value) ? [value] : undefined;
}

export const zipkinDecoder: Decoder = {
  format: 'zipkin',
  shape: '[{"traceId", "id", "timestamp", ...}] (Zipkin v2 spans)',
  matches: (value) => spansOf(value) !== undefined,
  decode: (value, source) => {
    const read = new FieldReader(source.file, undefined);
    const services = new Map<string, Resource>();
    return (spansOf(value) ?? []).map((entry, i) => {
      const position = Array.isArray(value) ? source.positions[i] : source.rootPosition;
      read.at(position);
      const span = decodeSpan(read, read.object(entry, `[${i}]`), `[${i}]`, services, source);
      if (position && !Array.isArray(value)) Object.assign(span.source, position);
      return span;
    });
  },
};

const KINDS: Record<string, SpanKind> = { CLIENT: 'CLIENT', SERVER: 'SERVER', PRODUCER: 'PRODUCER', CONSUMER: 'CONSUMER' };

function decodeSpan(read: FieldReader, raw: Raw, path: string, services: Map<string, Resource>, source: SpanSource): Span {
  const problems: IdProblem[] = [];
  const rawParent = read.optionalString(raw.parentId, `${path}.parentId`);
  // Both are "possibly absent if incomplete" (a span sent in parts); Zipkin reads 0 as absent too.
  const start = micros(read.optionalTime(raw.timestamp, `${path}.timestamp`));
  const duration = micros(read.optionalTime(raw.duration, `${path}.duration`));
  const tags = read.optionalObject(raw.tags, `${path}.tags`) ?? {};
  const attributes = emptyAttributes();
  for (const key of Object.keys(tags)) attributes[key] = read.string(tags[key], `${path}.tags.${key}`);
  addRemoteEndpoint(read, read.optionalObject(raw.remoteEndpoint, `${path}.remoteEndpoint`), `${path}.remoteEndpoint`, attributes);
  const kindName = read.optionalString(raw.kind, `${path}.kind`);
  if (kindName !== undefined && KINDS[kindName] === undefined) read.fail(`${path}.kind`, 'CLIENT, SERVER, PRODUCER or CONSUMER', kindName);

  const span: Span = {
    traceId: readNumericHexId(read.string(raw.traceId, `${path}.traceId`), 32, 'traceId', problems),
    spanId: readNumericHexId(read.string(raw.id, `${path}.id`), 16, 'spanId', problems),
    parentSpanId: rawParent === undefined || rawParent === '' ? undefined : readNumericHexId(rawParent, 16, 'parentSpanId', problems),
    name: read.string(raw.name, `${path}.name`),
    kind: kindName === undefined ? 'UNSPECIFIED' : KINDS[kindName]!,
    startTimeUnixNano: start,
    endTimeUnixNano: start === undefined || duration === undefined ? undefined : start + duration,
    status: takeStatus(attributes),
    attributes,
    events: read.array(raw.annotations, `${path}.annotations`).map((entry, i) => {
      const annotation = read.object(entry, `${path}.annotations[${i}]`);
      return {
        timeUnixNano: micros(read.optionalTime(annotation.timestamp, `${path}.annotations[${i}].timestamp`)),
        name: read.string(annotation.value, `${path}.annotations[${i}].value`),
        attributes: emptyAttributes(),
        droppedAttributesCount: 0,
      };
    }),
    links: listOrNone([]),
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: localService(read, read.optionalObject(raw.localEndpoint, `${path}.localEndpoint`), `${path}.localEndpoint`, services),
    scope: takeScope(attributes),
    source: spanSource(source.file, source.format),
  };
  if (raw.shared === true) span.shared = true;
  // A part with a duration but no start: the model has no place for it, the merge needs it.
  if (start === undefined && duration !== undefined) DURATION_WITHOUT_START.set(span, duration);
  if (problems.length > 0) span.idProblems = problems;
  return span;
}

/**
 * Durations of Zipkin parts that have no timestamp, for mergeZipkinParts (which
 * runs on the same thread once the document is read); gone with the span.
 */
export const DURATION_WITHOUT_START = new WeakMap<Span, bigint>();

function micros(value: bigint | undefined): bigint | undefined {
  return value === undefined ? undefined : value * NANOS_PER_MICRO;
}

/** One Resource per local service and address, shared by its spans. */
function localService(read: FieldReader, endpoint: Raw | undefined, path: string, services: Map<string, Resource>): Resource {
  const serviceName = endpoint ? read.optionalString(endpoint.serviceName, `${path}.serviceName`) : undefined;
  const ips = endpoint ? [read.optionalString(endpoint.ipv4, `${path}.ipv4`), read.optionalString(endpoint.ipv6, `${path}.ipv6`)].filter((ip): ip is string => ip !== undefined) : [];
  const key = JSON.stringify([serviceName, ips]);
  let resource = services.get(key);
  if (!resource) {
    const attributes = emptyAttributes();
    if (serviceName !== undefined) attributes['service.name'] = serviceName;
    if (ips.length > 0) attributes['host.ip'] = ips;
    resource = { attributes, serviceName, droppedAttributesCount: 0 };
    services.set(key, resource);
  }
  return resource;
}

/** The remote endpoint as OpenTelemetry's peer attributes. */
function addRemoteEndpoint(read: FieldReader, endpoint: Raw | undefined, path: string, attributes: Attributes): void {
  if (!endpoint) return;
  const service = read.optionalString(endpoint.serviceName, `${path}.serviceName`);
  if (service !== undefined && attributes['peer.service'] === undefined) attributes['peer.service'] = service;
  const address = read.optionalString(endpoint.ipv4, `${path}.ipv4`) ?? read.optionalString(endpoint.ipv6, `${path}.ipv6`);
  if (address !== undefined && attributes['network.peer.address'] === undefined) attributes['network.peer.address'] = address;
  if (endpoint.port !== undefined && attributes['network.peer.port'] === undefined) attributes['network.peer.port'] = read.count(endpoint.port, `${path}.port`);
}

/**
 * The OpenTelemetry Zipkin exporter writes `otel.status_code` and puts the
 * description in the `error` tag; Zipkin's own convention is the `error` tag
 * alone, its value the message ("" when there is none).
 */
function takeStatus(attributes: Attributes): Span['status'] {
  const otel = takeOtelStatus(attributes);
  const error = attributes.error;
  if (otel && otel.code !== 'ERROR') return otel;
  if (typeof error !== 'string') return otel ?? spanStatus('UNSET');
  delete attributes.error;
  const message = otel?.message ?? (error !== '' && error !== 'true' ? error : undefined);
  return spanStatus('ERROR', message);
}
