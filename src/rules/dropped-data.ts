import { defineRule } from '../lint/types.js';
import { spanLabel } from './support/describe.js';

export const droppedData = defineRule({
  id: 'dropped-data',
  category: 'sampling',
  defaultSeverity: 'warn',
  summary: 'The SDK dropped attributes, events or links from a span (limits reached)',
  docs: {
    why: 'Non-zero dropped counts mean the SDK hit its span limits (128 attributes, events or links by default) and threw data away: the exception event or attribute you need may be the one that was dropped.',
    fix: 'Record less per span (events in logs instead, attributes that matter), or raise the limits (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_SPAN_LINK_COUNT_LIMIT) knowingly.',
    references: ['https://opentelemetry.io/docs/specs/otel/common/#attribute-limits'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      if (span.droppedAttributesCount === 0 && span.droppedEventsCount === 0 && span.droppedLinksCount === 0 && span.events.every((e) => e.droppedAttributesCount === 0) && span.links.every((l) => l.droppedAttributesCount === 0)) continue;
      const eventAttributes = span.events.reduce((sum, event) => sum + event.droppedAttributesCount, 0);
      const linkAttributes = span.links.reduce((sum, link) => sum + link.droppedAttributesCount, 0);
      const counts = { attributes: span.droppedAttributesCount, events: span.droppedEventsCount, links: span.droppedLinksCount, eventAttributes, linkAttributes };
      const parts = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([what, n]) => `${n} ${what.replace(/([A-Z])/g, ' $1').toLowerCase()}`);
      if (parts.length === 0) continue;
      report({ span, message: `${spanLabel(span)} dropped ${parts.join(', ')}`, data: counts });
    }
  },
});
