import { defineRule } from '../lint/types.js';
import { DEPRECATED_ATTRIBUTES, SEMCONV_VERSION } from './data/deprecated-attributes.js';
import { spanLabel } from './support/describe.js';

/** A Map, so attribute keys such as `constructor` or `__proto__` are not found on Object.prototype. */
const DEPRECATED = new Map(Object.entries(DEPRECATED_ATTRIBUTES));

export const deprecatedAttribute = defineRule({
  id: 'deprecated-attribute',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'Deprecated semantic-convention attributes (http.method, net.peer.name, db.statement, …), with their replacement',
  docs: {
    why: `Dashboards, alerts and backends built on the current semantic conventions (HTTP, database and messaging conventions as of semantic-conventions ${SEMCONV_VERSION}) do not see the old attribute names; mixed old and new names split every query in two.`,
    fix: 'Upgrade the instrumentation (or set OTEL_SEMCONV_STABILITY_OPT_IN=http,database to emit the new names), or rename in the Collector with the transform processor. Each finding names the replacement.',
    references: ['https://opentelemetry.io/docs/specs/semconv/non-normative/http-migration/'],
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const span of trace!.spans) {
      for (const key of Object.keys(span.attributes)) {
        const entry = DEPRECATED.get(key);
        if (!entry) continue;
        const advice = 'replacement' in entry ? `use '${entry.replacement}'` : entry.note;
        report({ span, key, message: `attribute '${key}' of ${spanLabel(span)} is deprecated: ${advice}`, data: { key, replacement: 'replacement' in entry ? entry.replacement : null } });
      }
    }
  },
});
