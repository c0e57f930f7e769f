import { defineRule } from '../lint/types.js';
import { missingTimes, serviceOf, type FormatName } from '../model/span.js';
import { clip } from './support/describe.js';

/** What the format writes when it leaves a time out, for the message. */
const LEFT_OUT: Record<FormatName, { start: string; end: string }> = {
  zipkin: { start: 'no timestamp', end: 'no duration' },
  jaeger: { start: 'no startTime', end: 'no duration' },
  'otlp-json': { start: 'startTimeUnixNano absent or 0', end: 'endTimeUnixNano absent or 0' },
  'otlp-jsonl': { start: 'startTimeUnixNano absent or 0', end: 'endTimeUnixNano absent or 0' },
  'otlp-proto': { start: 'start_time_unix_nano 0', end: 'end_time_unix_nano 0' },
  tempo: { start: 'startTimeUnixNano absent or 0', end: 'endTimeUnixNano absent or 0' },
};

export const incompleteSpan = defineRule({
  id: 'incomplete-span',
  category: 'timing',
  defaultSeverity: 'warn',
  summary: 'A span was exported without its start or end time',
  docs: {
    why: 'A span without a start or end time has no place on the time axis and no duration: it cannot be on the critical path, in latency percentiles or in clock-skew estimates, and tools that read the missing time as 0 file it in 1970. Zipkin allows it for a span sent in parts or never finished ("possibly absent if incomplete"); in OTLP a zero time means the producer never set it. tracelint keeps such spans in the tree, marked, and leaves them out of every time calculation.',
    fix: 'Make sure every span is ended before it is exported (a span still open when the process exits, or reported by a flush, has no duration), and that code creating spans by hand sets both times. For Zipkin, check that the reporter sends the span\'s finishing part.',
    references: ['https://zipkin.io/zipkin-api/#/default/post_spans', 'https://opentelemetry.io/docs/specs/otel/trace/api/#span'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      const missing = missingTimes(span);
      if (missing.length === 0) continue;
      const leftOut = missing.map((which) => LEFT_OUT[span.source.format][which]).join(', ');
      report({
        span,
        group: missing.join('+'),
        // Grouped by service and what is missing: the message is true of every span it counts.
        message: `span of '${clip(serviceOf(span))}' without ${missing.join(' or ')} time (${leftOut}): left out of durations, skew and the critical path`,
        data: { missing: missing.join('+'), format: span.source.format },
      });
    }
  },
});
