import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { formatTimestamp } from '../model/time.js';
import { spanLabel } from './support/describe.js';

/** 2000-01-01T00:00:00Z in ns: no tracing data is older. */
const YEAR_2000 = 946_684_800_000_000_000n;
const DAY = 86_400_000_000_000n;

/**
 * What an implausibly small ns timestamp most likely was: the first unit in
 * which the number is a date between 2000 and now, if any.
 */
function likelyUnit(ns: bigint, latest: bigint): string {
  for (const [unit, factor] of [['seconds', 1_000_000_000n], ['milliseconds', 1_000_000n], ['microseconds', 1_000n]] as const) {
    const asUnit = ns * factor;
    if (asUnit >= YEAR_2000 && asUnit <= latest) return `it looks like ${unit} read as nanoseconds`;
  }
  return 'a unit mistake, or a clock that is not the wall clock (time since boot)';
}

export const implausibleTimestamp = defineRule({
  id: 'implausible-timestamp',
  category: 'timing',
  defaultSeverity: 'error',
  summary: 'A span time is before 2000 (a unit mistake) or in the future',
  docs: {
    why: 'Timestamps near 1970 are almost always a unit mistake (milliseconds or microseconds stored where nanoseconds belong); far-future ones come from the opposite mistake or a broken clock. Backends then file the span under the wrong day, retention drops it, and the trace cannot be assembled.',
    fix: 'Pass times in the unit the API expects (OTLP: nanoseconds since the epoch; Jaeger and Zipkin: microseconds) and let the SDK take timestamps where possible.',
  },
  options: {
    futureSlackHours: { type: 'number', default: 24, description: 'how far ahead of now a time may be before it counts as in the future, in hours' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const latest = BigInt(Date.now()) * 1_000_000n + BigInt(Math.round(options.futureSlackHours)) * (DAY / 24n);
    // The first implausible time of a span is reported: its start, else its end.
    const check = (span: Span, field: 'start' | 'end', ns: bigint | undefined): boolean => {
      // An unknown time is not implausible, it is missing: incomplete-span reports it.
      if (ns === undefined) return false;
      if (ns < YEAR_2000) {
        report({ span, key: field, message: `${field} time of ${spanLabel(span)} is ${ns}ns since the epoch (${formatTimestamp(ns)}): ${likelyUnit(ns, latest)}`, data: { field, timeUnixNano: ns.toString() } });
        return true;
      }
      if (ns > latest) {
        report({ span, key: field, message: `${field} time of ${spanLabel(span)} is in the future (${formatTimestamp(ns)})`, data: { field, timeUnixNano: ns.toString() } });
        return true;
      }
      return false;
    };
    for (const span of trace!.spans) {
      if (!check(span, 'start', span.startTimeUnixNano)) check(span, 'end', span.endTimeUnixNano);
    }
  },
});
