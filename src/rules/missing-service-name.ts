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
  scope: 'set',
  check({ traces, report }) {
    const seen = new Set<Resource>();
    let last: Resource | undefined;
    for (const span of traces.spans()) {
      // Spans of one resource come in runs: the one before is compared first.
      if (span.resource === last) continue;
      last = span.resource;
      if (seen.has(last)) continue;
      seen.add(last);
      const name = span.resource.serviceName;
      if (name !== undefined && name !== '' && !name.startsWith('unknown_service')) continue;
      report({
        span,
        key: name ?? '',
        message: name ? `resource service.name is the SDK default '${name}': the service was never named` : 'resource has no service.name',
        data: { serviceName: name ?? null },
      });
    }
  },
});
