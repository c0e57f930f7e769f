import type { Attributes, Span } from '../model/span.js';
import { spanStatus } from '../model/span.js';

/**
 * The instrumentation scope that OpenTelemetry's Jaeger and Zipkin exporters
 * write as tags; removed from the attributes, as the Collector's receivers do.
 */
export function takeScope(attributes: Attributes): Span['scope'] {
  const name = attributes['otel.scope.name'] ?? attributes['otel.library.name'];
  const version = attributes['otel.scope.version'] ?? attributes['otel.library.version'];
  if (typeof name !== 'string') return { name: '' };
  for (const key of ['otel.scope.name', 'otel.library.name', 'otel.scope.version', 'otel.library.version']) delete attributes[key];
  return typeof version === 'string' ? { name, version } : { name };
}

/** `otel.status_code`/`otel.status_description` tags as a status, or undefined when absent. */
export function takeOtelStatus(attributes: Attributes): Span['status'] | undefined {
  const code = attributes['otel.status_code'];
  if (code !== 'ERROR' && code !== 'OK') return undefined;
  const description = attributes['otel.status_description'];
  delete attributes['otel.status_code'];
  delete attributes['otel.status_description'];
  return spanStatus(code, code === 'ERROR' && typeof description === 'string' ? description : undefined);
}
