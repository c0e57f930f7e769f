import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProto } from '../../src/formats/otlp-proto.js';
import { durationNano, type Span } from '../../src/model/span.js';
import { decodeSdk, hrToNanos, richTrace, sdkSystem, SpanKind, toOtlpJson, toOtlpJsonLines, toOtlpProto, toZipkinJson } from '../support/sdk.js';

function roundToMicros(ns: bigint): bigint {
  return ((ns + 500n) / 1000n) * 1000n;
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

function byId(spans: Span[]): Map<string, Span> {
  return new Map(spans.map((span) => [span.spanId, span]));
}

describe('SDK spans decode back field by field', () => {
  it.each([
    ['OTLP/JSON', (sdk) => decodeSdk(toOtlpJson(sdk)), 'otlp-json'],
    ['OTLP JSON lines', (sdk) => decodeSdk(toOtlpJsonLines(sdk)), 'otlp-jsonl'],
    ['OTLP protobuf', (sdk) => decodeOtlpProto(toOtlpProto(sdk), 'sdk.pb'), 'otlp-proto'],
  ] as const satisfies ReadonlyArray<readonly [string, (sdk: ReadableSpan[]) => Span[], string]>)('%s', async (_name, decode, format) => {
    const sdk = await richTrace();
    const decoded = decode(sdk);
    expect(decoded).toHaveLength(sdk.length);
    const ours = byId(decoded);
    for (const span of sdk) {
      const got = ours.get(span.spanContext().spanId)!;
      expect(got.source.format).toBe(format);
      expect(got.traceId).toBe(span.spanContext().traceId);
      expect(got.parentSpanId).toBe(span.parentSpanContext?.spanId);
      expect(got.name).toBe(span.name);
      expect(got.kind).toBe(KINDS[span.kind]);
      expect(got.startTimeUnixNano).toBe(hrToNanos(span.startTime));
      expect(got.endTimeUnixNano).toBe(hrToNanos(span.endTime));
      expect(got.status).toEqual(span.status.message ? { code: STATUS[span.status.code], message: span.status.message } : { code: STATUS[span.status.code] });
      expect({ ...got.attributes }).toEqual(span.attributes);
      expect(got.events.map((e) => ({ name: e.name, time: e.timeUnixNano, attributes: { ...e.attributes } }))).toEqual(span.events.map((e) => ({ name: e.name, time: hrToNanos(e.time), attributes: e.attributes ?? {} })));
      expect(got.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: { ...l.attributes } }))).toEqual(span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })));
      expect(got.resource.serviceName).toBe(span.resource.attributes['service.name']);
      expect({ ...got.resource.attributes }).toMatchObject({ 'service.name': span.resource.attributes['service.name'], 'service.version': '1.0.0' });
      expect(got.scope).toMatchObject({ name: span.instrumentationScope.name, version: span.instrumentationScope.version });
      expect(got.flags! & 0xff).toBe(span.spanContext().traceFlags);
      expect([got.droppedAttributesCount, got.droppedEventsCount, got.droppedLinksCount]).toEqual([span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount]);
      // Lines exist in text; protobuf has none to point at.
      if (format === 'otlp-proto') expect(got.source.line).toBeUndefined();
      else expect(got.source.line).toBeGreaterThan(0);
    }
    // Times beyond 2^53 ns survive exactly, including the sub-microsecond digits.
    const root = decoded.find((span) => span.name === 'GET /cart')!;
    expect(root.startTimeUnixNano).toBe(1_704_067_200_000_000_123n);
    expect(root.startTimeUnixNano! > 2n ** 53n).toBe(true);
  });

  it('non-finite doubles: the JSON exporter writes null (read as no value), protobuf keeps them', async () => {
    const { svc, spans } = sdkSystem(['api']);
    svc.api!.start('op', { attributes: { ratio: Number.NaN, limit: Number.POSITIVE_INFINITY, ok: 1.5 } }).end();
    const sdk = await spans();
    expect(toOtlpJson(sdk)).toContain('{"key":"ratio","value":{"doubleValue":null}}');
    const [fromJson] = decodeSdk(toOtlpJson(sdk));
    expect({ ...fromJson!.attributes }).toEqual({ ratio: null, limit: null, ok: 1.5 });
    const [fromProto] = decodeOtlpProto(toOtlpProto(sdk), 'sdk.pb');
    expect({ ...fromProto!.attributes }).toEqual({ ratio: Number.NaN, limit: Number.POSITIVE_INFINITY, ok: 1.5 });
  });

  it('Zipkin v2 via the SDK Zipkin exporter transform', async () => {
    const sdk = await richTrace();
    const decoded = decodeSdk(toZipkinJson(sdk));
    expect(decoded).toHaveLength(sdk.length);
    const ours = byId(decoded);
    for (const span of sdk) {
      const got = ours.get(span.spanContext().spanId)!;
      expect(got.source.format).toBe('zipkin');
      expect(got.traceId).toBe(span.spanContext().traceId);
      expect(got.parentSpanId).toBe(span.parentSpanContext?.spanId);
      expect(got.name).toBe(span.name);
      // Zipkin has no INTERNAL kind: the exporter leaves kind out.
      expect(got.kind).toBe(span.kind === SpanKind.INTERNAL ? 'UNSPECIFIED' : KINDS[span.kind]);
      // Zipkin carries microseconds: the exporter rounds start and duration to µs.
      expect(got.startTimeUnixNano).toBe(roundToMicros(hrToNanos(span.startTime)));
      expect(durationNano(got)).toBe(roundToMicros(hrToNanos(span.endTime) - hrToNanos(span.startTime)));
      expect(got.status.code).toBe(STATUS[span.status.code]);
      if (span.status.code === SpanStatusCode.ERROR) expect(got.status.message).toBe(span.status.message);
      // Zipkin tags are strings: the exporter writes String(value) (arrays comma-joined).
      for (const [key, value] of Object.entries(span.attributes)) expect(got.attributes[key]).toBe(String(value));
      // Annotations keep the event name and time (µs); the exporter drops event attributes.
      expect(got.events.map((e) => [e.name, e.timeUnixNano])).toEqual(span.events.map((e) => [e.name, roundToMicros(hrToNanos(e.time))]));
      expect(got.resource.serviceName).toBe(span.resource.attributes['service.name']);
    }
  });
});
