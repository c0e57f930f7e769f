import type { Attributes, Resource, Span } from '../../src/model/span.js';
import { emptyAttributes } from '../../src/model/span.js';

/** Hand-made spans for rule tables: every field defaulted, override what the case is about. */
const resources = new Map<string, Resource>();

export function resource(serviceName: string | undefined, extra: Record<string, string> = {}): Resource {
  const key = JSON.stringify([serviceName, extra]);
  let found = resources.get(key);
  if (!found) {
    const attributes = attrs(extra);
    if (serviceName !== undefined) attributes['service.name'] = serviceName;
    found = { attributes, serviceName, droppedAttributesCount: 0 };
    resources.set(key, found);
  }
  return found;
}

export function attrs(values: Record<string, Attributes[string]> = {}): Attributes {
  return Object.assign(emptyAttributes(), values);
}

export const T0 = 1_700_000_000_000_000_000n;
export const MS = 1_000_000n;

export interface SpanSpec extends Partial<Omit<Span, 'attributes'>> {
  service?: string;
  attributes?: Record<string, Attributes[string]>;
  /** Start and end in ms after T0 (convenience). */
  at?: [number, number];
}

let counter = 0;

export function span(spec: SpanSpec = {}): Span {
  counter++;
  const { service = 'svc', attributes = {}, at, ...rest } = spec;
  const start = at ? T0 + BigInt(Math.round(at[0] * 1e6)) : T0;
  const end = at ? T0 + BigInt(Math.round(at[1] * 1e6)) : T0 + 10n * MS;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: counter.toString(16).padStart(16, '0'),
    parentSpanId: undefined,
    name: 'op',
    kind: 'INTERNAL',
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status: { code: 'UNSET' },
    attributes: attrs(attributes),
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: resource(service),
    scope: { name: 'test' },
    source: { file: 'test.json', format: 'otlp-json' },
    ...rest,
  };
}

/** A span id from a short label: sid('a1') = '00000000000000a1'. */
export function sid(label: string): string {
  return label.padStart(16, '0');
}

/** A trace id from a short label. */
export function tid(label: string): string {
  return label.padStart(32, '0');
}
