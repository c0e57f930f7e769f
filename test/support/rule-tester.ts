import { describe, expect, it } from 'vitest';
import type { OptionValues, Rule, RuleOptions } from '../../src/lint/types.js';
import type { Span } from '../../src/model/span.js';
import { runRule, type RuleExtras } from './run-rule.js';

/**
 * ESLint-style rule tables: valid traces must produce no finding; each invalid
 * trace must produce exactly the findings listed, in the engine's order (by
 * position in the input, then rule, span and fingerprint).
 */
export interface ValidCase<O extends RuleOptions> {
  name: string;
  spans: Span[];
  options?: Partial<OptionValues<O>>;
  /** More of the rule's context, made from the case's traces (the expectation rule's evaluated specs). */
  context?: RuleExtras;
}

export interface ExpectedFinding {
  /** A substring or pattern the message must match. */
  message?: string | RegExp;
  spanId?: string;
  severity?: 'warn' | 'error';
  data?: Record<string, unknown>;
  /** `line:column` the finding points at (a spec file's, for expectations). */
  at?: string;
  /** Spans a grouped finding was seen on (default: not checked). */
  count?: number;
}

export interface InvalidCase<O extends RuleOptions> extends ValidCase<O> {
  findings: ExpectedFinding[];
}

export function ruleTable<O extends RuleOptions>(rule: Rule<O>, cases: { valid: ValidCase<O>[]; invalid: InvalidCase<O>[] }): void {
  describe(rule.id, () => {
    describe('valid', () => {
      it.each(cases.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        expect(runRule(rule, c.spans, c.options, c.context).map((d) => d.message)).toEqual([]);
      });
    });
    describe('invalid', () => {
      it.each(cases.invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const found = runRule(rule, c.spans, c.options, c.context);
        expect(found.length, found.map((d) => d.message).join('\n')).toBe(c.findings.length);
        c.findings.forEach((expected, i) => {
          const actual = found[i]!;
          if (expected.message instanceof RegExp) expect(actual.message).toMatch(expected.message);
          else if (expected.message !== undefined) expect(actual.message).toContain(expected.message);
          if (expected.spanId !== undefined) expect(actual.spanId).toBe(expected.spanId);
          if (expected.severity !== undefined) expect(actual.severity).toBe(expected.severity);
          if (expected.data !== undefined) expect(actual.data).toMatchObject(expected.data);
          if (expected.at !== undefined) expect(`${actual.location?.line}:${actual.location?.column}`).toBe(expected.at);
          if (expected.count !== undefined) expect(actual.count).toBe(expected.count);
        });
      });
    });
  });
}
