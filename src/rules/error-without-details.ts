import { defineRule } from '../lint/types.js';
import { serviceOf, type Span } from '../model/span.js';
import { clip, spanName } from './support/describe.js';

export const errorWithoutDetails = defineRule({
  id: 'error-without-details',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'A span has ERROR status but nothing that says what went wrong',
  docs: {
    why: 'An error span that does not say what went wrong sends the on-call engineer searching logs; error.type is also what error-rate breakdowns group by. Status codes are details: the semantic conventions say instrumentation SHOULD NOT set a status description when the reason can be inferred from the status code, so an HTTP server span with a 5xx status, an HTTP client span with a 4xx or 5xx status, or an RPC span with a non-OK gRPC status code has its details, and is not reported.',
    fix: 'When setting ERROR status for anything else, pass a description, call recordException(error), and set error.type (the exception class or an error code).',
    references: ['https://opentelemetry.io/docs/specs/semconv/general/recording-errors/', 'https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      if (span.status.code !== 'ERROR' || span.status.message || hasDetails(span)) continue;
      // One finding per service and operation, however many of its spans failed so.
      report({
        span,
        group: span.name,
        message: `'${spanName(span)}' in ${clip(serviceOf(span))} has ERROR status without a message, an exception event, error.type or a status code`,
        data: { name: spanName(span, 200) },
      });
    }
  },
});

/** An exception event, error.type, or a status code that tells the reason (the semantic conventions' own). */
function hasDetails(span: Span): boolean {
  if (span.events.some((event) => event.name === 'exception')) return true;
  const attributes = span.attributes;
  if (attributes['error.type'] !== undefined || attributes['exception.type'] !== undefined) return true;
  const http = numberOf(attributes['http.response.status_code'] ?? attributes['http.status_code']);
  if (http !== undefined && (http >= 500 || (http >= 400 && span.kind === 'CLIENT'))) return true;
  const grpc = numberOf(attributes['rpc.grpc.status_code'] ?? attributes['rpc.response.status_code']);
  return grpc !== undefined && grpc !== 0;
}

/** Status codes arrive as numbers, or as strings (Zipkin tags, some exporters). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
