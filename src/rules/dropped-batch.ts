import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';

export const droppedBatch = defineRule({
  id: 'dropped-batch',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: 'Many spans of one service lost their parents across traces: export batches were dropped',
  docs: {
    why: 'When one service has orphaned spans in several traces, the parents were not lost one by one: whole export batches went missing (the BatchSpanProcessor queue overflowed under load, exports timed out, or the Collector refused data).',
    fix: 'Watch the exporter\'s dropped-span metrics; raise maxQueueSize / maxExportBatchSize or export more often (OTEL_BSP_*), scale the Collector, and make sure spans are flushed on shutdown.',
  },
  options: {
    minOrphans: { type: 'number', default: 5, description: 'orphaned spans of one service needed to report' },
    minTraces: { type: 'number', default: 2, description: 'in at least this many traces' },
  },
  scope: 'set',
  check({ traces, options, report }) {
    const byService = new Map<string, Span[]>();
    for (const trace of traces.traces.values()) {
      for (const orphan of trace.orphans) {
        const list = byService.get(serviceOf(orphan)) ?? [];
        list.push(orphan);
        byService.set(serviceOf(orphan), list);
      }
    }
    for (const [service, orphans] of byService) {
      const traceCount = new Set(orphans.map((span) => span.traceId)).size;
      if (orphans.length < options.minOrphans || traceCount < options.minTraces) continue;
      report({
        span: orphans[0]!,
        key: service,
        message: `${orphans.length} spans of '${service}' in ${traceCount} traces have parents that were never exported: signs of dropped export batches`,
        data: { service, orphans: orphans.length, traces: traceCount },
      });
    }
  },
});
