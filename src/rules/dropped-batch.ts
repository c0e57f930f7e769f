import { unansweredCalls } from '../analysis/unanswered.js';
import { defineRule } from '../lint/types.js';
import { isTimed, serviceOf, type Span } from '../model/span.js';
import { formatDuration, formatTimestamp } from '../model/time.js';
import type { CrossTraceSummary } from '../analysis/summary.js';
import { missingServiceSpans } from './missing-service-spans.js';
import { clip } from './support/describe.js';

export const droppedBatch = defineRule({
  id: 'dropped-batch',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: "A service's spans went missing in a burst: its export queue dropped them",
  docs: {
    why: "When one service's spans are missing in a burst — its spans orphaned under parents of its own that were never exported, and calls to it unanswered, within a short window, across several traces — the spans were not lost one by one: the service dropped them before export. The usual cause is a full export queue: the BatchSpanProcessor drops every span that ends while its queue holds maxQueueSize spans (OTEL_BSP_MAX_QUEUE_SIZE, 2048 by default), which a burst of load or a slow exporter fills; export timeouts and a Collector refusing data look the same. Said once per service and burst, with the counts, beside the scattered orphan-span and missing-service-spans findings it explains.",
    fix: "Watch the SDK's dropped-span metric (otel.sdk.processor.span.processed with error.type=queue_full, or the processor's logs); raise OTEL_BSP_MAX_QUEUE_SIZE, export more often (OTEL_BSP_SCHEDULE_DELAY) in bigger batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE), make the exporter's endpoint faster (a local Collector), and flush on shutdown.",
    references: ['https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor'],
  },
  options: {
    minMissing: { type: 'number', default: 5, description: 'missing spans (orphaned children and unanswered calls) in one burst needed to report' },
    minTraces: { type: 'number', default: 2, description: 'in at least this many traces' },
    windowMs: { type: 'number', default: 10000, description: 'events further apart than this are separate bursts, in ms' },
  },
  scope: 'set',
  check({ crossTrace, options, report }) {
    const gap = BigInt(Math.round(options.windowMs * 1e6));
    for (const [service, events] of missingByService(crossTrace)) {
      for (const burst of bursts(events, gap)) {
        const traceCount = new Set(burst.map((event) => event.span.traceId)).size;
        if (burst.length < options.minMissing || traceCount < options.minTraces) continue;
        const orphans = burst.filter((event) => event.kind === 'orphan').length;
        const calls = burst.length - orphans;
        const from = burst[0]!.at;
        const to = burst[burst.length - 1]!.at;
        const what = [orphans > 0 ? `${orphans} span${orphans === 1 ? '' : 's'} of '${clip(service)}' lost their parent` : '', calls > 0 ? `${calls} call${calls === 1 ? '' : 's'} to '${clip(service)}' went unanswered` : ''].filter(Boolean).join(' and ');
        report({
          span: burst[0]!.span,
          key: `${service}@${from}`,
          // An orphan under a parent of its own service shows spans dropped: a sampler keeps or drops a trace's spans together.
          // Unanswered calls alone may as well have been sampled out.
          message: `in ${formatDuration(to - from)} from ${formatTimestamp(from)}, ${what}, in ${traceCount} traces: ${
            orphans > 0
              ? `'${clip(service)}' dropped spans before export (likely a full export queue: the BatchSpanProcessor drops spans once its maxQueueSize is reached)`
              : `none of the spans of '${clip(service)}' for them arrived: dropped before export in a burst (a full export queue), or sampled out`
          }`,
          data: { service, orphans, unansweredCalls: calls, traces: traceCount, fromUnixNano: from.toString(), toUnixNano: to.toString() },
        });
      }
    }
  },
});

interface MissingEvent {
  kind: 'orphan' | 'unanswered';
  span: Span;
  at: bigint;
}

/**
 * Per service, the signs that its spans are missing, by time: its own spans
 * whose parent (in the same service: the span they were started under) was
 * never exported, and calls to it that nothing of it answered.
 */
function missingByService(summary: CrossTraceSummary): Map<string, MissingEvent[]> {
  const byService = new Map<string, MissingEvent[]>();
  const add = (service: string, event: MissingEvent): void => {
    const list = byService.get(service);
    if (list) list.push(event);
    else byService.set(service, [event]);
  };
  for (const orphan of summary.orphans) {
    // A SERVER or CONSUMER orphan's missing parent was its caller's span, in another service.
    if (orphan.kind === 'SERVER' || orphan.kind === 'CONSUMER' || !isTimed(orphan)) continue;
    add(serviceOf(orphan), { kind: 'orphan', span: orphan, at: orphan.startTimeUnixNano });
  }
  // The calls missing-service-spans reports (with its default slack), found once for both rules.
  const slack = BigInt(Math.round(missingServiceSpans.options.toleranceMs.default * 1e6));
  for (const { call, callee } of unansweredCalls(summary, { toleranceNano: slack, messagingWindowNano: 0n })) {
    if (isTimed(call)) add(callee, { kind: 'unanswered', span: call, at: call.startTimeUnixNano });
  }
  return byService;
}

/** Events cut into bursts where they are further apart than `gap`. */
function bursts(events: MissingEvent[], gap: bigint): MissingEvent[][] {
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const out: MissingEvent[][] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (last && event.at - last[last.length - 1]!.at <= gap) last.push(event);
    else out.push([event]);
  }
  return out;
}
