import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, ROOT_CONTEXT, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uninstrumentedClient } from '../../src/rules/uninstrumented-client.js';
import { ruleTable } from '../support/rule-tester.js';
import { runRule } from '../support/run-rule.js';
import { decodeSdk, inject, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';
import { resource, sid, span, tid } from '../support/spans.js';

const NODE_FETCH_UA = 'node';
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** A traced hop frontend -> inventory in trace T (so inventory is internal), then the case's spans. */
const tracedHop = () => [
  span({ traceId: tid('t'), spanId: sid('t1'), kind: 'SERVER', service: 'frontend', name: 'GET /cart', at: [0, 10] }),
  span({ traceId: tid('t'), spanId: sid('t2'), parentSpanId: sid('t1'), kind: 'CLIENT', service: 'frontend', name: 'GET', at: [1, 9], attributes: { 'url.full': 'http://inventory/stock/1', 'http.request.method': 'GET' } }),
  span({ traceId: tid('t'), spanId: sid('t3'), parentSpanId: sid('t2'), kind: 'SERVER', service: 'inventory', name: 'GET /stock/:sku', at: [2, 8], attributes: { 'http.route': '/stock/:sku', 'http.request.method': 'GET' } }),
];
const checkout = (over: Parameters<typeof span>[0] = {}) => span({ traceId: tid('a'), spanId: sid('a1'), kind: 'SERVER', service: 'frontend', name: 'POST /checkout', at: [100, 200], ...over });
const stock = (over: Parameters<typeof span>[0] = {}) =>
  span({ traceId: tid('b'), spanId: sid('b1'), kind: 'SERVER', service: 'inventory', name: 'GET /stock/:sku', at: [120, 150], attributes: { 'http.route': '/stock/:sku', 'http.request.method': 'GET', 'user_agent.original': NODE_FETCH_UA }, ...over });

/** A job of frontend making 40 CLIENT calls one after another (at 100 + 2k to 101 + 2k): more than are scanned, so they are indexed. */
const longJob = () => [
  checkout({ name: 'backfill', kind: 'INTERNAL', at: [100, 200] }),
  ...Array.from({ length: 40 }, (_, k) => span({ traceId: tid('a'), spanId: sid(`c${k}`), parentSpanId: sid('a1'), kind: 'CLIENT', service: 'frontend', at: [100 + 2 * k, 101 + 2 * k] })),
];

ruleTable(uninstrumentedClient, {
  valid: [
    { name: "a long job's root falls within one of its 40 CLIENT calls", spans: [...tracedHop(), ...longJob(), stock({ at: [130.5, 130.9] })] },
    { name: "a long job's root starts as one of its calls ends", spans: [...tracedHop(), ...longJob(), stock({ at: [131, 131.5] })] },
    { name: 'every hop traced', spans: tracedHop() },
    { name: 'a new trace of a service nobody calls through a traced hop (a public service)', spans: [checkout(), stock({ service: 'storefront' })] },
    { name: 'a browser request to an internal service', spans: [...tracedHop(), checkout(), stock({ attributes: { 'http.route': '/stock/:sku', 'user_agent.original': BROWSER_UA } })] },
    { name: 'a probe (kube-probe) or curl', spans: [...tracedHop(), checkout(), stock({ attributes: { 'user_agent.original': 'kube-probe/1.29' } }), stock({ traceId: tid('c'), spanId: sid('c1'), attributes: { 'user_agent.original': 'curl/8.5.0' } })] },
    { name: 'no request of a known caller running', spans: [...tracedHop(), stock()] },
    {
      name: 'two requests of the callers running: nothing singles out the caller',
      spans: [...tracedHop(), checkout(), checkout({ traceId: tid('d'), spanId: sid('d1'), at: [110, 190] }), stock()],
    },
    {
      name: 'the caller made a CLIENT span at that moment: a traced call, lost-propagation speaks of it',
      spans: [...tracedHop(), checkout(), span({ traceId: tid('a'), spanId: sid('a2'), parentSpanId: sid('a1'), kind: 'CLIENT', service: 'frontend', at: [115, 160] }), stock()],
    },
    {
      name: 'a CLIENT span of the caller ending as the root starts: at that moment too',
      spans: [...tracedHop(), checkout(), span({ traceId: tid('a'), spanId: sid('a2'), parentSpanId: sid('a1'), kind: 'CLIENT', service: 'frontend', at: [115, 120] }), stock()],
    },
    {
      name: 'a CLIENT span of the caller starting as the root starts',
      spans: [...tracedHop(), checkout(), span({ traceId: tid('a'), spanId: sid('a2'), parentSpanId: sid('a1'), kind: 'CLIENT', service: 'frontend', at: [120, 140] }), stock()],
    },
  ],
  invalid: [
    {
      name: "a long job's root falls in a gap between two of its 40 CLIENT calls",
      spans: [...tracedHop(), ...longJob(), stock({ at: [131.2, 131.8] })],
      findings: [{ spanId: sid('a1'), data: { callerService: 'frontend', calleeSpanId: sid('b1') } }],
    },
    {
      name: "the only request of inventory's caller running, and Node's fetch for user agent",
      spans: [...tracedHop(), checkout(), stock()],
      findings: [
        {
          spanId: sid('a1'),
          severity: 'warn',
          message: "SERVER 'POST /checkout' in frontend made no CLIENT span for a call to 'inventory', whose SERVER 'GET /stock/:sku' in inventory started new trace",
          data: { callerService: 'frontend', calleeService: 'inventory', calleeSpanId: sid('b1'), evidence: 'only-request', client: "Node.js's global fetch (undici)" },
        },
      ],
    },
    {
      // Calls of the caller before the root started, or of another service at that moment, do not count.
      name: 'the caller\'s CLIENT spans end before the root starts, and another service\'s runs across it',
      spans: [
        ...tracedHop(),
        checkout(),
        span({ traceId: tid('a'), spanId: sid('a2'), parentSpanId: sid('a1'), kind: 'CLIENT', service: 'frontend', at: [110, 119.999999] }),
        span({ traceId: tid('a'), spanId: sid('a3'), parentSpanId: sid('a1'), kind: 'SERVER', service: 'payment', at: [112, 170] }),
        span({ traceId: tid('a'), spanId: sid('a4'), parentSpanId: sid('a3'), kind: 'CLIENT', service: 'payment', at: [115, 160] }),
        stock(),
      ],
      findings: [
        {
          spanId: sid('a1'),
          severity: 'warn',
          message: "SERVER 'POST /checkout' in frontend made no CLIENT span for a call to 'inventory', whose SERVER 'GET /stock/:sku' in inventory started new trace",
          data: { callerService: 'frontend', calleeService: 'inventory', calleeSpanId: sid('b1'), evidence: 'only-request', client: "Node.js's global fetch (undici)" },
        },
      ],
    },
    {
      name: "the callee saw the caller's address as its peer: an error",
      spans: [...tracedHop(), checkout({ resource: resource('frontend', { 'k8s.pod.ip': '10.1.2.3' }) }), stock({ attributes: { 'http.route': '/stock/:sku', 'client.address': '10.1.2.3', 'user_agent.original': 'Go-http-client/1.1' } })],
      findings: [{ severity: 'error', message: 'otelhttp.NewTransport', data: { evidence: 'address' } }],
    },
    {
      name: 'busy, but only one request of the service known to call that route was running',
      spans: [
        ...tracedHop(),
        // reports also calls inventory, but never its stock route.
        span({ traceId: tid('u'), spanId: sid('u1'), kind: 'SERVER', service: 'reports', at: [0, 10] }),
        span({ traceId: tid('u'), spanId: sid('u2'), parentSpanId: sid('u1'), kind: 'CLIENT', service: 'reports', at: [1, 9], attributes: { 'url.full': 'http://inventory/export' } }),
        span({ traceId: tid('u'), spanId: sid('u3'), parentSpanId: sid('u2'), kind: 'SERVER', service: 'inventory', at: [2, 8], attributes: { 'http.route': '/export' } }),
        span({ traceId: tid('v'), spanId: sid('v1'), kind: 'SERVER', service: 'reports', name: 'nightly', at: [90, 300] }),
        checkout(),
        stock(),
      ],
      findings: [{ spanId: sid('a1') }],
    },
    {
      name: 'the same missing instrumentation on every checkout: one finding',
      spans: [...tracedHop(), ...[0, 1, 2].flatMap((n) => [checkout({ traceId: tid(`a${n}`), spanId: sid(`a${n}`), at: [1000 * n + 100, 1000 * n + 200] }), stock({ traceId: tid(`b${n}`), spanId: sid(`b${n}`), at: [1000 * n + 120, 1000 * n + 150] })])],
      findings: [{ count: 3 }],
    },
  ],
});

/**
 * The most common broken hop in Node.js, for real: two services with the
 * OpenTelemetry SDK, one HTTP server each; frontend calls inventory once with
 * its context injected (a traced hop) and once with Node's global fetch and no
 * instrumentation (no CLIENT span, no traceparent). inventory's server span
 * takes what the request carries, as @opentelemetry/instrumentation-http does.
 */
describe('an uninstrumented fetch between two SDK services', () => {
  const propagator = new W3CTraceContextPropagator();
  const system = sdkSystem(['frontend', 'inventory']);
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, { get: (carrier, key) => carrier[key] as string | undefined, keys: (carrier) => Object.keys(carrier) });
      const traced = trace.getSpanContext(parent) !== undefined;
      const url = new URL(request.url!, 'http://inventory');
      const attributes = {
        'http.request.method': request.method!,
        'url.path': url.pathname,
        'http.route': '/stock/:sku',
        'user_agent.original': request.headers['user-agent'] ?? '',
        'client.address': request.socket.remoteAddress!,
        'client.port': request.socket.remotePort!,
      };
      const span = system.svc.inventory!.start('GET /stock/:sku', { kind: SpanKind.SERVER, attributes, ...(traced ? { remote: request.headers as Record<string, string> } : {}) });
      setTimeout(() => {
        span.end();
        response.end('{"stock": 3}');
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is found, on the request that made the call, with what instruments Node.js fetch', async () => {
    const { svc, spans } = system;
    // A traced hop, so the data show inventory is an internal service that frontend calls.
    const cart = svc.frontend!.start('GET /cart', { kind: SpanKind.SERVER });
    const call = svc.frontend!.start('GET', { kind: SpanKind.CLIENT, parent: cart, attributes: { 'url.full': `${base}/stock/1`, 'http.request.method': 'GET' } });
    await (await fetch(`${base}/stock/1`, { headers: inject(call) })).text();
    call.end();
    cart.end();
    // The broken hop: fetch with no instrumentation inside the checkout request.
    const checkoutRequest: ApiSpan = svc.frontend!.start('POST /checkout', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), checkoutRequest), async () => {
      await (await fetch(`${base}/stock/42`)).text();
    });
    checkoutRequest.end();

    const found = runRule(uninstrumentedClient, decodeSdk(toOtlpJson(await spans())));
    expect(found).toHaveLength(1);
    expect(found[0]!.spanId).toBe(checkoutRequest.spanContext().spanId);
    expect(found[0]!.data).toMatchObject({ callerService: 'frontend', calleeService: 'inventory', client: "Node.js's global fetch (undici)" });
    expect(found[0]!.message).toContain('@opentelemetry/instrumentation-undici');
    
  });
});
