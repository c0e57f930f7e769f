import { request as httpRequest } from 'node:http';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJsonLines } from '../../src/formats/otlp-jsonl.js';
import { lint } from '../../src/lint/engine.js';
import { resolveConfig } from '../../src/lint/config.js';
import { TraceSet } from '../../src/model/trace.js';
import { RULES } from '../../src/rules/index.js';
import { storedSpanIds, testReceiver } from '../support/receiver.js';

/**
 * The OpenTelemetry JS SDK's own OTLP/HTTP exporters (JSON and protobuf, with
 * and without gzip) sending to the receiver on 127.0.0.1: every span made is
 * stored, and linting what was stored finds what is wrong with it.
 */

type Exporters = Record<string, (url: string) => SpanExporter>;
const EXPORTERS: Exporters = {
  'otlp-http (JSON)': (url) => new JsonExporter({ url: `${url}/v1/traces` }),
  'otlp-http (JSON, gzip)': (url) => new JsonExporter({ url: `${url}/v1/traces`, compression: 'gzip' as never }),
  'otlp-proto': (url) => new ProtoExporter({ url: `${url}/v1/traces` }),
  'otlp-proto (gzip)': (url) => new ProtoExporter({ url: `${url}/v1/traces`, compression: 'gzip' as never }),
};

/** A service exporting through `exporter` in batches; `made` are the ids of every span it ended. */
function service(name: string, exporter: SpanExporter): { tracer: ReturnType<BasicTracerProvider['getTracer']>; made: () => string[]; shutdown: () => Promise<void> } {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name, 'service.version': '1.0.0' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, scheduledDelayMillis: 10 }), new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer(`${name}-instrumentation`, '1.0.0'), made: () => memory.getFinishedSpans().map((span) => span.spanContext().spanId), shutdown: () => provider.shutdown() };
}

/** 100 healthy two-span requests, and one server span whose caller never exported (an orphan). */
function traffic(tracer: ReturnType<BasicTracerProvider['getTracer']>): void {
  for (let i = 0; i < 100; i++) {
    const root = tracer.startSpan(`GET /cart/${i % 4}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/cart/:id', 'http.response.status_code': 200 } });
    tracer.startSpan('HGETALL', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.operation.name': 'HGETALL' } }, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
  }
  const remote = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
  tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } }, remote).end();
}

function lintLines(lines: ReadonlyArray<Record<string, unknown>>): string[] {
  const { spans, problems } = decodeOtlpJsonLines(lines.map((line) => JSON.stringify(line)).join('\n'), 'received.jsonl');
  expect(problems).toEqual([]);
  return lint(new TraceSet(spans), resolveConfig({}, RULES, []))
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.ruleId);
}

describe('the SDK exporters send, the receiver stores every span', () => {
  it.each(Object.entries(EXPORTERS))('%s', async (_name, makeExporter) => {
    const { url, finish, receiver } = await testReceiver();
    const svc = service('cart', makeExporter(url));
    traffic(svc.tracer);
    const made = svc.made();
    await svc.shutdown();
    const lines = await finish();
    expect(made).toHaveLength(201);
    expect(storedSpanIds(lines).sort()).toEqual([...made].sort());
    expect(receiver.stats).toMatchObject({ spans: 201, rejectedSpans: 0, refused: {} });
    // The one deliberately broken trace, and nothing else, is an error.
    expect(lintLines(lines)).toEqual(['orphan-span']);
  });

  it('several services at once, both encodings, into one store', async () => {
    const { url, finish } = await testReceiver();
    const services = Object.entries(EXPORTERS).map(([name, makeExporter], i) => service(`svc-${i}-${name.replace(/\W+/g, '-')}`, makeExporter(url)));
    for (const svc of services) traffic(svc.tracer);
    const made = services.flatMap((svc) => svc.made());
    await Promise.all(services.map((svc) => svc.shutdown()));
    expect(storedSpanIds(await finish()).sort()).toEqual(made.sort());
  });

  it('throttled with 503 and Retry-After, the SDK retries after the pause and nothing is lost', async () => {
    const { url, finish, receiver } = await testReceiver({ maxInFlight: 1 });
    // Occupy the one slot with a request whose body is not finished yet.
    const held = httpRequest(new URL('/v1/traces', url), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '2' } });
    const heldDone = new Promise((resolve) => held.on('response', resolve));
    held.write('{');
    while (receiver.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const svc = service('cart', EXPORTERS['otlp-proto']!(url));
    traffic(svc.tracer);
    const made = svc.made();
    const flushed = svc.shutdown();
    while (!receiver.stats.refused.busy) await new Promise((resolve) => setTimeout(resolve, 5));
    held.end('}');
    await heldDone;
    await flushed;
    expect(storedSpanIds(await finish()).sort()).toEqual([...made].sort());
    expect(receiver.stats.refused.busy).toBeGreaterThanOrEqual(1);
  });
});
