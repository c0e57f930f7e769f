import { resolveConfig } from '../../src/lint/config.js';
import { lint } from '../../src/lint/engine.js';
import type { Diagnostic, OptionValues, Rule, RuleOptions } from '../../src/lint/types.js';
import type { Span } from '../../src/model/span.js';
import { TraceSet } from '../../src/model/trace.js';

/**
 * Runs one rule over spans with its default options (or overrides) through the
 * lint engine alone, so rule tables test the rule as a user meets it: severity
 * the rule's default (or a finding's lower one), repeated findings grouped.
 */
export function runRule<O extends RuleOptions>(rule: Rule<O>, spans: Span[], overrides: Partial<OptionValues<O>> = {}): Diagnostic[] {
  const config = resolveConfig({ rules: { [rule.id]: [rule.defaultSeverity, overrides as Record<string, unknown>] } }, [rule as unknown as Rule]);
  const result = lint(new TraceSet(spans), config, [rule as unknown as Rule]);
  if (result.failures.length > 0) throw new Error(`${rule.id} failed: ${result.failures[0]!.message}`);
  return result.diagnostics;
}
