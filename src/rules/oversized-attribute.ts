import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { clip, spanLabel } from './support/describe.js';
import { memoByKey } from './support/key-memo.js';

const QUERY_KEYS = ['db.query.text', 'db.statement'];
/** A literal compared or listed in SQL: a quoted string or a number after =, <>, <, >, LIKE or IN (. */
const SQL_LITERAL = /(?:=|<>|!=|<=|>=|<|>|\blike|\bin\s*\()\s*(?:'[^']*'|-?\d+(?:\.\d+)?\b)/i;
const BODY_KEY = /(?:^|[._])(?:body|payload)(?:$|[._])/i;

export const oversizedAttribute = defineRule({
  id: 'oversized-attribute',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'Oversized or high-cardinality attribute values: huge strings, SQL with literals, request or response bodies',
  docs: {
    why: 'Large values (bodies, whole documents) bloat every span and are often truncated by backends anyway; raw SQL with literal values makes every query text unique (no grouping, high cardinality) and leaks the data in the WHERE clause.',
    fix: 'Record sizes instead of bodies (http.request.body.size), parameterised SQL (the instrumentation\'s sanitisation option, or db.query.summary), and set an attribute length limit (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) as a backstop.',
    references: ['https://opentelemetry.io/docs/specs/semconv/database/database-spans/#sanitization-of-dbquerytext'],
  },
  options: {
    maxLength: { type: 'number', default: 2048, description: 'longest string value accepted, in characters' },
    maxBodyLength: { type: 'number', default: 256, description: 'longest value accepted under a body or payload key' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    for (const span of trace!.spans) {
      for (const key in span.attributes) {
        const value = span.attributes[key];
        if (typeof value !== 'string') continue;
        const problem = problemOf(key, value, options.maxLength, options.maxBodyLength);
        if (problem) reportProblem(report, span, key, value, problem);
      }
    }
  },
});

const kindOfKey = memoByKey((key) => ({ query: QUERY_KEYS.includes(key), body: BODY_KEY.test(key) }));

function problemOf(key: string, value: string, maxLength: number, maxBodyLength: number): string | undefined {
  const kind = kindOfKey(key);
  if (kind.query && SQL_LITERAL.test(value.slice(0, 10_000))) return 'holds SQL with literal values instead of placeholders';
  if (kind.body && value.length > maxBodyLength) return `holds a body of ${value.length} characters`;
  if (value.length > maxLength) return `is ${value.length} characters long (more than ${maxLength})`;
  return undefined;
}

function reportProblem(report: (finding: { span: Span; key: string; message: string; data: Record<string, string | number> }) => void, span: Span, key: string, value: string, problem: string): void {
  report({ span, key, message: `attribute '${clip(key, 60)}' of ${spanLabel(span)} ${problem}`, data: { key, length: value.length } });
}
