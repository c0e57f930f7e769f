import { clockSkew } from '../../src/rules/clock-skew.js';
import { eventOutsideSpan } from '../../src/rules/event-outside-span.js';
import { implausibleTimestamp } from '../../src/rules/implausible-timestamp.js';
import { incompleteSpan } from '../../src/rules/incomplete-span.js';
import { negativeDuration } from '../../src/rules/negative-duration.js';
import { ruleTable } from '../support/rule-tester.js';
import { attrs, MS, sid, span, T0 } from '../support/spans.js';

const client = (over: Parameters<typeof span>[0] = {}) => span({ spanId: sid('c'), parentSpanId: sid('r'), kind: 'CLIENT', service: 'checkout', name: 'POST /pay', at: [10, 110], ...over });
const root = () => span({ spanId: sid('r'), kind: 'SERVER', service: 'checkout', at: [0, 200] });

ruleTable(clockSkew, {
  valid: [
    { name: 'the server fits inside the client call', spans: [root(), client(), span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'payment', at: [15, 105] })] },
    { name: 'a FOLLOWS_FROM child may start after its parent ended', spans: [root(), client(), span({ spanId: sid('s'), parentSpanId: sid('c'), service: 'payment', parentRefType: 'FOLLOWS_FROM', at: [300, 400] })] },
    { name: 'a consumer starts whenever the message is read', spans: [root(), client({ kind: 'PRODUCER' }), span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'CONSUMER', service: 'worker', at: [5, 600] })] },
    { name: 'children in the same service are never skew', spans: [root(), span({ spanId: sid('x'), parentSpanId: sid('r'), service: 'checkout', at: [-50, 10] })] },
    { name: 'within the tolerance', options: { toleranceMs: 5 }, spans: [root(), client(), span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'payment', at: [7, 105] })] },
  ],
  invalid: [
    {
      name: 'the server starts 250 ms before the client called it',
      spans: [root(), client(), span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'payment', name: 'POST /pay', at: [-240, -160] })],
      // Centred in the 100 ms call (10..110): (100 - 80) / 2 = 10 ms latency each way, so it should
      // start at 20 ms; it starts at -240 ms, so payment's clock is 260 ms behind.
      findings: [{ spanId: sid('s'), message: "clock of 'payment' looks off by -260ms against 'checkout': SERVER 'POST /pay' in payment starts 250ms before its parent", data: { service: 'payment', parentService: 'checkout', offsetMs: -260, offsetNs: String(-260n * MS) } }],
    },
    {
      name: 'a server that ends after the call returned, reported once per pair of services',
      spans: [root(), client(), span({ spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'payment', at: [60, 140] }), client({ spanId: sid('c2'), at: [120, 130] }), span({ spanId: sid('s2'), parentSpanId: sid('c2'), kind: 'SERVER', service: 'payment', at: [122, 128] })],
            // 80 ms inside a 100 ms call should start at 20 ms; it starts at 60 ms: 40 ms ahead.
      findings: [{ spanId: sid('s'), message: "looks off by +40.0ms against 'checkout': SERVER 'op' in payment ends 30.0ms after its parent", data: { offsetMs: 40, calls: 2, skewedCalls: 1 } }],
    },
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
      findings: [{ message: "event 'late' of 'op' in svc is 5.00ms after the span ends" }],
    },
    {
      name: 'an unnamed event before the start',
      spans: [span({ at: [10, 20], events: [{ name: '', timeUnixNano: T0, attributes: attrs(), droppedAttributesCount: 0 }] })],
      findings: [{ message: 'event #1 (unnamed) of \'op\' in svc is 10.0ms before the span starts' }],
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
