import { emptyAttributes, type Attributes, type AttributeValue, type InstrumentationScope, type Resource, type SpanLink } from './span.js';

/**
 * Objects that crossed a thread by structured clone, made model objects
 * again: a clone of an attribute map is a plain object, whose prototype would
 * give keys such as `constructor` and `toString` values nobody sent. Only
 * attribute maps change; everything else a clone keeps (bigints, bytes, own
 * `__proto__` keys).
 */
export function attributesFromClone(plain: Record<string, unknown>): Attributes {
  const attributes = emptyAttributes();
  for (const key of Object.keys(plain)) attributes[key] = valueFromClone(plain[key] as AttributeValue);
  return attributes;
}

export function valueFromClone(value: AttributeValue): AttributeValue {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(valueFromClone);
  return attributesFromClone(value as Record<string, unknown>);
}

export function resourceFromClone(resource: Resource): Resource {
  return { ...resource, attributes: attributesFromClone(resource.attributes) };
}

export function scopeFromClone(scope: InstrumentationScope): InstrumentationScope {
  return scope.attributes === undefined ? scope : { ...scope, attributes: attributesFromClone(scope.attributes) };
}

export function linkFromClone(link: SpanLink): SpanLink {
  return { ...link, attributes: attributesFromClone(link.attributes) };
}
