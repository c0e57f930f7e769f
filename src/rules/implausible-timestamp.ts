import { defineRule } from '../lint/types.js';
import { formatTimestamp } from '../model/time.js';
import { spanLabel } from './support/describe.js';

/** 2000-01-01T00:00:00Z in ns: no tracing data is older. */
const YEAR_2000 = 946_684_800_000_000_000n;
const DAY = 86_400_000_000_000n;

/** What an implausibly small ns timestamp most likely was, by its magnitude. */
function likelyUnit(ns: bigint): string {
  if (ns === 0n) return 'it is zero: the time was never set';
  if (ns < 10n ** 11n) return 'it looks like seconds read as nanoseconds';
  if (ns < 10n ** 14n) return 'it looks like milliseconds read as nanoseconds';
  if (ns < 10n ** 17n) return 'it looks like microseconds read as nanoseconds';
  return 'it is before the year 2000';
}

export const implausibleTimestamp = defineRule({
  id: 'implausible-timestamp',
  category: 'timing',
  defaultSeverity: 'error',
  summary: 'A span time is zero, before 2000 (a unit mistake) or in the future',
  docs: {
    why: 'Timestamps near 1970 are almost always a unit mistake (milliseconds or microseconds stored where nanoseconds belong) or a time that was never set; far-future ones come from the opposite mistake or a broken clock. Backends then file the span under the wrong day, retention drops it, and the trace cannot be assembled.',
    fix: 'Pass times in the unit the API expects (OTLP: nanoseconds since the epoch; Jaeger and Zipkin: microseconds) and let the SDK take timestamps where possible.',
  },
  options: {
    futureSlackHours: { type: 'number', default: 24, description: 'how far ahead of now a time may be before it counts as in the future, in hours' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const latest = BigInt(Date.now()) * 1_000_000n + BigInt(Math.round(options.futureSlackHours)) * (DAY / 24n);
    for (const span of trace!.spans) {
      for (const [field, ns] of [['start', span.startTimeUnixNano], ['end', span.endTimeUnixNano]] as const) {
        if (ns < YEAR_2000) {
          report({ span, key: field, message: `${field} time of ${spanLabel(span)} is ${ns}ns since the epoch (${formatTimestamp(ns)}): ${likelyUnit(ns)}`, data: { field, timeUnixNano: ns.toString() } });
          break;
        }
        if (ns > latest) {
          report({ span, key: field, message: `${field} time of ${spanLabel(span)} is in the future (${formatTimestamp(ns)})`, data: { field, timeUnixNano: ns.toString() } });
          break;
        }
      }
    }
  },
});
