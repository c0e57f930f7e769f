import { SpanStatusCode, type Context, type Link } from '@opentelemetry/api';
import { BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler, SamplingDecision, type ReadableSpan, type Sampler, type SpanProcessor, type InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import { TraceSet } from '../../src/model/trace.js';
import { decodeSdk, inject, ms, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';

/**
 * Each failure mode the check issue names, produced by the real OpenTelemetry
 * JS SDK and exported through its OTLP/JSON serializer, must be found; a
 * healthy multi-service trace must produce no finding at all.
 */
function lintSdk(spans: ReadableSpan[]) {
  return lint(new TraceSet(decodeSdk(toOtlpJson(spans))));
}

function ruleIds(spans: ReadableSpan[]): string[] {
  return [...new Set(lintSdk(spans).diagnostics.map((d) => d.ruleId))].sort();
}

/** A checkout: frontend -> checkout -> payment over HTTP, and an order message consumed by a worker with a link. */
async function healthyCheckout(options: { injectPayment?: boolean; paymentClockMs?: number } = {}) {
  const { injectPayment = true, paymentClockMs = 0 } = options;
  const { svc, spans } = sdkSystem(['frontend', 'checkout', 'payment', 'worker']);
  const root = svc.frontend!.start('POST /cart/checkout', { kind: SpanKind.SERVER, at: 0, attributes: { 'http.request.method': 'POST', 'http.route': '/cart/checkout', 'url.path': '/cart/checkout', 'http.response.status_code': 200 } });
  const toCheckout = svc.frontend!.start('POST', { kind: SpanKind.CLIENT, parent: root, at: 2, attributes: { 'http.request.method': 'POST', 'server.address': 'checkout', 'url.full': 'http://checkout/orders', 'http.response.status_code': 201 } });
  const order = svc.checkout!.start('POST /orders', { kind: SpanKind.SERVER, remote: inject(toCheckout), at: 3, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 } });
  const db = svc.checkout!.start('INSERT shop.orders', { kind: SpanKind.CLIENT, parent: order, at: 4, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'INSERT INTO orders (id, total) VALUES ($1, $2)', 'db.namespace': 'shop' } });
  db.end(ms(9));
  const toPayment = svc.checkout!.start('POST', { kind: SpanKind.CLIENT, parent: order, at: 10, attributes: { 'http.request.method': 'POST', 'server.address': 'payment', 'http.response.status_code': 200 } });
  const charge = svc.payment!.start('POST /charge', { kind: SpanKind.SERVER, at: 11 + paymentClockMs, ...(injectPayment ? { remote: inject(toPayment) } : {}), attributes: { 'http.request.method': 'POST', 'http.route': '/charge', 'http.response.status_code': 200 } });
  charge.end(ms(40 + paymentClockMs));
  toPayment.end(ms(41));
  const publish = svc.checkout!.start('orders publish', { kind: SpanKind.PRODUCER, parent: order, at: 42, attributes: { 'messaging.system.name': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' } });
  publish.end(ms(44));
  order.end(ms(45));
  toCheckout.end(ms(46));
  root.end(ms(48));
  const links: Link[] = [{ context: publish.spanContext() }];
  const consume = svc.worker!.start('orders process', { kind: SpanKind.CONSUMER, at: 60, links, attributes: { 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process' } });
  consume.end(ms(70));
  return spans();
}

describe('SDK traces: every failure mode is found', () => {
  it('a healthy multi-service trace with async messaging produces no finding at all', async () => {
    const result = lintSdk(await healthyCheckout());
    expect(result.diagnostics.map((d) => `${d.ruleId}: ${d.message}`)).toEqual([]);
    expect(result.failures).toEqual([]);
  });

  it('a hop that does not inject traceparent: lost-propagation names both traces', async () => {
    const spans = await healthyCheckout({ injectPayment: false });
    const found = lintSdk(spans).diagnostics.filter((d) => d.ruleId === 'lost-propagation');
    const charge = spans.find((span) => span.name === 'POST /charge')!;
    expect(found).toHaveLength(1);
    expect(found[0]!.data).toMatchObject({ callerService: 'checkout', calleeService: 'payment', calleeTraceId: charge.spanContext().traceId });
  });

  it('a service whose clock is 250 ms behind: clock-skew estimates the offset', async () => {
    const found = lintSdk(await healthyCheckout({ paymentClockMs: -250 })).diagnostics.filter((d) => d.ruleId === 'clock-skew');
    expect(found).toHaveLength(1);
    // The 29 ms server span centred in the 31 ms call (10..41) starts at 11 ms; it was recorded at -239 ms.
    expect(found[0]!.data).toMatchObject({ service: 'payment', parentService: 'checkout', offsetMs: -250 });
  });

  it('work scheduled with setTimeout outside the context: async-context-loss', async () => {
    const { svc, spans } = sdkSystem(['api']);
    const request = svc.api!.start('GET /report', { kind: SpanKind.SERVER });
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        // The callback runs without the request's context: its span becomes a new root.
        svc.api!.start('render-pdf').end();
        resolve();
      }, 5),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    request.end();
    const found = lintSdk(await spans()).diagnostics.filter((d) => d.ruleId === 'async-context-loss');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("'render-pdf' in api starts a new trace while SERVER 'GET /report' in api");
  });

  it('services with different samplers: the callee records but does not sample remote calls', async () => {
    // inventory samples its own roots but only records (RECORD) calls from others, and exports everything.
    const recordRemote: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };
    const exportAll = (exporter: InMemorySpanExporter): SpanProcessor => ({
      onStart: () => undefined,
      onEnd: (span) => exporter.export([span], () => undefined),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    });
    const { svc, spans } = sdkSystem(['frontend', 'inventory'], {
      samplers: { inventory: new ParentBasedSampler({ root: new AlwaysOnSampler(), remoteParentSampled: recordRemote }) },
      processors: { inventory: exportAll },
    });
    const root = svc.frontend!.start('GET /product', { kind: SpanKind.SERVER, at: 0 });
    const call = svc.frontend!.start('GET', { kind: SpanKind.CLIENT, parent: root, at: 1, attributes: { 'server.address': 'inventory' } });
    svc.inventory!.start('GET /stock', { kind: SpanKind.SERVER, remote: inject(call), at: 2 }).end(ms(8));
    call.end(ms(9));
    root.end(ms(10));
    svc.inventory!.start('GET /healthz', { kind: SpanKind.SERVER, at: 100 }).end(ms(101));
    expect(ruleIds(await spans())).toEqual(expect.arrayContaining(['sampling-flag-mismatch', 'unsampled-span-recorded']));
  });

  it('services with different samplers: a callee that samples the call out entirely', async () => {
    const neverRemote = new ParentBasedSampler({ root: new AlwaysOnSampler(), remoteParentSampled: { shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD }), toString: () => 'Off' } });
    const { svc, spans } = sdkSystem(['frontend', 'inventory'], { samplers: { inventory: neverRemote } });
    const root = svc.frontend!.start('GET /product', { kind: SpanKind.SERVER, at: 0 });
    const call = svc.frontend!.start('GET', { kind: SpanKind.CLIENT, parent: root, at: 1, attributes: { 'peer.service': 'inventory' } });
    svc.inventory!.start('GET /stock', { kind: SpanKind.SERVER, remote: inject(call), at: 2 }).end(ms(8));
    call.end(ms(9));
    root.end(ms(10));
    svc.inventory!.start('GET /healthz', { kind: SpanKind.SERVER, at: 100 }).end(ms(101));
    const found = lintSdk(await spans()).diagnostics.filter((d) => d.ruleId === 'missing-service-spans');
    expect(found.map((d) => d.data.callee)).toEqual(['inventory']);
  });

  it('a BatchSpanProcessor with a tiny queue under a burst drops spans: orphans and dropped-batch', async () => {
    const tinyQueue = (exporter: InMemorySpanExporter) => new BatchSpanProcessor(exporter, { maxQueueSize: 10, maxExportBatchSize: 10, scheduledDelayMillis: 60_000 });
    const { svc, spans } = sdkSystem(['worker'], { processors: { worker: tinyQueue } });
    const jobs = Array.from({ length: 8 }, (_, i) => svc.worker!.start(`job ${i}`, { kind: SpanKind.CONSUMER, at: i }));
    const steps = jobs.flatMap((job, i) => [0, 1, 2].map((step) => svc.worker!.start(`step ${step}`, { parent: job, at: i + step / 10 })));
    steps.forEach((step) => step.end(ms(50)));
    jobs.forEach((job) => job.end(ms(60)));
    const exported = await spans();
    // The queue overflowed: the job spans, which end last, were all dropped.
    expect(exported.length).toBeLessThan(32);
    expect(exported.filter((span) => span.name.startsWith('job'))).toEqual([]);
    const ids = ruleIds(exported);
    expect(ids).toEqual(expect.arrayContaining(['orphan-span', 'dropped-batch']));
  });

  it('attributes with PII: found, and the values never appear in the findings', async () => {
    const { svc, spans } = sdkSystem(['signup']);
    const span = svc.signup!.start('POST /signup', { kind: SpanKind.SERVER, at: 0, attributes: { 'user.email': 'jane.doe@acmecorp.eu', 'payment.card': '4005-5192-0000-0004', 'http.request.header.authorization': 'Bearer s3cr3t-t0ken-value', 'app.api_key': 'k-8c1d0e9f7a6b' } });
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(ms(5));
    const result = lintSdk(await spans());
    // The authorization header is one finding, the bearer token: its key naming a secret adds nothing.
    expect(result.diagnostics.filter((d) => d.ruleId === 'pii').map((d) => d.data.kind).sort()).toEqual(['bearer-token', 'card-number', 'email', 'secret-by-name']);
    expect(JSON.stringify(result.diagnostics)).not.toMatch(/jane\.doe|4005-5192-0000-0004|s3cr3t-t0ken-value|8c1d0e9f7a6b/);
    expect(result.diagnostics.map((d) => d.ruleId)).toContain('error-without-details');
  });

  it('PII in a URL query string and in a recorded exception, as instrumentation-http and recordException write them', async () => {
    const { svc, spans } = sdkSystem(['web', 'accounts']);
    const query = 'plan=pro&email=jane.doe%40acmecorp.eu';
    const client = svc.web!.start('GET', { kind: SpanKind.CLIENT, at: 0, attributes: { 'http.request.method': 'GET', 'url.full': `http://accounts:8080/lookup?${query}`, 'server.address': 'accounts', 'server.port': 8080 } });
    const server = svc.accounts!.start('GET /lookup', {
      kind: SpanKind.SERVER,
      remote: inject(client),
      at: 1,
      attributes: { 'http.request.method': 'GET', 'url.path': '/lookup', 'url.query': query, 'url.scheme': 'http', 'http.route': '/lookup', 'client.address': '10.0.0.7', 'user_agent.original': 'node' },
    });
    server.recordException(new Error('no account for jane.doe@acmecorp.eu'), ms(3));
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup failed' });
    server.setAttribute('http.response.status_code', 404);
    server.end(ms(4));
    client.end(ms(5));
    const exported = await spans();
    expect(exported.find((span) => span.name === 'GET /lookup')!.events.map((event) => Object.keys(event.attributes ?? {}).sort())).toEqual([['exception.message', 'exception.stacktrace', 'exception.type']]);
    const found = lintSdk(exported).diagnostics.filter((d) => d.ruleId === 'pii');
    expect(found.map((d) => [d.service, d.data.kind, d.data.keys])).toEqual([
      ['web', 'email', ['url.full']],
      // One address in the query, the exception's message and its stack trace: one finding naming every place.
      ['accounts', 'email', ['url.query', 'exception.message', 'exception.stacktrace']],
    ]);
    expect(found.map((d) => d.message)).toEqual([
      "e-mail address in attribute 'url.full' (parameter 'email') (spans of 'web'; first value j***@a***.eu)",
      "e-mail address in attribute 'url.query' (parameter 'email') and event 'exception' attributes 'exception.message' and 'exception.stacktrace' (spans of 'accounts'; first value j***@a***.eu)",
    ]);
    expect(JSON.stringify(found)).not.toContain('jane.doe');
  });
});

export type { Context };
