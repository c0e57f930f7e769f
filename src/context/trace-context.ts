import type { ParseResult } from './problem.js';
import { parseTraceparent, type Traceparent } from './traceparent.js';
import { parseTracestate, type TracestateMember, type TracestateOptions } from './tracestate.js';

/**
 * What a receiver makes of a request's `traceparent` and `tracestate`,
 * following W3C Trace Context §3.3: "If the vendor failed to parse
 * traceparent, it MUST NOT attempt to parse tracestate. Note that the opposite
 * is not true: failure to parse tracestate MUST NOT affect the parsing of
 * traceparent." This is the job a propagator's `extract` does, with every
 * problem explained.
 */
export interface TraceContext {
  traceparent: ParseResult<Traceparent>;
  /** The tracestate parsed; undefined when there was none, or when traceparent is invalid (§3.3). */
  tracestate: ParseResult<TracestateMember[]> | undefined;
  /** Why tracestate was not parsed although present. */
  tracestateIgnored: 'traceparent is invalid (W3C Trace Context §3.3)' | undefined;
}

/**
 * Parses the two headers as a receiver does. `tracestate` is the combined
 * value of every tracestate header line (joined with ',', §3.3.1.1);
 * `options.level` chooses the level whose tracestate key grammar decides (2 by default).
 */
export function parseTraceContext(traceparent: string, tracestate?: string, options?: TracestateOptions): TraceContext {
  const parent = parseTraceparent(traceparent);
  if (tracestate === undefined) return { traceparent: parent, tracestate: undefined, tracestateIgnored: undefined };
  if (!parent.valid) return { traceparent: parent, tracestate: undefined, tracestateIgnored: 'traceparent is invalid (W3C Trace Context §3.3)' };
  return { traceparent: parent, tracestate: parseTracestate(tracestate, options), tracestateIgnored: undefined };
}
