import { defineRule } from '../lint/types.js';
import { isTimed, sameProcess, serviceOf } from '../model/span.js';
import { formatDuration } from '../model/time.js';
import { clip, spanLabel, spanName } from './support/describe.js';

export const childBeforeParent = defineRule({
  id: 'child-before-parent',
  category: 'timing',
  defaultSeverity: 'error',
  summary: 'A child span starts before its parent in the same process: impossible on one clock',
  docs: {
    why: 'Within one process every span is timed by the same clock, so a child cannot start before the span it was started under. When it does, this is not clock skew between hosts (clock-skew covers that) but an instrumentation bug: the span was given the wrong parent (a context captured later, or reused), or one of the two was started with a timestamp passed by hand from another clock or unit. Its place in the waterfall, its self time and the critical path are all wrong.',
    fix: 'Let the SDK take start times, or pass times from the same clock (OpenTelemetry JS: performance-based HrTime from the SDK, not Date.now() mixed with hrtime). Check that the parent context is the one active when the child starts, not one captured before or after. A child may end after its parent (asynchronous work that outlives the request); only the start is held.',
    references: ['https://opentelemetry.io/docs/specs/otel/trace/api/#span-creation'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    const { spans } = trace!;
    for (let i = 0; i < spans.length; i++) {
      const child = spans[i]!;
      const parent = trace!.parentAt(i);
      if (!parent || !isTimed(child) || !isTimed(parent) || !sameProcess(child, parent)) continue;
      if (child.startTimeUnixNano >= parent.startTimeUnixNano) continue;
      const early = parent.startTimeUnixNano - child.startTimeUnixNano;
      // One finding per service and pair of operations: a mistake in code repeats on every request.
      report({
        span: child,
        group: `${child.name}\u0000${parent.name}`,
        message: `${spanLabel(child)} starts ${formatDuration(early)} before its parent '${spanName(parent)}' in the same process of ${clip(serviceOf(child))}: a wrong parent or a start time passed by hand`,
        data: { parentSpanId: parent.spanId, earlyNs: early.toString() },
      });
    }
  },
});
