import { defineRule } from '../lint/types.js';
import { spanLabel } from './support/describe.js';

export const errorWithoutDetails = defineRule({
  id: 'error-without-details',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'A span has ERROR status but no message, exception event or error.type',
  docs: {
    why: 'An error span that does not say what went wrong sends the on-call engineer searching logs; error.type is also what error-rate breakdowns group by.',
    fix: 'When setting ERROR status, pass a description, call recordException(error), and set error.type (the exception class or an error code).',
    references: ['https://opentelemetry.io/docs/specs/semconv/general/recording-errors/'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      if (span.status.code !== 'ERROR' || span.status.message) continue;
      if (span.events.some((event) => event.name === 'exception')) continue;
      if (span.attributes['error.type'] !== undefined || span.attributes['exception.type'] !== undefined) continue;
      report({ span, message: `${spanLabel(span)} has ERROR status without a message, an exception event or error.type`, data: {} });
    }
  },
});
