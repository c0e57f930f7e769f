import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const orphanSpan = defineRule({
  id: 'orphan-span',
  category: 'propagation',
  defaultSeverity: 'error',
  summary: 'A span names a parent that was never exported: its subtree hangs detached',
  docs: {
    why: 'When a parent span id points at a span nobody exported, the trace splits: the subtree under it cannot be placed, durations and the critical path are wrong, and backends show a "missing span" gap. It happens when one hop propagates a context whose span is never ended or exported (a proxy or sidecar that injects its own span id, a service whose exporter dropped the batch, or a sampler that records the child but not the parent).',
    fix: 'Find the service that should own the missing parent id (usually the caller of the orphan\'s service) and make sure its span is ended and exported: check its sampler (ParentBased everywhere), its exporter errors and queue sizes, and any proxy that rewrites traceparent without reporting spans.',
    references: ['https://www.w3.org/TR/trace-context/#parent-id'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    const byMissingParent = new Map<string, Span[]>();
    for (const orphan of trace!.orphans) {
      const list = byMissingParent.get(orphan.parentSpanId!) ?? [];
      list.push(orphan);
      byMissingParent.set(orphan.parentSpanId!, list);
    }
    for (const [missing, orphans] of byMissingParent) {
      const size = orphans.reduce((sum, orphan) => sum + trace!.subtreeSize(orphan), 0);
      const services = [...new Set(orphans.map(serviceOf))].sort();
      report({
        span: orphans[0]!,
        key: missing,
        message: `${spanLabel(orphans[0]!)} has parent ${missing}, which was not exported; ${size} span${size === 1 ? '' : 's'} hang${size === 1 ? 's' : ''} under the missing parent`,
        data: { missingParentId: missing, orphans: orphans.length, subtreeSize: size, services },
      });
    }
  },
});
