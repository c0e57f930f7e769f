import { EntryIndex, findLostHop, isChildlessCall } from '../analysis/hops.js';
import { defineRule } from '../lint/types.js';
import { serviceOf } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const lostPropagation = defineRule({
  id: 'lost-propagation',
  category: 'propagation',
  defaultSeverity: 'error',
  summary: 'A call has no child in its trace, and the called service started a new trace at that moment',
  docs: {
    why: 'An outgoing CLIENT (or PRODUCER) span with no child, together with a root SERVER (or CONSUMER) span in the called service inside the call\'s time window, is the mark of a hop that did not send or did not accept `traceparent`: one request is split into two traces, and neither shows the whole picture.',
    fix: 'Make the caller inject the context (instrumented HTTP/gRPC client, or propagation.inject on the outgoing headers) and the callee extract it (instrumented server, or propagation.extract before starting the SERVER span). Check proxies and gateways between them: they must forward traceparent and tracestate. The finding names both traces and the hop.',
    references: ['https://www.w3.org/TR/trace-context/', 'https://opentelemetry.io/docs/concepts/context-propagation/'],
  },
  options: {
    toleranceMs: { type: 'number', default: 5, description: 'clock slack around the call window when matching a callee named by peer attributes, in ms' },
    messagingWindowMs: { type: 'number', default: 300000, description: 'how long after a PRODUCER span a CONSUMER on the same destination may start, in ms' },
  },
  scope: 'set',
  check({ traces, options, report }) {
    const index = new EntryIndex(traces);
    const windows = { toleranceNano: BigInt(Math.round(options.toleranceMs * 1e6)), messagingWindowNano: BigInt(Math.round(options.messagingWindowMs * 1e6)) };
    for (const trace of traces.traces.values()) {
      for (const span of trace.spans) {
        if (!isChildlessCall(span, trace)) continue;
        const hop = findLostHop(span, index, windows);
        if (!hop) continue;
        report({
          span,
          message: `${spanLabel(span)} has no child, and ${spanLabel(hop.callee)} started a new trace ${hop.callee.traceId} during the call: context was not propagated on this hop`,
          data: {
            callerService: serviceOf(span),
            calleeService: serviceOf(hop.callee),
            calleeTraceId: hop.callee.traceId,
            calleeSpanId: hop.callee.spanId,
            candidates: hop.candidates,
          },
        });
      }
    }
  },
});
