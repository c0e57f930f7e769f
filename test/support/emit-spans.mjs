#!/usr/bin/env node
// A service under test, for `tracelint receive -- node emit-spans.mjs …`: makes spans with the
// OpenTelemetry JS SDK and exports them with the real OTLP/HTTP exporter, configured only by the
// OTEL_EXPORTER_OTLP_* variables the receiver sets. Prints the span ids it made, then exits.
//   node emit-spans.mjs <json|proto> <healthy|broken> [exit code]
// `broken` adds a server span whose caller never exported its span: an orphan.
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [protocol = 'json', variant = 'healthy', exitCode = '0'] = process.argv.slice(2);
const exporter = protocol === 'proto' ? new ProtoExporter() : new JsonExporter();
const sent = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'emitter', 'service.version': '1.0.0' }),
  spanProcessors: [new BatchSpanProcessor(exporter), new SimpleSpanProcessor(sent)],
});
const tracer = provider.getTracer('emit-spans', '1.0.0');

for (let i = 0; i < 20; i++) {
  const root = tracer.startSpan(`GET /item/${i % 3}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/item/:id', 'http.response.status_code': 200 } });
  const child = tracer.startSpan('load item', {}, trace.setSpan(ROOT_CONTEXT, root));
  child.end();
  root.end();
}
if (variant === 'broken') {
  // The caller's span was never exported: the server span hangs from nothing.
  const carrier = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
  const parent = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
  tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } }, parent).end();
}
const ids = sent.getFinishedSpans().map((span) => span.spanContext().spanId);
await provider.shutdown(); // flushes the batch to the receiver
console.log(`sent ${JSON.stringify(ids)}`);
process.exitCode = Number(exitCode);
