/**
 * Traces produced by the real OpenTelemetry JS SDK, for tests. One
 * BasicTracerProvider per service (its own Resource, sampler and processor),
 * contexts passed explicitly between them, and W3C propagation through a
 * header carrier — so a test can also leave propagation out on purpose.
 *
 *   const { svc, spans } = sdkSystem(['frontend', 'checkout']);
 *   const root = svc.frontend.start('GET /cart', { kind: SpanKind.SERVER, at: 0 });
 *   const call = svc.frontend.start('POST /checkout', { kind: SpanKind.CLIENT, parent: root, at: 5 });
 *   const server = svc.checkout.start('POST /checkout', { kind: SpanKind.SERVER, remote: inject(call), at: 6 });
 *   server.end(ms(40)); call.end(ms(42)); root.end(ms(50));
 *   const text = toOtlpJson(await spans());          // or toZipkinJson(...)
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type HrTime, type Span as ApiSpan, type SpanOptions } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { toZipkinSpan } from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { decodeText } from '../../src/formats/read.js';
import type { FormatName, Span } from '../../src/model/span.js';

export { SpanKind };

/** 2024-01-01T00:00:00Z, in seconds; test times are ms after this. */
const T0_SECONDS = 1_704_067_200;

/** An HrTime `ms` milliseconds (fractions allowed, to the ns) after T0, exact. */
export function ms(offset: number): HrTime {
  const totalNanos = BigInt(Math.round(offset * 1e6));
  return [T0_SECONDS + Number(totalNanos / 1_000_000_000n), Number(totalNanos % 1_000_000_000n)];
}

export function hrToNanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

const propagator = new W3CTraceContextPropagator();

/** The W3C headers a client would send for this span. */
export function inject(span: ApiSpan): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, k, v) => void (c[k] = v) });
  return carrier;
}

export interface StartOptions extends SpanOptions {
  /** Local parent span (same process). */
  parent?: ApiSpan;
  /** Headers from a remote caller, extracted as the parent. */
  remote?: Record<string, string>;
  /** Start time in ms after T0. */
  at?: number;
}

export interface SdkService {
  name: string;
  start(name: string, options?: StartOptions): ApiSpan;
}

export interface SdkSystemOptions {
  /** Sampler per service (default AlwaysOn). */
  samplers?: Record<string, Sampler>;
  /** Span processor per service, given its exporter (default SimpleSpanProcessor). */
  processors?: Record<string, (exporter: InMemorySpanExporter) => SpanProcessor>;
}

export function sdkSystem(services: string[], options: SdkSystemOptions = {}): { svc: Record<string, SdkService>; spans: () => Promise<ReadableSpan[]> } {
  const providers: Array<{ provider: BasicTracerProvider; exporter: InMemorySpanExporter }> = [];
  const svc: Record<string, SdkService> = {};
  for (const name of services) {
    const exporter = new InMemorySpanExporter();
    const processor = options.processors?.[name]?.(exporter) ?? new SimpleSpanProcessor(exporter);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': name, 'service.version': '1.0.0', 'telemetry.sdk.language': 'nodejs' }),
      sampler: options.samplers?.[name] ?? new AlwaysOnSampler(),
      spanProcessors: [processor],
    });
    providers.push({ provider, exporter });
    const tracer = provider.getTracer(`test-instrumentation-${name}`, '0.1.0');
    svc[name] = {
      name,
      start(spanName, { parent, remote, at, ...spanOptions } = {}) {
        let ctx: Context = ROOT_CONTEXT;
        if (parent) ctx = trace.setSpan(ROOT_CONTEXT, parent);
        if (remote) ctx = propagator.extract(ROOT_CONTEXT, remote, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
        return tracer.startSpan(spanName, { ...spanOptions, ...(at !== undefined ? { startTime: ms(at) } : {}) }, ctx);
      },
    };
  }
  return {
    svc,
    spans: async () => {
      for (const { provider } of providers) await provider.forceFlush();
      return providers.flatMap(({ exporter }) => exporter.getFinishedSpans());
    },
  };
}

/** OTLP/JSON exactly as the SDK's OTLP/HTTP JSON exporter sends it. */
export function toOtlpJson(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
}

/** A binary ExportTraceServiceRequest exactly as the SDK's OTLP/HTTP protobuf exporter sends it. */
export function toOtlpProto(spans: ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}

/** One request per service, one per line, as the Collector's file exporter writes. */
export function toOtlpJsonLines(spans: ReadableSpan[]): string {
  const byService = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const name = String(span.resource.attributes['service.name']);
    byService.set(name, [...(byService.get(name) ?? []), span]);
  }
  return `${[...byService.values()].map(toOtlpJson).join('\n')}\n`;
}

/** Zipkin v2 JSON as the SDK's Zipkin exporter sends it (its own transform). */
export function toZipkinJson(spans: ReadableSpan[]): string {
  return JSON.stringify(spans.map((span) => toZipkinSpan(span, String(span.resource.attributes['service.name']), 'otel.status_code', 'error')));
}

/** A trace exercising every field: kinds, typed and array attributes, events, links, status, ns times. */
export async function richTrace(): Promise<ReadableSpan[]> {
  const { svc, spans } = sdkSystem(['frontend', 'checkout']);
  const root = svc.frontend!.start('GET /cart', { kind: SpanKind.SERVER, at: 0.000123, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'retry.ratio': 0.25, 'feature.on': true, 'tags.list': ['a', 'b'], 'ids.list': [1, 2, 3] } });
  const client = svc.frontend!.start('POST /checkout', { kind: SpanKind.CLIENT, parent: root, at: 5.5 });
  const server = svc.checkout!.start('POST /checkout', { kind: SpanKind.SERVER, remote: inject(client), at: 6.25 });
  server.addEvent('cache.miss', { 'cache.key': 'cart:42', 'cache.size': 3 }, ms(7.000001));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
  const producer = svc.checkout!.start('orders publish', { kind: SpanKind.PRODUCER, parent: server, at: 8, attributes: { 'messaging.destination.name': 'orders' } });
  producer.end(ms(9));
  const consumer = svc.checkout!.start('orders process', { kind: SpanKind.CONSUMER, at: 20, links: [{ context: producer.spanContext(), attributes: { 'link.reason': 'message' } }] });
  consumer.end(ms(30));
  const internal = svc.checkout!.start('compute', { kind: SpanKind.INTERNAL, parent: server, at: 10 });
  internal.setStatus({ code: SpanStatusCode.OK });
  internal.end(ms(11));
  server.end(ms(40.999999));
  client.end(ms(42));
  root.end(ms(50));
  return spans();
}

/** Our decoder on the text: spans as tracelint sees them. */
export function decodeSdk(text: string, format?: FormatName): Span[] {
  return decodeText(text, 'sdk.json', format).spans;
}

export { context, propagation };
