import { defineRule } from '../lint/types.js';
import type { IdProblem, Span } from '../model/span.js';
import { clip, spanLabel } from './support/describe.js';

const EXPLAIN: Record<IdProblem['problem'], string> = {
  'not-hex': 'is not hexadecimal',
  'wrong-length': 'has the wrong length (trace ids are 32 hex digits, span ids 16)',
  'all-zero': 'is all zeros, which W3C Trace Context defines as invalid',
  padded: 'was written without its leading zeros and had to be padded',
};

export const invalidId = defineRule({
  id: 'invalid-id',
  category: 'ids',
  defaultSeverity: 'error',
  summary: 'A trace, span or parent id is not hex, has the wrong length, or is all zeros',
  docs: {
    why: 'W3C Trace Context ids are 16 bytes (trace) and 8 bytes (span) of lowercase hex, and all-zero ids are invalid: propagators drop such contexts, so the next hop starts a new trace. Ids written without leading zeros (old Jaeger and Zipkin clients) are readable but break matching with systems that compare strings.',
    fix: 'Use the SDK\'s id generator; do not derive ids from other identifiers. When converting between formats, keep ids as fixed-width lowercase hex.',
    references: ['https://www.w3.org/TR/trace-context/#trace-id', 'https://www.w3.org/TR/trace-context/#parent-id'],
  },
  options: {
    reportPadded: { type: 'boolean', default: true, description: 'also report ids written without leading zeros (as a warning)' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    // One finding per malformed id value, however many spans and links carry it.
    const groups = new Map<string, { span: Span; problem: IdProblem; spans: Set<Span>; fields: Set<string> }>();
    for (const span of trace!.spans) {
      for (const problem of span.idProblems ?? []) {
        if (problem.problem === 'padded' && !options.reportPadded) continue;
        const kind = problem.field.endsWith('raceId') ? 'trace id' : 'span id';
        const key = `${kind}:${problem.problem}:${problem.seen}`;
        const group = groups.get(key) ?? { span, problem, spans: new Set<Span>(), fields: new Set<string>() };
        group.spans.add(span);
        group.fields.add(problem.field);
        groups.set(key, group);
      }
    }
    for (const [key, { span, problem, spans, fields }] of groups) {
      const kind = key.startsWith('trace') ? 'trace id' : 'span id';
      const where = spans.size === 1 ? `in ${spanLabel(span)}` : `in ${spans.size} spans, first ${spanLabel(span)}`;
      report({
        span,
        key,
        ...(problem.problem === 'padded' ? { severity: 'warn' as const } : {}),
        message: `${kind} '${clip(problem.seen, 40)}' ${EXPLAIN[problem.problem]} (${[...fields].sort().join(', ')} ${where})`,
        data: { kind, seen: problem.seen, problem: problem.problem, fields: [...fields].sort(), spans: spans.size },
      });
    }
  },
});
