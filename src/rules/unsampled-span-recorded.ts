import { defineRule } from '../lint/types.js';
import { isSampled } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const unsampledSpanRecorded = defineRule({
  id: 'unsampled-span-recorded',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: 'A span was exported although its sampled flag is off',
  docs: {
    why: 'Spans whose sampled flag is off were recorded (RECORD_ONLY) but should not reach the backend: the rest of the trace was sampled out, so these arrive alone and inflate storage with traces that can never be complete.',
    fix: 'Export only sampled spans (the SDK\'s Simple and Batch processors do), or if you record unsampled spans for local metrics, keep them out of the export pipeline.',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    const unsampled = trace!.spans.filter((span) => isSampled(span) === false);
    if (unsampled.length === 0) return;
    report({
      span: unsampled[0]!,
      message: `${unsampled.length} span${unsampled.length === 1 ? '' : 's'} of this trace ${unsampled.length === 1 ? 'was' : 'were'} exported with the sampled flag off, first ${spanLabel(unsampled[0]!)}`,
      data: { unsampled: unsampled.length, spanIds: unsampled.slice(0, 20).map((span) => span.spanId) },
    });
  },
});
