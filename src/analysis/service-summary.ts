import type { Span } from '../model/span.js';
import { durationNano, serviceOf } from '../model/span.js';
import type { Trace } from '../model/trace.js';

export interface ServiceSummary {
  service: string;
  spans: number;
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
    const row = rows.get(service) ?? { service, spans: 0, totalNano: 0n, selfNano: 0n, errors: 0 };
    const duration = durationNano(span) > 0n ? durationNano(span) : 0n;
    row.spans++;
    row.totalNano += duration;
    row.selfNano += selfTime(span, trace.children(span));
    if (span.status.code === 'ERROR') row.errors++;
    rows.set(service, row);
  }
  return [...rows.values()].sort((a, b) => (b.selfNano > a.selfNano ? 1 : b.selfNano < a.selfNano ? -1 : a.service.localeCompare(b.service)));
}

/** The span's duration minus the union of its children's time inside it. */
export function selfTime(span: Span, children: readonly Span[]): bigint {
  const start = span.startTimeUnixNano;
  const end = span.endTimeUnixNano;
  if (end <= start) return 0n;
  const intervals = children
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
