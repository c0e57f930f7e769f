import { defineRule } from '../lint/types.js';
import { isTimed, serviceOf, sortByStartTime, type TimedSpan } from '../model/span.js';
import { displayTraceIdOf } from '../model/ids.js';
import { spanLabel } from './support/describe.js';

export const asyncContextLoss = defineRule({
  id: 'async-context-loss',
  category: 'propagation',
  defaultSeverity: 'warn',
  summary: 'A new root span starts inside a span of the same service in another trace',
  docs: {
    why: 'A root span that is not an entry point (not SERVER or CONSUMER) and that starts while the same service is busy with another trace\'s span is the mark of asynchronous work (a timer, a queue callback, a thread pool task, a promise chain that lost AsyncLocalStorage) that lost its context: it becomes a trace of its own instead of a child of the request that caused it.',
    fix: 'Carry the context into the async work: context.bind / context.with around callbacks, instrumented executors, or capture the active context when scheduling and restore it when running. In Node.js make sure the AsyncLocalStorage context manager is registered.',
  },
  options: {},
  scope: 'set',
  check({ traces, report }) {
    // Spans by service, sorted by start, to find the innermost span of the same service that encloses a root.
    const byService = new Map<string, TimedSpan[]>();
    for (const span of traces.spans()) {
      if (!isTimed(span)) continue;
      const list = byService.get(serviceOf(span)) ?? [];
      list.push(span);
      byService.set(serviceOf(span), list);
    }
    for (const list of byService.values()) sortByStartTime(list);
    for (const trace of traces.traces.values()) {
      for (const root of trace.roots) {
        if (root.kind === 'SERVER' || root.kind === 'CONSUMER' || root.links.length > 0 || !isTimed(root)) continue;
        const host = innermostEnclosing(byService.get(serviceOf(root)) ?? [], root);
        if (!host) continue;
        report({
          span: root,
          message: `${spanLabel(root)} starts a new trace while ${spanLabel(host)} of trace ${displayTraceIdOf(host.traceId, host.source.format)} is running: async work likely lost its context`,
          data: { hostTraceId: host.traceId, hostSpanId: host.spanId, service: serviceOf(root) },
        });
      }
    }
  },
});

/** The latest-starting span of another trace that starts before the root and ends after it starts. */
function innermostEnclosing(sorted: TimedSpan[], root: TimedSpan): TimedSpan | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]!.startTimeUnixNano <= root.startTimeUnixNano) low = mid + 1;
    else high = mid;
  }
  for (let i = low - 1; i >= 0; i--) {
    const span = sorted[i]!;
    if (span.traceId !== root.traceId && span.startTimeUnixNano < root.startTimeUnixNano && span.endTimeUnixNano > root.startTimeUnixNano) return span;
  }
  return undefined;
}
