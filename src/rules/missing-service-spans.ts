import { unansweredCalls } from '../analysis/unanswered.js';
import { defineRule } from '../lint/types.js';
import { serviceOf } from '../model/span.js';
import { clip, spanName } from './support/describe.js';

export const missingServiceSpans = defineRule({
  id: 'missing-service-spans',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: "A call to a service has no child, and that service's spans for it are nowhere",
  docs: {
    why: 'A CLIENT span names a service that exports spans elsewhere in the data, but nothing from that service answers this call — not in this trace and not as a new trace at that time (that would be lost-propagation). The called service sampled this trace out (a different rate or a sampler that ignores the parent) or its spans were dropped before export. One finding per caller, callee and operation, with the number of calls; when the calls fall in a burst, dropped-batch says so once.',
    fix: "Use ParentBased samplers so the callee follows the caller's decision, and check the callee's exporter for dropped spans (queue full, export timeouts).",
  },
  options: {
    toleranceMs: { type: 'number', default: 5, description: 'clock slack used when ruling out a lost-propagation match, in ms' },
  },
  scope: 'set',
  check({ crossTrace, options, report }) {
    for (const { call, callee } of unansweredCalls(crossTrace, { toleranceNano: BigInt(Math.round(options.toleranceMs * 1e6)), messagingWindowNano: 0n })) {
      report({
        span: call,
        group: `${callee}\u0000${call.name}`,
        message: `calls from '${clip(serviceOf(call))}' to '${clip(callee)}' ('${spanName(call)}') go unanswered: '${clip(callee)}' exports spans elsewhere, but none answer these calls, in their traces or as new traces at that time (sampled out or dropped, or a new trace hidden by a skewed clock)`,
        data: { callee },
      });
    }
  },
});
