import type { AttributeValue, Attributes, Span } from '../model/span.js';
import { durationNano } from '../model/span.js';
import { formatTimestamp } from '../model/time.js';
import { EvalFailure, textValue, type Value } from './values.js';

/**
 * What selectors and assertions read from a span, as Tracetest shows it: the
 * span's attributes with its resource's (and scope's) merged over them, and
 * the special attributes Tracetest computes for every span.
 */

/** `tracetest.span.type`, from the span's attributes by the semantic conventions' prefixes. */
export const SPAN_TYPES = ['http', 'database', 'messaging', 'rpc', 'faas', 'exception', 'general'] as const;
export type SpanType = (typeof SPAN_TYPES)[number];

/** The count of spans a spec's selector matched; the only special attribute that needs no span. */
export const SELECTED_SPANS_COUNT = 'tracetest.selected_spans.count';

/** Every special attribute tracelint computes (Tracetest's, and `span.events` as Tracetest injects it). */
export const SPECIAL_ATTRIBUTES = [
  'tracetest.span.name',
  'tracetest.span.type',
  'tracetest.span.duration',
  'tracetest.span.start_time',
  'tracetest.span.end_time',
  'tracetest.span.parent_id',
  'tracetest.span.status_code',
  'tracetest.span.status_description',
  SELECTED_SPANS_COUNT,
  'span.events',
] as const;

/** Attributes of Tracetest's trigger span (the response to the request it sent); tracelint has no trigger. */
export const TRIGGER_ATTRIBUTES = ['tracetest.response.status', 'tracetest.response.body', 'tracetest.response.headers'] as const;

const SPECIAL_PREFIXES = ['tracetest.span.', 'tracetest.selected_spans.', 'tracetest.response.'];

/** A name in Tracetest's namespaces that is none of its special attributes: a typo, reported before any input is read. */
export function isUnknownSpecial(key: string): boolean {
  return SPECIAL_PREFIXES.some((prefix) => key.startsWith(prefix)) && !(SPECIAL_ATTRIBUTES as readonly string[]).includes(key) && !(TRIGGER_ATTRIBUTES as readonly string[]).includes(key);
}

export function isTriggerAttribute(key: string): boolean {
  return (TRIGGER_ATTRIBUTES as readonly string[]).includes(key);
}

/** The span's duration, undefined when the producer gave no start or end time (never taken as 0). */
export function knownDuration(span: Span): bigint | undefined {
  return durationNano(span);
}

const UNKNOWN_TIME = 'unknown duration (the producer gave no start or end time)';

/**
 * The value of `key` on a span, or undefined when the span does not have it.
 * Throws EvalFailure for a time the producer did not give.
 */
export function attributeValue(span: Span, key: string): Value | undefined {
  switch (key) {
    case 'tracetest.span.name':
      return textValue(span.name);
    case 'tracetest.span.type':
      return textValue(spanType(span));
    case 'tracetest.span.duration':
      return textValue(String(required(knownDuration(span), UNKNOWN_TIME)));
    case 'tracetest.span.start_time':
      return textValue(String(required(span.startTimeUnixNano, 'unknown start time (the producer did not give it)')));
    case 'tracetest.span.end_time':
      return textValue(String(required(span.endTimeUnixNano, 'unknown end time (the producer did not give it)')));
    case 'tracetest.span.parent_id':
      return textValue(span.parentSpanId ?? '0000000000000000');
    case 'tracetest.span.status_code':
      return textValue(`STATUS_CODE_${span.status.code}`);
    case 'tracetest.span.status_description':
      return span.status.message ? textValue(span.status.message) : undefined;
    case 'span.events':
      return textValue(eventsJson(span));
  }
  // Tracetest merges the scope's and the resource's attributes over the span's: they win.
  const raw = lookup(span.resource.attributes, key) ?? lookup(span.scope.attributes, key) ?? lookup(span.attributes, key);
  return raw === undefined ? undefined : attributeToValue(raw);
}

function required(value: bigint | undefined, why: string): bigint {
  if (value === undefined) throw new EvalFailure(why);
  return value;
}

function lookup(attributes: Attributes | undefined, key: string): AttributeValue | undefined {
  if (attributes === undefined || !Object.hasOwn(attributes, key)) return undefined;
  const value = attributes[key];
  return value === null ? undefined : value;
}

/** An attribute as text (arrays as lists), the way Tracetest prints values. */
export function attributeToValue(value: AttributeValue): Value {
  if (Array.isArray(value)) return { kind: 'list', items: value.map((item) => attributeToValue(item)) };
  return textValue(attributeText(value));
}

function attributeText(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? String(inner) : inner instanceof Uint8Array ? Buffer.from(inner).toString('base64') : inner));
}

/**
 * Tracetest's span type: a browser span (an `event_type` attribute, or the
 * name `documentLoad`) is general; otherwise the first semantic-convention
 * prefix among the span's own attributes decides. Tracetest takes whichever
 * key its map yields first; tracelint checks the prefixes in a fixed order,
 * the more specific conventions first, so a span with both `messaging.*` and
 * `http.*` attributes (a queue reached over HTTP) is always messaging.
 */
export function spanType(span: Span): SpanType {
  const attributes = span.attributes;
  if ((typeof attributes.event_type === 'string' && attributes.event_type !== '') || span.name === 'documentLoad') return 'general';
  const keys = Object.keys(attributes);
  for (const [prefix, type] of TYPE_PREFIXES) if (keys.some((key) => key.startsWith(prefix))) return type;
  return 'general';
}

const TYPE_PREFIXES: ReadonlyArray<[string, SpanType]> = [
  ['db.', 'database'],
  ['messaging.', 'messaging'],
  ['rpc.', 'rpc'],
  ['http.', 'http'],
  ['faas.', 'faas'],
  ['exception.', 'exception'],
];

/** `span.events` as Tracetest injects it: a JSON array of {name, timestamp, attributes}. */
function eventsJson(span: Span): string {
  return JSON.stringify(
    span.events.map((event) => ({
      name: event.name,
      timestamp: formatTimestamp(event.timeUnixNano),
      attributes: Object.fromEntries(Object.entries(event.attributes).map(([key, value]) => [key, attributeText(value)])),
    })),
  );
}

/** The span's kind as Tracetest names it in selectors (`span[kind="server"]`). */
export function kindName(span: Span): string {
  return span.kind.toLowerCase();
}
