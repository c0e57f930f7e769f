import { EntryIndex, findLostHop, type LostHop } from '../analysis/hops.js';
import { defineRule } from '../lint/types.js';
import { displayTraceIdOf } from '../model/ids.js';
import { serviceOf } from '../model/span.js';
import { clip, spanLabel } from './support/describe.js';

export const lostPropagation = defineRule({
  id: 'lost-propagation',
  category: 'propagation',
  defaultSeverity: 'error',
  summary: 'A call has no child in its trace, and the called service started a new trace at that moment',
  docs: {
    why: "An outgoing CLIENT (or PRODUCER) span with no child, together with a root SERVER (or CONSUMER) span in the called service inside the call's time window, is the mark of a hop that did not send or did not accept `traceparent`: one request is split into two traces, and neither shows the whole picture. An error needs evidence that singles out the new trace: the server saw the client's own port as its peer's, it is the only one serving the path the client called, or it is the only new trace of that service in the call. When several fit and nothing tells them apart (a service that also serves the public, or browsers), the finding is a warning that the call went unanswered, with the number of candidates: the call may as well have been sampled out.",
    fix: 'Make the caller inject the context (instrumented HTTP/gRPC client, or propagation.inject on the outgoing headers) and the callee extract it (instrumented server, or propagation.extract before starting the SERVER span). Check proxies and gateways between them: they must forward traceparent and tracestate. The finding names both traces and the hop.',
    references: ['https://www.w3.org/TR/trace-context/', 'https://opentelemetry.io/docs/concepts/context-propagation/'],
  },
  options: {
    toleranceMs: { type: 'number', default: 5, description: 'clock slack around the call window when matching a callee named by peer attributes, in ms' },
    messagingWindowMs: { type: 'number', default: 300000, description: 'how long after a PRODUCER span a CONSUMER on the same destination may start, in ms' },
  },
  scope: 'set',
  check({ crossTrace, options, report }) {
    const index = new EntryIndex(crossTrace.roots);
    const windows = { toleranceNano: BigInt(Math.round(options.toleranceMs * 1e6)), messagingWindowNano: BigInt(Math.round(options.messagingWindowMs * 1e6)) };
    for (const span of crossTrace.childlessCalls) {
      {
        const hop = findLostHop(span, index, windows);
        if (!hop) continue;
        const data = { callerService: serviceOf(span), calleeService: serviceOf(hop.callee), calleeTraceId: hop.callee.traceId, calleeSpanId: hop.callee.spanId, candidates: hop.candidates, evidence: hop.evidence ?? null };
        const calleeTrace = displayTraceIdOf(hop.callee.traceId, hop.callee.source.format);
        if (hop.evidence === undefined) {
          // Several roots fit and nothing tells them apart: the call may as well have been sampled out.
          report({
            span,
            severity: 'warn',
            group: `${serviceOf(hop.callee)}\u0000${span.name}`,
            message: `${spanLabel(span)} has no child in its trace, and ${hop.candidates} new traces of '${clip(serviceOf(hop.callee))}' started during the call, none matching its path or port: the call went unanswered (context lost, or sampled out)`,
            data,
          });
          continue;
        }
        report({
          span,
          message: `${spanLabel(span)} has no child, and ${spanLabel(hop.callee)} started a new trace ${calleeTrace} during the call (${EVIDENCE[hop.evidence]}): context was not propagated on this hop`,
          data,
        });
      }
    }
  },
});

const EVIDENCE: Record<NonNullable<LostHop['evidence']>, string> = {
  ports: "the client's port is the server's peer port",
  path: 'the only one serving the path it called',
  'only-fit': 'the only new trace of that service in the call',
};
