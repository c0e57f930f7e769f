import { defineRule } from '../lint/types.js';
import { isTimed } from '../model/span.js';
import { formatDuration } from '../model/time.js';
import { clip, spanLabel } from './support/describe.js';

export const eventOutsideSpan = defineRule({
  id: 'event-outside-span',
  category: 'timing',
  defaultSeverity: 'warn',
  summary: "A span event's time lies outside the span",
  docs: {
    why: 'Events (logs, exceptions) belong to the span\'s lifetime. One outside it was recorded with a timestamp from another clock or unit, or added after the span ended (the SDK should refuse that), and timelines place it wrongly.',
    fix: 'Record events while the span is open and let the SDK take their time; if you pass a time, use the same clock and unit as the span.',
  },
  options: {
    toleranceMs: { type: 'number', default: 1, description: 'slack at either end of the span, in ms' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const tolerance = BigInt(Math.round(options.toleranceMs * 1e6));
    for (const span of trace!.spans) {
      // Unknown times place nothing: incomplete-span reports them.
      if (!isTimed(span)) continue;
      span.events.forEach((event, index) => {
        if (event.timeUnixNano === undefined) return;
        const before = span.startTimeUnixNano - tolerance - event.timeUnixNano;
        const after = event.timeUnixNano - span.endTimeUnixNano - tolerance;
        if (before <= 0n && after <= 0n) return;
        const label = event.name ? `'${clip(event.name, 40)}'` : `#${index + 1} (unnamed)`;
        const where = before > 0n ? `${formatDuration(before + tolerance)} before the span starts` : `${formatDuration(after + tolerance)} after the span ends`;
        // One finding per service, event and side: the same late event (a flush after the end) repeats on every span.
        report({
          span,
          key: `${index}`,
          group: `${event.name}\u0000${before > 0n ? 'before' : 'after'}`,
          message: `event ${label} is recorded ${before > 0n ? 'before its span starts' : 'after its span ends'} (first: ${spanLabel(span)}, ${where})`,
          data: { event: event.name, eventIndex: index, timeUnixNano: event.timeUnixNano.toString() },
        });
      });
    }
  },
});
