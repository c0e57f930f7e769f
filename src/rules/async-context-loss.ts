import { spanWindow } from '../analysis/hops.js';
import { StabbingIndex } from '../analysis/windows.js';
import { defineRule } from '../lint/types.js';
import { displayTraceIdOf } from '../model/ids.js';
import { isTimed, serviceOf, type Span, type TimedSpan } from '../model/span.js';
import { clip, spanLabel } from './support/describe.js';

export const asyncContextLoss = defineRule({
  id: 'async-context-loss',
  category: 'propagation',
  defaultSeverity: 'warn',
  summary: 'A new root span starts inside a request of the same service in another trace',
  docs: {
    why: "A root span that is not an entry point (not SERVER or CONSUMER) and that starts while the same service is serving a request of another trace (inside that request's SERVER or CONSUMER span) is the mark of asynchronous work (a timer, a queue callback, a thread pool task, a promise chain that lost AsyncLocalStorage) that lost its context: it becomes a trace of its own instead of a child of the request that caused it. Roots that are concurrency, not lost context, are left alone: a root overlapping another root of the same service and operation (jobs run side by side, a load generator's sessions), and roots of one operation that start at regular intervals (a scheduler). When several requests were running at that moment, the finding says how many: time alone cannot tell which one caused the work.",
    fix: 'Carry the context into the async work: context.bind / context.with around callbacks, instrumented executors, or capture the active context when scheduling and restore it when running. In Node.js make sure the AsyncLocalStorage context manager is registered. If the work is deliberately independent, start it with a link to the request (links are never reported).',
  },
  options: {},
  scope: 'set',
  check({ crossTrace, report }) {
    const series = rootSeries(crossTrace.roots);
    if (series.size === 0) return;
    // Only the services with such roots: indexing every request of an export of entry points alone held 80 MB per 500k.
    const requests = requestIndexes(crossTrace.requests, new Set([...series.values()].map((list) => serviceOf(list[0]!))));
    for (const root of lostRoots(series, requests)) {
      const index = requests.get(serviceOf(root))!;
      const running = index.count(root.startTimeUnixNano);
      const only = index.only(root.startTimeUnixNano);
      // One finding per service and operation: the same lost context repeats on every request.
      report({
        span: root,
        group: root.name,
        message: only
          ? `${spanLabel(root)} starts a new trace while ${spanLabel(only)} of trace ${displayTraceIdOf(only.traceId, only.source.format)}, the only request of '${clip(serviceOf(root))}' running, is serving it: async work likely lost its context`
          : `${spanLabel(root)} starts a new trace while ${running} requests of '${clip(serviceOf(root))}' are running in other traces: async work likely lost its context (time alone cannot tell which request)`,
        data: { service: serviceOf(root), runningRequests: running, ...(only ? { hostTraceId: only.traceId, hostSpanId: only.spanId } : {}) },
      });
    }
  },
});

/** The SERVER and CONSUMER spans (the requests it serves) of each of `services`, for asking which were running at a moment. */
function requestIndexes(requests: readonly Span[], services: ReadonlySet<string>): Map<string, StabbingIndex<TimedSpan>> {
  const byService = new Map<string, TimedSpan[]>();
  for (const span of requests) {
    if (!services.has(serviceOf(span)) || !isTimed(span)) continue;
    const list = byService.get(serviceOf(span)) ?? [];
    list.push(span);
    byService.set(serviceOf(span), list);
  }
  return new Map([...byService].map(([service, list]) => [service, new StabbingIndex(list, spanWindow)]));
}

/** Roots that could be work that lost its context (not entry points, no links, with known times), by service and operation. */
function rootSeries(roots: readonly Span[]): Map<string, TimedSpan[]> {
  const series = new Map<string, TimedSpan[]>();
  for (const root of roots) {
    if (root.kind === 'SERVER' || root.kind === 'CONSUMER' || root.links.length > 0 || !isTimed(root)) continue;
    const key = `${serviceOf(root)}\u0000${root.name}`;
    const list = series.get(key) ?? [];
    list.push(root);
    series.set(key, list);
  }
  return series;
}

/**
 * Of those roots, the ones each starting inside a request of its service, and
 * not one of a series of independent roots: roots of one service and operation
 * that overlap each other (concurrency), of which one starts outside every
 * request (the series does not follow requests), or that start at regular
 * intervals without following a request each at a steady offset (a scheduler in
 * a busy service).
 */
function lostRoots(series: ReadonlyMap<string, TimedSpan[]>, requests: Map<string, StabbingIndex<TimedSpan>>): TimedSpan[] {
  const candidates: TimedSpan[] = [];
  for (const list of series.values()) {
    const index = requests.get(serviceOf(list[0]!));
    if (!index || list.some((root) => index.count(root.startTimeUnixNano) === 0)) continue;
    list.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
    if (isPeriodic(list) && !followsRequests(list, index)) continue;
    // A root that overlaps another of its service and operation is concurrency: jobs side by side.
    let latestEnd = -1n;
    list.forEach((root, i) => {
      const next = list[i + 1];
      const overlaps = root.startTimeUnixNano < latestEnd || (next !== undefined && next.startTimeUnixNano < root.endTimeUnixNano);
      if (root.endTimeUnixNano > latestEnd) latestEnd = root.endTimeUnixNano;
      if (!overlaps) candidates.push(root);
    });
  }
  return candidates;
}

/** Three or more roots starting at regular intervals (gaps within a tenth of their mean). */
function isPeriodic(sorted: readonly TimedSpan[]): boolean {
  return sorted.length >= 3 && steady(sorted.slice(1).map((root, i) => Number(root.startTimeUnixNano - sorted[i]!.startTimeUnixNano)));
}

/** Each root starts inside exactly one request, at a steady offset from that request's start: work the requests cause. */
function followsRequests(roots: readonly TimedSpan[], index: StabbingIndex<TimedSpan>): boolean {
  const offsets: number[] = [];
  for (const root of roots) {
    const request = index.only(root.startTimeUnixNano);
    if (!request) return false;
    offsets.push(Number(root.startTimeUnixNano - request.startTimeUnixNano));
  }
  return steady(offsets);
}

/** Values within a tenth of their mean of it (a millisecond for small ones). */
function steady(values: readonly number[]): boolean {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const slack = Math.max(Math.abs(mean) / 10, 1e6);
  return values.every((value) => Math.abs(value - mean) <= slack);
}
