import { defineRule } from '../lint/types.js';
import { isSampled, serviceOf } from '../model/span.js';

export const samplingFlagMismatch = defineRule({
  id: 'sampling-flag-mismatch',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: 'Spans of one trace disagree on the sampled flag',
  docs: {
    why: 'The sampled flag travels in traceparent so that every service makes the same decision. When some spans of a trace say sampled and others not, a service ignored its parent\'s decision (a non-ParentBased sampler, or a different sampling rate), and the trace arrives with holes.',
    fix: 'Configure every service with a ParentBased sampler (the OpenTelemetry default), and make sampling decisions only at the entry point or in a tail-sampling Collector.',
    references: ['https://www.w3.org/TR/trace-context/#sampled-flag', 'https://opentelemetry.io/docs/concepts/sampling/'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    const sampled = trace!.spans.filter((span) => isSampled(span) === true);
    const unsampled = trace!.spans.filter((span) => isSampled(span) === false);
    if (sampled.length === 0 || unsampled.length === 0) return;
    const services = (list: typeof sampled): string[] => [...new Set(list.map(serviceOf))].sort();
    report({
      trace: trace!,
      span: unsampled[0]!,
      message: `${sampled.length} span${sampled.length === 1 ? ' is' : 's are'} sampled (${services(sampled).join(', ')}) and ${unsampled.length} not (${services(unsampled).join(', ')}) in one trace`,
      data: { sampled: sampled.length, unsampled: unsampled.length, sampledServices: services(sampled), unsampledServices: services(unsampled) },
    });
  },
});
