import { defineRule } from '../lint/types.js';
import { serviceOf } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const multipleRoots = defineRule({
  id: 'multiple-roots',
  category: 'propagation',
  defaultSeverity: 'warn',
  summary: 'A trace has more than one root span',
  docs: {
    why: 'A trace should have one entry point. Several spans without a parent under one trace id mean a context was reused without its parent (a trace id copied but not the span id), or spans were started as new roots inside existing work; the trace view shows disconnected pieces.',
    fix: 'Start child spans from the active context (context.with / startActiveSpan) instead of creating roots, and propagate the whole traceparent, not only the trace id.',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    const roots = trace!.roots;
    if (roots.length < 2) return;
    // Once per trace, not once per extra root: a trace of many roots made this quadratic.
    const services = [...new Set(roots.map(serviceOf))].sort();
    const first = spanLabel(roots[0]!);
    for (const extra of roots.slice(1)) {
      report({
        span: extra,
        message: `${spanLabel(extra)} is a second root in this trace (the first is ${first}); ${roots.length} roots in all`,
        data: { roots: roots.length, firstRootSpanId: roots[0]!.spanId, services: [...services] },
      });
    }
  },
});
