import { defineRule } from '../lint/types.js';
import type { Attributes, AttributeValue, Span } from '../model/span.js';
import { clip, spanLabel } from './support/describe.js';
import { detectPii } from './support/pii-detectors.js';

export const pii = defineRule({
  id: 'pii',
  category: 'hygiene',
  defaultSeverity: 'error',
  summary: 'Personal data or secrets in span names, attributes, event attributes or resources',
  docs: {
    why: 'Traces are stored for weeks, copied to vendors and read by many people; e-mail addresses, card numbers, phone numbers, bearer tokens, JWTs, passwords and keys in them are a data-protection incident and a credential leak. Findings show the attribute key and a masked value, never the value itself.',
    fix: 'Stop recording the value at the source (instrumentation options to skip headers and bodies, or a SpanProcessor that scrubs attributes), and scrub in the Collector (the redaction, attributes or transform processors) as a second line. Rotate any secret that was exported.',
    references: ['https://opentelemetry.io/docs/security/handling-sensitive-data/'],
  },
  options: {
    allowKeys: { type: 'string[]', default: [], description: 'attribute keys never reported (e.g. a user.email you record on purpose)' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const allowed = new Set(options.allowKeys);
    const reportedResources = new Set<Span['resource']>();
    for (const span of trace!.spans) {
      const found = (where: string, key: string | undefined, value: string): void => {
        if (key !== undefined && allowed.has(key)) return;
        for (const match of detectPii(value, key)) {
          report({
            span,
            key: `${where}:${key ?? ''}:${match.kind}`,
            message: `${match.kind.replace(/-/g, ' ')} in ${where}${key !== undefined ? ` '${clip(key, 60)}'` : ''} of ${spanLabel(span)}: ${match.masked}`,
            data: { kind: match.kind, where, key: key ?? null, masked: match.masked },
          });
        }
      };
      found('span name', undefined, span.name);
      scanAttributes(span.attributes, 'attribute', found);
      span.events.forEach((event) => scanAttributes(event.attributes, `event '${clip(event.name, 40)}' attribute`, found));
      span.links.forEach((link) => scanAttributes(link.attributes, 'link attribute', found));
      if (!reportedResources.has(span.resource)) {
        reportedResources.add(span.resource);
        scanAttributes(span.resource.attributes, 'resource attribute', found);
      }
    }
  },
});

function scanAttributes(attributes: Attributes, where: string, found: (where: string, key: string, value: string) => void): void {
  for (const key of Object.keys(attributes)) {
    for (const text of strings(attributes[key]!)) found(where, key, text);
  }
}

/** The strings in a value: itself, or those in an array (one level, as attributes allow). */
function strings(value: AttributeValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
