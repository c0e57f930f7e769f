import { defineRule } from '../lint/types.js';
import { spanLabel } from './support/describe.js';

export const attributeCount = defineRule({
  id: 'attribute-count',
  category: 'hygiene',
  defaultSeverity: 'error',
  summary: 'A span carries too many attributes (warning above 20, error above 30)',
  docs: {
    why: 'Every attribute is stored and indexed for every span; spans with dozens of attributes cost storage and query time, usually duplicate what the resource already says, and come from instrumentation that dumps whole objects. Above 128 the SDK starts dropping them silently.',
    fix: 'Keep span attributes to what identifies the operation and its outcome; move process-wide facts to the resource, detailed payloads to logs or events, and remove debug attributes.',
  },
  options: {
    warnAbove: { type: 'number', default: 20, description: 'more attributes than this is a warning' },
    errorAbove: { type: 'number', default: 30, description: 'more attributes than this is an error' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    for (const span of trace!.spans) {
      const count = Object.keys(span.attributes).length;
      if (count <= options.warnAbove) continue;
      const error = count > options.errorAbove;
      report({
        span,
        ...(error ? {} : { severity: 'warn' as const }),
        message: `${spanLabel(span)} has ${count} attributes (more than ${error ? options.errorAbove : options.warnAbove})`,
        data: { count, limit: error ? options.errorAbove : options.warnAbove },
      });
    }
  },
});
