import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
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
    const members = new Set(trace!.cycleMembers());
    const reported = new Set<Span>();
    // Spans an earlier walk passed (the reported ones too): their cycle has been dealt with. Without this, each span of a
    // subtree hanging under a cycle walked all the way up to it (quadratic in the subtree's depth).
    const walked = new Set<Span>();
    for (const span of members) {
      if (walked.has(span)) continue;
      // Walk parents until a span repeats: that span starts the cycle.
      const path: Span[] = [];
      const onPath = new Set<Span>();
      let current: Span | undefined = span;
      while (current && !onPath.has(current) && !walked.has(current)) {
        path.push(current);
        onPath.add(current);
        current = current.parentSpanId === current.spanId ? current : trace!.parent(current);
      }
      for (const passed of path) walked.add(passed);
      if (!current || !onPath.has(current)) continue;
      const cycle = path.slice(path.indexOf(current));
      if (cycle.some((member) => reported.has(member))) continue;
      cycle.forEach((member) => reported.add(member));
      const self = cycle.length === 1;
      report({
        span: cycle[0]!,
        message: self ? `${spanLabel(cycle[0]!)} names itself as its parent` : `${cycle.length} spans form a parent cycle: ${cycle.map((member) => member.spanId).join(' -> ')} -> ${cycle[0]!.spanId}`,
        data: { cycle: cycle.map((member) => member.spanId) },
      });
    }
  },
});
