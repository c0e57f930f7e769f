import { defineRule } from '../lint/types.js';

export const missingRoot = defineRule({
  id: 'missing-root',
  category: 'propagation',
  defaultSeverity: 'warn',
  summary: 'A trace has no root span: its entry point was not exported',
  docs: {
    why: 'Every span in the trace has a parent, but the top one is missing, so the request\'s entry point (and its total duration and status) is unknown. Usually the first service did not export (unsampled, crashed, or its batch was dropped), or the trace continues one started outside the exported data.',
    fix: 'Check the entry service\'s sampler and exporter. If traces legitimately start outside your system (a client you do not control), set this rule to off for those services.',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    if (trace!.roots.length > 0 || trace!.spans.length === 0) return;
    const tops = trace!.orphans;
    report({
      trace: trace!,
      ...(tops[0] ? { span: tops[0] } : {}),
      message: `trace has no root span: ${tops.length} detached subtree${tops.length === 1 ? '' : 's'}, none starting at the entry point`,
      data: { spans: trace!.spans.length, detachedSubtrees: tops.length },
    });
  },
});
