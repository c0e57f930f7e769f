import { defineRule } from '../lint/types.js';
import { serviceOf, type Span } from '../model/span.js';
import { DEPRECATED_ATTRIBUTES, SEMCONV_VERSION } from './data/deprecated-attributes.js';
import { clip } from './support/describe.js';

/** A Map, so attribute keys such as `constructor` or `__proto__` are not found on Object.prototype. */
const DEPRECATED = new Map(Object.entries(DEPRECATED_ATTRIBUTES));

export const deprecatedAttribute = defineRule({
  id: 'deprecated-attribute',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'Deprecated semantic-convention attributes (http.method, net.peer.name, db.statement, …), with their replacement',
  docs: {
    why: `Dashboards, alerts and backends built on the current semantic conventions (as of semantic-conventions ${SEMCONV_VERSION}) do not see the old attribute names; mixed old and new names split every query in two. By default only deprecations whose replacement is a stable convention are reported (HTTP, database, the network and code attributes): those are settled, and current instrumentation emits the new names. Conventions still experimental, such as messaging, are renamed again between releases and current instrumentations still emit the old names; set the experimental option to see them.`,
    fix: 'Upgrade the instrumentation named in the finding (or set OTEL_SEMCONV_STABILITY_OPT_IN=http,database to emit the new names), or rename in the Collector with the transform processor. Each finding names the replacement, and counts the spans of the service that carry the old name.',
    references: ['https://opentelemetry.io/docs/specs/semconv/non-normative/http-migration/', 'https://opentelemetry.io/docs/specs/otel/versioning-and-stability/#semantic-conventions-stability'],
  },
  options: {
    experimental: { type: 'boolean', default: false, description: 'also report deprecations whose replacement is still an experimental convention (messaging, …)' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    for (const span of trace!.spans) {
      for (const key of Object.keys(span.attributes)) {
        const entry = DEPRECATED.get(key);
        if (!entry || (!entry.stable && !options.experimental)) continue;
        const advice = 'replacement' in entry ? `use '${entry.replacement}'` : entry.note;
        const emitter = emittedBy(span);
        // One finding per service, key and emitter, however many spans carry it.
        report({
          span,
          key,
          group: `${key}\u0000${emitter}`,
          message: `attribute '${key}' is deprecated: ${advice} (spans of '${clip(serviceOf(span))}'${emitter ? `, ${emitter}` : ''})`,
          data: { key, replacement: 'replacement' in entry ? entry.replacement : null, stable: entry.stable, scope: span.scope.name || null, scopeVersion: span.scope.version ?? null, sdk: sdkOf(span) },
        });
      }
    }
  },
});

/** Which instrumentation wrote the span, as far as scope and resource say: "scope 1.2.3, opentelemetry js 1.25.0". */
function emittedBy(span: Span): string {
  const scope = span.scope.name ? `${clip(span.scope.name, 60)}${span.scope.version ? ` ${clip(span.scope.version, 20)}` : ''}` : '';
  const sdk = sdkOf(span);
  return [scope, sdk ? `SDK ${sdk}` : ''].filter(Boolean).join(', ');
}

function sdkOf(span: Span): string | null {
  const { attributes } = span.resource;
  const name = attributes['telemetry.sdk.name'];
  const language = attributes['telemetry.sdk.language'];
  const version = attributes['telemetry.sdk.version'];
  if (typeof version !== 'string') return null;
  return `${clip(String(name ?? language ?? 'unknown'), 40)} ${typeof language === 'string' && name !== undefined ? `(${clip(language, 20)}) ` : ''}${clip(version, 20)}`;
}
