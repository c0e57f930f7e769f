import type { AttributeValue, Attributes, Resource, Span } from '../model/span.js';
import { emptyAttributes } from '../model/span.js';
import { Trace } from '../model/trace.js';
import { maskPii } from '../rules/support/pii-mask.js';

/**
 * Traces as reports that draw them may show them: copies in which every text
 * taken from the trace (span and event names, status messages, string attribute
 * values of spans, events, links and resources) is masked the way the pii rule
 * masks what it finds, so a report never holds a secret the findings only show
 * masked. Times, ids and the tree are the original's, so layout and marks are
 * the same; `lost` maps the set of lost-propagation calls onto the copies.
 */
export class MaskedTraces {
  private readonly resources = new Map<Resource, Resource>();

  mask(trace: Trace, lost: ReadonlySet<Span> = new Set()): { trace: Trace; lost: Set<Span> } {
    const copies = new Map<Span, Span>();
    for (const span of trace.spans) copies.set(span, this.span(span));
    const copy = new Trace(trace.traceId, [...copies.values()]);
    const lostCopies = new Set<Span>();
    for (const span of trace.spans) if (lost.has(span)) lostCopies.add(copies.get(span)!);
    return { trace: copy, lost: lostCopies };
  }

  private span(span: Span): Span {
    return {
      ...span,
      name: maskPii(span.name),
      status: span.status.message ? { code: span.status.code, message: maskPii(span.status.message) } : span.status,
      attributes: maskAttributes(span.attributes),
      events: span.events.map((event) => ({ ...event, name: maskPii(event.name), attributes: maskAttributes(event.attributes) })),
      links: span.links.map((link) => ({ ...link, attributes: maskAttributes(link.attributes) })),
      resource: this.resource(span.resource),
    };
  }

  /** Resources are shared by many spans: each is masked once, and stays shared. */
  private resource(resource: Resource): Resource {
    let masked = this.resources.get(resource);
    if (!masked) {
      masked = { ...resource, attributes: maskAttributes(resource.attributes) };
      this.resources.set(resource, masked);
    }
    return masked;
  }
}

export function maskAttributes(attributes: Attributes): Attributes {
  const masked = emptyAttributes();
  for (const key in attributes) masked[key] = maskValue(attributes[key]!, key);
  return masked;
}

function maskValue(value: AttributeValue, key: string): AttributeValue {
  if (typeof value === 'string') return maskPii(value, key);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, key));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return maskAttributes(value);
  return value;
}
