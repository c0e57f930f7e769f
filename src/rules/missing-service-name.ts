import { defineRule } from '../lint/types.js';
import type { Resource } from '../model/span.js';

export const missingServiceName = defineRule({
  id: 'missing-service-name',
  category: 'hygiene',
  defaultSeverity: 'error',
  summary: 'Spans whose resource has no service.name, or the SDK default unknown_service',
  docs: {
    why: 'service.name is the one resource attribute every backend groups by; without it spans land under "unknown_service" with those of every other unconfigured process, and service maps and per-service rules cannot tell them apart.',
    fix: 'Set OTEL_SERVICE_NAME (or service.name in the Resource) for every process.',
    references: ['https://opentelemetry.io/docs/specs/semconv/resource/#service'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    let last: Resource | undefined;
    let named = true;
    for (const span of trace!.spans) {
      // Spans of one resource come in runs: its name is judged once a run.
      if (span.resource !== last) {
        last = span.resource;
        const name = last.serviceName;
        named = name !== undefined && name !== '' && !name.startsWith('unknown_service');
      }
      if (named) continue;
      const name = span.resource.serviceName;
      // One finding per name (or its absence), counting the spans, however many processes and traces.
      report({
        span,
        group: name ?? '',
        message: name ? `resource service.name is the SDK default '${name}': the service was never named` : 'resource has no service.name',
        data: { serviceName: name ?? null },
      });
    }
  },
});
