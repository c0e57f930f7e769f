import type { Span, SpanKind } from '../model/span.js';
import { serviceOf, SPAN_KINDS } from '../model/span.js';

export interface SpanStats {
  traces: number;
  spans: number;
  /** Services by span count, most spans first (then by name). */
  services: Array<{ name: string; spans: number }>;
  /** Earliest known start and latest known end, ns since the epoch; undefined when no span has one. */
  start: bigint | undefined;
  end: bigint | undefined;
  kinds: Record<SpanKind, number>;
  /** Spans with status ERROR. */
  errors: number;
  /** Spans whose start or end time is unknown (left out of start and end). */
  untimed: number;
}

export function spanStats(spans: Iterable<Span>): SpanStats {
  const traces = new Set<string>();
  const services = new Map<string, number>();
  const kinds = Object.fromEntries(SPAN_KINDS.map((kind) => [kind, 0])) as Record<SpanKind, number>;
  let count = 0;
  let errors = 0;
  let untimed = 0;
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const span of spans) {
    count++;
    traces.add(span.traceId);
    const service = serviceOf(span);
    services.set(service, (services.get(service) ?? 0) + 1);
    kinds[span.kind]++;
    if (span.status.code === 'ERROR') errors++;
    const s = span.startTimeUnixNano;
    const e = span.endTimeUnixNano;
    if (s !== undefined && (start === undefined || s < start)) start = s;
    if (e !== undefined && (end === undefined || e > end)) end = e;
    if (s === undefined || e === undefined) untimed++;
  }
  return {
    traces: traces.size,
    spans: count,
    services: [...services].map(([name, n]) => ({ name, spans: n })).sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name)),
    start,
    end,
    kinds,
    errors,
    untimed,
  };
}
