import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';
import { clip } from './support/describe.js';
import { memoByKey } from './support/key-memo.js';
import { findSqlLiterals } from './support/sql-literals.js';

/**
 * Attributes that carry SQL text: the semantic conventions' (db.query.text,
 * and db.statement before it), Brave's p6spy and Datadog's sql.query, Brave's
 * cassandra.query, Honeycomb's db.query, Spring Cloud Sleuth's jdbc.query and
 * datasource-micrometer's jdbc.query[N], and a plain `sql`.
 */
const QUERY_KEYS = new Set(['db.query.text', 'db.statement', 'db.query', 'sql.query', 'sql', 'cassandra.query', 'jdbc.query']);
const INDEXED_QUERY_KEY = /^jdbc\.query\[\d+\]$/;
const BODY_KEY = /(?:^|[._])(?:body|payload)(?:$|[._])/i;
/** Literals beyond this many characters of a statement are not looked for. */
const SQL_SCAN_LENGTH = 10_000;

export const oversizedAttribute = defineRule({
  id: 'oversized-attribute',
  category: 'hygiene',
  defaultSeverity: 'warn',
  summary: 'Oversized or high-cardinality attribute values: huge strings, SQL with literals, request or response bodies',
  docs: {
    why: 'Large values (bodies, whole documents) bloat every span and are often truncated by backends anyway; raw SQL with literal values makes every query text unique (no grouping, high cardinality) and leaks the data in the WHERE clause or the VALUES list. SQL is read in every attribute that carries it (db.query.text, db.statement, sql.query as Brave/p6spy and Datadog write it, cassandra.query, db.query, jdbc.query) and in every statement form: literals compared (=, <>, <, >, LIKE, BETWEEN), listed (IN), inserted (VALUES) or assigned (UPDATE … SET). Placeholders (?, $1, :name, @p1, %s) are not literals, nor are LIMIT counts, function arguments or constant conditions such as 1 = 1; double-quoted text is an identifier, as standard SQL has it. One finding per service, key and problem, with the number of spans: a query template repeated on many spans is one finding, shown with its literals replaced by ?.',
    fix: 'Record sizes instead of bodies (http.request.body.size), parameterised SQL (the instrumentation\'s sanitisation option, p6spy without includeParameterValues, or db.query.summary), and set an attribute length limit (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) as a backstop.',
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

const kindOfKey = memoByKey((key) => ({ query: QUERY_KEYS.has(key) || INDEXED_QUERY_KEY.test(key), body: BODY_KEY.test(key) }));

interface Problem {
  /** What repeats across spans: the kind of problem. */
  kind: 'sql-literals' | 'body' | 'long';
  /** True of every span in the group. */
  text: string;
  /** About the first span only, said as such. */
  first: string;
  data: Record<string, string | number>;
}

function problemOf(key: string, value: string, maxLength: number, maxBodyLength: number): Problem | undefined {
  const kind = kindOfKey(key);
  if (kind.query) {
    const sql = sqlProblem(value);
    if (sql) return sql;
  }
  if (kind.body && value.length > maxBodyLength) return { kind: 'body', text: `holds a body longer than ${maxBodyLength} characters`, first: `the first ${value.length}`, data: { limit: maxBodyLength } };
  if (value.length > maxLength) return { kind: 'long', text: `is longer than ${maxLength} characters`, first: `the first ${value.length}`, data: { limit: maxLength } };
  return undefined;
}

/**
 * Query templates repeat on every span that runs them: what a statement holds
 * is remembered (statements up to 2048 characters, at most 10k of them, all
 * forgotten when full).
 */
const SQL_MEMO_LIMIT = 10_000;
const SQL_MEMO_MAX_LENGTH = 2048;
const sqlMemo = new Map<string, Problem | null>();

function sqlProblem(value: string): Problem | undefined {
  const known = sqlMemo.get(value);
  if (known !== undefined) return known ?? undefined;
  const sql = findSqlLiterals(value.slice(0, SQL_SCAN_LENGTH));
  const problem: Problem | null =
    sql && sql.count > 0
      ? { kind: 'sql-literals', text: 'holds SQL with literal values instead of placeholders', first: `first: ${around(sql.sanitized, sql.firstAt)}`, data: { literals: sql.count, query: clip(sql.sanitized, 200) } }
      : null;
  if (value.length <= SQL_MEMO_MAX_LENGTH) {
    if (sqlMemo.size >= SQL_MEMO_LIMIT) sqlMemo.clear();
    sqlMemo.set(value, problem);
  }
  return problem ?? undefined;
}

/** A short statement whole; a long one around its first literal, so the message shows where it is. */
function around(sanitized: string, at: number): string {
  if (sanitized.length <= 100) return sanitized;
  // From a word boundary, so the shown text does not start mid-name.
  const space = sanitized.indexOf(' ', Math.max(0, at - 60));
  const start = at <= 60 || space === -1 || space >= at ? 0 : space + 1;
  const end = Math.min(sanitized.length, at + 40);
  return `${start > 0 ? '…' : ''}${sanitized.slice(start, end)}${end < sanitized.length ? '…' : ''}`;
}

type Report = (finding: { span: Span; key: string; group: string; message: string; data: Record<string, string | number> }) => void;

/** One finding per service, key and kind of problem; the engine counts the spans. */
function reportProblem(report: Report, span: Span, key: string, value: string, problem: Problem): void {
  report({
    span,
    key,
    group: `${problem.kind}\u0000${key}`,
    message: `attribute '${clip(key, 60)}' ${problem.text} (spans of '${clip(serviceOf(span))}'; ${problem.first})`,
    data: { key, problem: problem.kind, length: value.length, ...problem.data },
  });
}
