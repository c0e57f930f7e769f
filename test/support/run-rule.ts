import { resolveConfig } from '../../src/lint/config.js';
import { lint, type LintHooks } from '../../src/lint/engine.js';
import type { Diagnostic, OptionValues, Rule, RuleOptions } from '../../src/lint/types.js';
import type { Span } from '../../src/model/span.js';
import { TraceSet } from '../../src/model/trace.js';

/** What the engine hands rules besides options and traces (the expectation rule's evaluated specs), made from the case's traces. */
export type RuleExtras = (traces: TraceSet) => Pick<LintHooks, 'expectations'>;

/**
 * Runs one rule over spans with its default options (or overrides) through the
 * lint engine alone, so rule tables test the rule as a user meets it: severity
 * the rule's default (or a finding's lower one), repeated findings grouped.
 */
export function runRule<O extends RuleOptions>(rule: Rule<O>, spans: Span[], overrides: Partial<OptionValues<O>> = {}, extra: RuleExtras = () => ({})): Diagnostic[] {
  const config = resolveConfig({ rules: { [rule.id]: [rule.defaultSeverity, overrides as Record<string, unknown>] } }, [rule as unknown as Rule]);
  const traces = new TraceSet(spans);
  const result = lint(traces, config, [rule as unknown as Rule], extra(traces));
  if (result.failures.length > 0) throw new Error(`${rule.id} failed: ${result.failures[0]!.message}`);
  return result.diagnostics;
}
