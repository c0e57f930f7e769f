import { defineRule } from '../lint/types.js';
import { serviceOf } from '../model/span.js';
import { clip, spanName } from './support/describe.js';

const PATTERNS: Array<[string, RegExp]> = [
  ['a UUID', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i],
  ['a long hex id', /(?:^|[^0-9a-z])[0-9a-f]{16,}(?:$|[^0-9a-z])/i],
  ['a numeric id in a path', /\/\d{2,}(?:$|[/?#.;])/],
  ['a query string', /\?[^\s=?&]{1,64}=/],
  ['an e-mail address', /[^\s@]@[a-z0-9-]{1,63}\.[a-z]{2,}/i],
];

export const highCardinalitySpanName = defineRule({
  id: 'high-cardinality-span-name',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'A span name contains an id, number, query string or address',
  docs: {
    why: 'Span names are grouped and indexed: "GET /users/12345" makes one operation per user, so dashboards, sampling rules and latency percentiles stop working, and storage grows with every id.',
    fix: 'Name spans after the route template or operation ("GET /users/{id}", http.route), and put the concrete id in an attribute.',
    references: ['https://opentelemetry.io/docs/specs/otel/trace/api/#span'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      const hit = PATTERNS.find(([, pattern]) => pattern.test(span.name));
      if (!hit) continue;
      // One finding per service, kind and pattern: an instrumentation that names spans so does it on every span.
      report({
        span,
        group: `${span.kind}\u0000${hit[0]}`,
        message: `${span.kind === 'UNSPECIFIED' || span.kind === 'INTERNAL' ? '' : `${span.kind} `}span names in '${clip(serviceOf(span))}' contain ${hit[0]} (first: '${spanName(span)}'): use the route or operation template`,
        data: { name: spanName(span, 200), pattern: hit[0] },
      });
    }
  },
});
