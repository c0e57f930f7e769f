import { isTimed, serviceOf, type Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';

export interface ServiceSummary {
  service: string;
  spans: number;
  /** Spans whose start or end is unknown: left out of the times. */
  untimed: number;
  /** Sum of span durations (ns). */
  totalNano: bigint;
  /** Time spent in the service's spans and not in their children (ns). */
  selfNano: bigint;
  errors: number;
}

/** Per-service span count, total and self time, and errors, busiest first. */
export function serviceSummary(trace: Trace): ServiceSummary[] {
  const rows = new Map<string, ServiceSummary>();
  for (const span of trace.spans) {
    const service = serviceOf(span);
    const row = rows.get(service) ?? { service, spans: 0, untimed: 0, totalNano: 0n, selfNano: 0n, errors: 0 };
    row.spans++;
    if (isTimed(span)) {
      const duration = span.endTimeUnixNano - span.startTimeUnixNano;
      row.totalNano += duration > 0n ? duration : 0n;
      row.selfNano += selfTime(span, trace.children(span)) ?? 0n;
    } else row.untimed++;
    if (span.status.code === 'ERROR') row.errors++;
    rows.set(service, row);
  }
  return [...rows.values()].sort((a, b) => (b.selfNano > a.selfNano ? 1 : b.selfNano < a.selfNano ? -1 : a.service.localeCompare(b.service)));
}

/**
 * The span's duration minus the union of its children's time inside it, as Jaeger's
 * computeSpanSelfTime (its vectors: test/analysis/jaeger-critical-path.test.ts). Children of
 * unknown time take none; undefined when the span's own time is unknown.
 */
export function selfTime(span: Span, children: readonly Span[]): bigint | undefined {
  if (!isTimed(span)) return undefined;
  const start = span.startTimeUnixNano;
  const end = span.endTimeUnixNano;
  if (end <= start) return 0n;
  const intervals = children
    .filter(isTimed)
    .map((child) => [child.startTimeUnixNano < start ? start : child.startTimeUnixNano, child.endTimeUnixNano > end ? end : child.endTimeUnixNano] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let covered = 0n;
  let cursor = start;
  for (const [a, b] of intervals) {
    const from = a > cursor ? a : cursor;
    if (b > from) {
      covered += b - from;
      cursor = b;
    }
  }
  return end - start - covered;
}
