import { EntryIndex, findLostHop, isChildlessCall } from '../analysis/hops.js';
import { hintNamesService, peerHints } from '../analysis/peers.js';
import { defineRule } from '../lint/types.js';
import { serviceOf } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const missingServiceSpans = defineRule({
  id: 'missing-service-spans',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: "A call to a service has no child, and that service's spans for it are nowhere",
  docs: {
    why: 'A CLIENT span names a service that exports spans elsewhere in the data, but nothing from that service answers this call — not in this trace and not as a new trace at that time (that would be lost-propagation). The called service sampled this trace out (a different rate or a sampler that ignores the parent) or its spans were dropped before export.',
    fix: 'Use ParentBased samplers so the callee follows the caller\'s decision, and check the callee\'s exporter for dropped spans (queue full, export timeouts).',
  },
  options: {
    toleranceMs: { type: 'number', default: 5, description: 'clock slack used when ruling out a lost-propagation match, in ms' },
  },
  scope: 'set',
  check({ traces, options, report }) {
    const services = new Set<string>();
    for (const span of traces.spans()) services.add(serviceOf(span));
    const serviceList = [...services];
    const index = new EntryIndex(traces);
    const windows = { toleranceNano: BigInt(Math.round(options.toleranceMs * 1e6)), messagingWindowNano: 0n };
    for (const trace of traces.traces.values()) {
      for (const span of trace.spans) {
        if (span.kind !== 'CLIENT' || !isChildlessCall(span, trace)) continue;
        const hints = peerHints(span);
        const caller = serviceOf(span);
        const callee = serviceList.find((service) => service !== caller && hints.some((hint) => hintNamesService(hint, service)));
        if (callee === undefined || findLostHop(span, index, windows)) continue;
        report({
          span,
          message: `${spanLabel(span)} calls '${callee}', which exports spans elsewhere, but none of its spans answer this call, in this trace or as a new trace at that time: sampled out or dropped (or a new trace hidden by a skewed clock)`,
          data: { callee },
        });
      }
    }
  },
});
