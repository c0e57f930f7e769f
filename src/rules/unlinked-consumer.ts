import { defineRule } from '../lint/types.js';
import { spanLabel } from './support/describe.js';

export const unlinkedConsumer = defineRule({
  id: 'unlinked-consumer',
  category: 'propagation',
  defaultSeverity: 'warn',
  summary: 'A CONSUMER span has neither a parent nor a link to the producer',
  docs: {
    why: 'A message consumer should continue or link the producer\'s context (carried in the message headers): without either, there is no way to get from the message back to the request that sent it.',
    fix: 'Inject the context into message headers when producing, and when consuming extract it and either start the CONSUMER span as its child or add it as a span link (the messaging semantic conventions recommend links for batch receives).',
    references: ['https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#context-propagation'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      if (span.kind !== 'CONSUMER' || span.parentSpanId !== undefined || span.links.length > 0) continue;
      report({ span, message: `${spanLabel(span)} has no parent and no link: the producer's context did not travel with the message`, data: {} });
    }
  },
});
