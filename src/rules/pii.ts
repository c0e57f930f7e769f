import { defineRule } from '../lint/types.js';
import type { Attributes, Span } from '../model/span.js';
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
    // One scanner per trace, not a closure per span: this runs over every string of every span.
    const scan = (span: Span, where: string, key: string | undefined, value: string): void => {
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
    for (const span of trace!.spans) {
      scan(span, 'span name', undefined, span.name);
      scanAttributes(span, span.attributes, 'attribute', scan);
      for (const event of span.events) scanAttributes(span, event.attributes, `event '${clip(event.name, 40)}' attribute`, scan);
      for (const link of span.links) scanAttributes(span, link.attributes, 'link attribute', scan);
      if (!reportedResources.has(span.resource)) {
        reportedResources.add(span.resource);
        scanAttributes(span, span.resource.attributes, 'resource attribute', scan);
      }
    }
  },
});

type Scan = (span: Span, where: string, key: string, value: string) => void;

/** Each string of each attribute: the value itself, or those in an array (one level, as attributes allow). */
function scanAttributes(span: Span, attributes: Attributes, where: string, scan: Scan): void {
  for (const key in attributes) {
    const value = attributes[key]!;
    if (typeof value === 'string') scan(span, where, key, value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') scan(span, where, key, item);
  }
}
