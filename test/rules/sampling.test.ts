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
      findings: [{ spanId: sid('c'), message: "calls 'inventory', which exports spans elsewhere, but none of its spans answer this call", data: { callee: 'inventory' } }],
    },
  ],
});

ruleTable(droppedData, {
  valid: [{ name: 'nothing dropped', spans: [span()] }],
  invalid: [
    { name: 'attributes and events dropped', spans: [span({ droppedAttributesCount: 3, droppedEventsCount: 1 })], findings: [{ message: 'dropped 3 attributes, 1 events', data: { attributes: 3, events: 1, links: 0 } }] },
  ],
});

const orphan = (trace: string, id: string) => span({ traceId: tid(trace), spanId: sid(id), parentSpanId: sid(`f${id}`), service: 'payment' });

ruleTable(droppedBatch, {
  valid: [
    { name: 'a few orphans', spans: [orphan('1', '1'), orphan('2', '2')] },
    { name: 'many orphans, but all in one trace', spans: ['1', '2', '3', '4', '5'].map((id) => orphan('1', id)) },
  ],
  invalid: [
    {
      name: 'five orphans of one service across three traces',
      spans: [orphan('1', '1'), orphan('1', '2'), orphan('2', '3'), orphan('2', '4'), orphan('3', '5')],
      findings: [{ message: "5 spans of 'payment' in 3 traces have parents that were never exported", data: { service: 'payment', orphans: 5, traces: 3 } }],
    },
  ],
});
