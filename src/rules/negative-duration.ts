import { defineRule } from '../lint/types.js';
import { isTimed } from '../model/span.js';
import { formatDuration } from '../model/time.js';
import { spanLabel } from './support/describe.js';

export const negativeDuration = defineRule({
  id: 'negative-duration',
  category: 'timing',
  defaultSeverity: 'error',
  summary: 'A span ends before it starts',
  docs: {
    why: 'An end time before the start time makes every duration, percentile and critical path that includes the span wrong. It comes from mixing clocks within one span (a start time taken from one source and the end from another), from passing an end time in a different unit, or from ending a span with a timestamp computed before it started.',
    fix: 'Let the SDK take both timestamps, or pass both from the same clock and unit (OpenTelemetry JS accepts milliseconds as numbers, [seconds, nanos] as HrTime, or Date).',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      if (!isTimed(span) || span.endTimeUnixNano >= span.startTimeUnixNano) continue;
      const by = span.startTimeUnixNano - span.endTimeUnixNano;
      report({ span, message: `${spanLabel(span)} ends ${formatDuration(by)} before it starts`, data: { durationNs: (-by).toString() } });
    }
  },
});
