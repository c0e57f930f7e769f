import { describe, expect, it } from 'vitest';
import { childBeforeParent } from '../../src/rules/child-before-parent.js';
import { clockSkew } from '../../src/rules/clock-skew.js';
import { eventOutsideSpan } from '../../src/rules/event-outside-span.js';
import { implausibleTimestamp } from '../../src/rules/implausible-timestamp.js';
import { incompleteSpan } from '../../src/rules/incomplete-span.js';
import { negativeDuration } from '../../src/rules/negative-duration.js';
import { ruleTable } from '../support/rule-tester.js';
import { runRule } from '../support/run-rule.js';
import { decodeSdk, ms as sdkMs, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';
import { attrs, MS, resource, sid, span, T0, tid } from '../support/spans.js';

const client = (over: Parameters<typeof span>[0] = {}) => span({ spanId: sid('c'), parentSpanId: sid('r'), kind: 'CLIENT', service: 'checkout', name: 'POST /pay', at: [10, 110], ...over });
const root = () => span({ spanId: sid('r'), kind: 'SERVER', service: 'checkout', at: [0, 200] });

const server = (over: Parameters<typeof span>[0] = {}) => span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'payment', name: 'POST /pay', ...over });
ruleTable(clockSkew, {
  valid: [
    { name: 'the server fits inside the client call', spans: [root(), client(), server({ at: [15, 105] })] },
    { name: 'a FOLLOWS_FROM child may start after its parent ended', spans: [root(), client(), server({ kind: 'INTERNAL', parentRefType: 'FOLLOWS_FROM', at: [300, 400] })] },
    { name: 'a consumer starts whenever the message is read', spans: [root(), client({ kind: 'PRODUCER' }), server({ kind: 'CONSUMER', service: 'worker', at: [5, 600] })] },
    { name: 'children in the same service are never skew', spans: [root(), span({ spanId: sid('x'), parentSpanId: sid('r'), service: 'checkout', at: [-50, 10] })] },
    // A Node.js server ends its span when the response is flushed, after the proxy's CLIENT span ended (otel-tui: 1.35 ms).
    { name: 'a server that ends 1.35 ms after the call returned', spans: [root(), client(), server({ at: [85, 111.35] })] },
    { name: 'within the start tolerance', options: { toleranceMs: 5 }, spans: [root(), client(), server({ at: [7, 105] })] },
    {
      name: 'services whose resources say they share a host share its clock',
      spans: [root(), client({ resource: resource('checkout', { 'host.name': 'node-7' }) }), server({ resource: resource('payment', { 'host.name': 'node-7' }), at: [-240, -160] })],
    },
    {
      name: 'containers of one pod',
      spans: [root(), client({ resource: resource('checkout', { 'k8s.pod.uid': 'a1b2' }) }), server({ resource: resource('payment', { 'k8s.pod.uid': 'a1b2' }), at: [60, 140] })],
    },
  ],
  invalid: [
    {
      name: 'the server starts 250 ms before the client called it',
      spans: [root(), client(), server({ at: [-240, -160] })],
      // Centred in the 100 ms call (10..110): (100 - 80) / 2 = 10 ms latency each way, so it should
      // start at 20 ms; it starts at -240 ms, so payment's clock is 260 ms behind.
      findings: [
        {
          spanId: sid('s'),
          message: "SERVER 'POST /pay' in payment starts 250ms before its parent CLIENT 'POST /pay' in checkout: the clock of 'payment' looks off against 'checkout' (Jaeger's estimate: -260ms)",
          data: { service: 'payment', parentService: 'checkout', leadNs: String(250n * MS), offsetMs: -260, offsetNs: String(-260n * MS) },
        },
      ],
    },
    {
      name: 'a server that ends 30 ms after the call returned, reported once per pair of services, with what the data show',
      spans: [root(), client(), server({ at: [60, 140] }), client({ spanId: sid('c2'), at: [120, 130] }), server({ spanId: sid('s2'), parentSpanId: sid('c2'), at: [122, 128] })],
      // 80 ms inside a 100 ms call should start at 20 ms; it starts at 60 ms: 40 ms ahead.
      findings: [{ spanId: sid('s'), message: "ends 30.0ms after its parent CLIENT 'POST /pay' in checkout: the clock of 'payment' looks off against 'checkout' (Jaeger's estimate: +40.0ms)", data: { overhangNs: String(30n * MS), offsetMs: 40, calls: 2, skewedCalls: 1 } }],
    },
    { name: 'a start 3 ms early is beyond the start tolerance', spans: [root(), client(), server({ at: [7, 105] })], findings: [{ message: 'starts 3.00ms before its parent' }] },
  ],
});

ruleTable(negativeDuration, {
  valid: [{ name: 'a zero-length span is fine', spans: [span({ at: [5, 5] })] }],
  invalid: [{ name: 'ends before it starts', spans: [span({ at: [10, 7] })], findings: [{ message: 'ends 3.00ms before it starts', data: { durationNs: String(-3n * MS) } }] }],
});

ruleTable(implausibleTimestamp, {
  valid: [
    { name: 'a time in 2023', spans: [span()] },
    { name: 'an unknown time is missing, not implausible', spans: [span({ startTimeUnixNano: undefined, endTimeUnixNano: undefined })] },
  ],
  invalid: [
    { name: 'milliseconds read as nanoseconds', spans: [span({ startTimeUnixNano: 1_700_000_000_000n, endTimeUnixNano: 1_700_000_000_500n })], findings: [{ message: 'looks like milliseconds read as nanoseconds', data: { field: 'start' } }] },
    { name: 'microseconds read as nanoseconds', spans: [span({ startTimeUnixNano: 1_700_000_000_000_000n, endTimeUnixNano: 1_700_000_000_000_500n })], findings: [{ message: 'microseconds' }] },
    { name: 'the epoch itself (a model made by hand; decoders read a zero time as unknown)', spans: [span({ startTimeUnixNano: 0n, endTimeUnixNano: 0n })], findings: [{ message: 'is 0ns since the epoch' }] },
    { name: 'far in the future', spans: [span({ startTimeUnixNano: T0 * 2n, endTimeUnixNano: T0 * 2n })], findings: [{ message: 'is in the future' }] },
  ],
});

ruleTable(eventOutsideSpan, {
  valid: [{ name: 'an event inside the span', spans: [span({ at: [0, 10], events: [{ name: 'e', timeUnixNano: T0 + 5n * MS, attributes: attrs(), droppedAttributesCount: 0 }] })] }],
  invalid: [
    {
      name: 'an event 5 ms after the span ended',
      spans: [span({ at: [0, 10], events: [{ name: 'late', timeUnixNano: T0 + 15n * MS, attributes: attrs(), droppedAttributesCount: 0 }] })],
      findings: [{ message: "event 'late' is recorded after its span ends (first: 'op' in svc, 5.00ms after the span ends)" }],
    },
    {
      name: 'an unnamed event before the start',
      spans: [span({ at: [10, 20], events: [{ name: '', timeUnixNano: T0, attributes: attrs(), droppedAttributesCount: 0 }] })],
      findings: [{ message: "event #1 (unnamed) is recorded before its span starts (first: 'op' in svc, 10.0ms before the span starts)" }],
    },
  ],
});

ruleTable(incompleteSpan, {
  valid: [{ name: 'both times known', spans: [span(), span({ at: [0, 0] })] }],
  invalid: [
    {
      name: 'no start or end: one finding per service and what is missing, counted',
      spans: [
        ...[1, 2, 3].map(() => span({ service: 'platformapi', startTimeUnixNano: undefined, endTimeUnixNano: undefined, source: { file: 'z.json', format: 'zipkin' } })),
        span({ service: 'pusher', endTimeUnixNano: undefined, source: { file: 'z.json', format: 'zipkin' } }),
        span({ service: 'platformapi' }),
      ],
      findings: [
        { message: "span of 'platformapi' without start or end time (no timestamp, no duration)", count: 3, data: { missing: 'start+end' } },
        { message: "span of 'pusher' without end time (no duration)", count: 1 },
      ],
    },
    { name: 'OTLP names its fields', spans: [span({ startTimeUnixNano: undefined })], findings: [{ message: 'startTimeUnixNano absent or 0', data: { missing: 'start', format: 'otlp-json' } }] },
  ],
});

const inProcess = resource('api', { 'service.instance.id': 'api-1' });
ruleTable(childBeforeParent, {
  valid: [
    { name: 'a child inside its parent', spans: [span({ spanId: sid('p'), at: [0, 10] }), span({ parentSpanId: sid('p'), at: [1, 5] })] },
    { name: 'a child that outlives its parent (async work)', spans: [span({ spanId: sid('p'), at: [0, 10] }), span({ parentSpanId: sid('p'), at: [5, 50] })] },
    { name: 'a child in another service starts early: clock skew, not this', spans: [span({ spanId: sid('p'), kind: 'CLIENT', at: [0, 10] }), span({ parentSpanId: sid('p'), kind: 'SERVER', service: 'other', at: [-5, 5] })] },
    {
      name: 'another instance of the same service (its own clock)',
      spans: [span({ spanId: sid('p'), resource: inProcess, at: [0, 10] }), span({ parentSpanId: sid('p'), resource: resource('api', { 'service.instance.id': 'api-2' }), at: [-1, 5] })],
    },
  ],
  invalid: [
    {
      name: 'otel-rust failed_traces: the child starts 8 µs before its parent in one resource',
      spans: [span({ spanId: sid('p'), name: 'Sub operation...', at: [0.008, 0.014] }), span({ parentSpanId: sid('p'), name: 'operation', at: [0, 0.022] })],
      findings: [{ message: "'operation' in svc starts 8.00µs before its parent 'Sub operation...' in the same process of svc", data: { earlyNs: '8000' } }],
    },
    {
      name: 'two batches of one instance (separate resource objects, one service.instance.id), repeated on each request: one finding',
      spans: [1, 2, 3].flatMap((n) => [
        span({ traceId: tid(`t${n}`), spanId: sid(`p${n}`), name: 'handler', resource: inProcess, at: [10 * n, 10 * n + 5] }),
        span({ traceId: tid(`t${n}`), parentSpanId: sid(`p${n}`), name: 'db', resource: { ...inProcess }, at: [10 * n - 1, 10 * n + 2] }),
      ]),
      findings: [{ count: 3 }],
    },
  ],
});

describe('child-before-parent on the real SDK', () => {
  it('a child given a start time before its parent (a time passed by hand) is found', async () => {
    const { svc, spans } = sdkSystem(['api']);
    const parent = svc.api!.start('GET /orders', { kind: SpanKind.SERVER, at: 10 });
    svc.api!.start('load orders', { parent, at: 9 }).end(sdkMs(12));
    parent.end(sdkMs(20));
    const found = runRule(childBeforeParent, decodeSdk(toOtlpJson(await spans())));
    expect(found.map((d) => d.data.earlyNs)).toEqual(['1000000']);
  });
});
