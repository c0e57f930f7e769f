#!/usr/bin/env node
// A small system under test, for `tracelint receive --expect … -- node shop-service.mjs <healthy|broken>`:
// two HTTP services (frontend and payment, each with its own OpenTelemetry SDK provider and resource)
// on loopback, and a client that calls GET /checkout once. frontend calls payment's POST /pay and, when
// healthy, injects the W3C traceparent; `broken` forgets it, so payment starts a trace of its own.
// Spans go out through the real OTLP/HTTP protobuf exporter, configured only by OTEL_EXPORTER_OTLP_*.
import { createServer, request } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const broken = process.argv[2] === 'broken';
const w3c = new W3CTraceContextPropagator();
const headersGetter = { get: (headers, key) => headers[key], keys: (headers) => Object.keys(headers) };
const providers = [];

function tracerFor(service) {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  providers.push(provider);
  return provider.getTracer(`shop-${service}`, '1.0.0');
}

/** An HTTP server whose handler gets the context of a SERVER span continuing the caller's (passed explicitly: no context manager). */
function serve(tracer, route, handler) {
  const server = createServer(async (req, res) => {
    const parent = w3c.extract(ROOT_CONTEXT, req.headers, headersGetter);
    const span = tracer.startSpan(route, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route.split(' ')[1] } }, parent);
    const status = await handler(trace.setSpan(parent, span));
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    span.end();
    res.writeHead(status).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A CLIENT span around an HTTP call; the traceparent header is injected unless the service is broken. */
function call(tracer, ctx, port, method, path) {
  const span = tracer.startSpan(`${method} ${path}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': '127.0.0.1', 'server.port': port } }, ctx);
  const headers = {};
  if (!broken) w3c.inject(trace.setSpan(ctx, span), headers, { set: (carrier, key, value) => (carrier[key] = value) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
        resolve(res.statusCode);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const frontendTracer = tracerFor('frontend');
const paymentTracer = tracerFor('payment');
const payment = await serve(paymentTracer, 'POST /pay', async () => 200);
const frontend = await serve(frontendTracer, 'GET /checkout', async (ctx) => ((await call(frontendTracer, ctx, payment.address().port, 'POST', '/pay')) === 200 ? 200 : 502));
const status = await new Promise((resolve, reject) => request({ host: '127.0.0.1', port: frontend.address().port, path: '/checkout' }, (res) => resolve(res.statusCode)).on('error', reject).end());
payment.close();
frontend.close();
for (const provider of providers) await provider.shutdown(); // flushes the batches to the receiver
console.log(`checkout answered ${status}`);
