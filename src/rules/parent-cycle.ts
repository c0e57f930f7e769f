import { defineRule } from '../lint/types.js';
import { spanLabel } from './support/describe.js';

export const parentCycle = defineRule({
  id: 'parent-cycle',
  category: 'ids',
  defaultSeverity: 'error',
  summary: 'Spans are their own parent, directly or through a cycle',
  docs: {
    why: 'A span that is its own ancestor cannot be placed in a tree: backends hide it or loop. It comes from an id generator that repeats, or from code that sets a span\'s parent to a context it created itself.',
    fix: 'Start spans only from the active context or an extracted remote context, never from a context built from the span\'s own ids.',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const cycle of trace!.parentCycles()) {
      const self = cycle.length === 1;
      report({
        span: cycle[0]!,
        message: self ? `${spanLabel(cycle[0]!)} names itself as its parent` : `${cycle.length} spans form a parent cycle: ${cycle.map((member) => member.spanId).join(' -> ')} -> ${cycle[0]!.spanId}`,
        data: { cycle: cycle.map((member) => member.spanId) },
      });
    }
  },
});
