import { droppedBatch } from '../../src/rules/dropped-batch.js';
import { droppedData } from '../../src/rules/dropped-data.js';
import { missingServiceSpans } from '../../src/rules/missing-service-spans.js';
import { samplingFlagMismatch } from '../../src/rules/sampling-flag-mismatch.js';
import { unsampledSpanRecorded } from '../../src/rules/unsampled-span-recorded.js';
import { ruleTable } from '../support/rule-tester.js';
import { sid, span, tid } from '../support/spans.js';

// What flags mean is the decoder's decision (test/formats/trace-flags.test.ts); rules read `sampled`.
ruleTable(samplingFlagMismatch, {
  valid: [
    { name: 'all sampled', spans: [span({ sampled: true }), span({ sampled: true, at: [1, 2] })] },
    { name: 'an unknown decision says nothing', spans: [span({ sampled: true }), span({ at: [1, 2] })] },
  ],
  invalid: [
    {
      name: 'one service sampled, another not',
      spans: [span({ sampled: true, service: 'a' }), span({ sampled: false, service: 'b', at: [1, 2] })],
      findings: [{ message: '1 span is sampled (a) and 1 not (b) in one trace', data: { sampledServices: ['a'], unsampledServices: ['b'] } }],
    },
  ],
});

ruleTable(unsampledSpanRecorded, {
  valid: [
    { name: 'sampled spans', spans: [span({ sampled: true })] },
    { name: 'unknown is not unsampled', spans: [span({ flags: 0x100 })] },
  ],
  invalid: [{ name: 'an exported span with the sampled bit off', spans: [span({ sampled: false, spanId: sid('9') })], findings: [{ spanId: sid('9'), message: 'exported with the sampled flag off', data: { unsampled: 1 } }] }],
});

const call = (over: Parameters<typeof span>[0] = {}) => span({ traceId: tid('a'), spanId: sid('c'), kind: 'CLIENT', service: 'frontend', attributes: { 'peer.service': 'inventory' }, at: [10, 20], ...over });

ruleTable(missingServiceSpans, {
  valid: [
    { name: 'the callee answered in the same trace', spans: [call(), span({ traceId: tid('a'), spanId: sid('s'), parentSpanId: sid('c'), kind: 'SERVER', service: 'inventory', at: [11, 19] })] },
    { name: 'the callee never exports anything (not instrumented)', spans: [call()] },
    { name: 'the callee started a new trace (lost-propagation reports that)', spans: [call(), span({ traceId: tid('b'), spanId: sid('s'), kind: 'SERVER', service: 'inventory', at: [11, 19] })] },
  ],
  invalid: [
    {
      name: 'the callee exports other traces but nothing for this call',
      spans: [call(), span({ traceId: tid('b'), spanId: sid('s'), kind: 'SERVER', service: 'inventory', at: [500, 510] })],
      findings: [{ spanId: sid('c'), message: "calls from 'frontend' to 'inventory' ('op') go unanswered: 'inventory' exports spans elsewhere, but none answer these calls", data: { callee: 'inventory' } }],
    },
    {
      name: 'the same unanswered call in many traces is one finding with the count',
      spans: [...['a', 'b', 'c'].map((t, n) => call({ traceId: tid(t), at: [10 + n, 20 + n] })), span({ traceId: tid('z'), spanId: sid('s'), kind: 'SERVER', service: 'inventory', at: [500, 510] })],
      findings: [{ count: 3 }],
    },
  ],
});

ruleTable(droppedData, {
  valid: [{ name: 'nothing dropped', spans: [span()] }],
  invalid: [
    { name: 'attributes and events dropped', spans: [span({ droppedAttributesCount: 3, droppedEventsCount: 1 })], findings: [{ message: 'dropped 3 attributes, 1 events', data: { attributes: 3, events: 1, links: 0 } }] },
  ],
});

/** A span of payment whose parent, a span of payment itself, was never exported; `at` in ms. */
const orphan = (trace: string, id: string, at = 0) => span({ traceId: tid(trace), spanId: sid(id), parentSpanId: sid(`f${id}`), service: 'payment', at: [at, at + 1] });

ruleTable(droppedBatch, {
  valid: [
    { name: 'a few orphans', spans: [orphan('1', '1'), orphan('2', '2')] },
    { name: 'many orphans, but all in one trace', spans: ['1', '2', '3', '4', '5'].map((id) => orphan('1', id)) },
    { name: 'orphans spread thin over an hour: not a burst', spans: [0, 1, 2, 3, 4, 5].map((n) => orphan(String(n), String(n), n * 600_000)) },
    {
      name: "orphaned SERVER spans: the missing parent was the caller's, not payment's own",
      spans: ['1', '2', '3', '4', '5'].map((id) => span({ traceId: tid(id), spanId: sid(id), parentSpanId: sid(`f${id}`), kind: 'SERVER', service: 'payment' })),
    },
  ],
  invalid: [
    {
      name: 'five orphans of one service across three traces in a burst',
      spans: [orphan('1', '1', 0), orphan('1', '2', 1), orphan('2', '3', 2), orphan('2', '4', 3), orphan('3', '5', 4)],
      findings: [{ message: "5 spans of 'payment' lost their parent, in 3 traces: 'payment' dropped spans before export (likely a full export queue", data: { service: 'payment', orphans: 5, unansweredCalls: 0, traces: 3 } }],
    },
    {
      name: 'orphans and unanswered calls to the service in one burst are one finding; a second burst an hour later is another',
      spans: [
        orphan('1', '1', 0),
        orphan('2', '2', 50),
        ...['a', 'b', 'c'].map((t, n) => span({ traceId: tid(t), spanId: sid(`c${t}`), kind: 'CLIENT', service: 'checkout', attributes: { 'peer.service': 'payment' }, at: [100 + n, 110 + n] })),
        ...[0, 1, 2, 3, 4].map((n) => orphan(`h${n}`, `h${n}`, 3_600_000 + n)),
      ],
      findings: [
        { message: "2 spans of 'payment' lost their parent and 3 calls to 'payment' went unanswered, in 5 traces", data: { orphans: 2, unansweredCalls: 3 } },
        { data: { orphans: 5 } },
      ],
    },
  ],
});
