import type { Diagnostic, OptionValues, Rule, RuleContext, RuleOptions } from '../../src/lint/types.js';
import type { Span } from '../../src/model/span.js';
import { serviceOf } from '../../src/model/span.js';
import { TraceSet } from '../../src/model/trace.js';

/** What a rule's context holds besides options and traces (the expectation rule's evaluated specs), made from the case's traces. */
export type RuleExtras = (traces: TraceSet) => Partial<Pick<RuleContext<RuleOptions>, 'expectations'>>;

/**
 * Runs one rule over spans with its default options (or overrides), without the
 * lint engine, so rule tables test the rule alone. Severity is the rule's default.
 */
export function runRule<O extends RuleOptions>(rule: Rule<O>, spans: Span[], overrides: Partial<OptionValues<O>> = {}, extra: RuleExtras = () => ({})): Diagnostic[] {
  const options = { ...Object.fromEntries(Object.entries(rule.options).map(([key, option]) => [key, option.default])), ...overrides } as OptionValues<O>;
  const traces = new TraceSet(spans);
  const found: Diagnostic[] = [];
  const base = { options, traces, ...extra(traces) };
  const report = (finding: Parameters<Parameters<Rule<O>['check']>[0]['report']>[0]): void => {
    const span = finding.span;
    found.push({
      ruleId: rule.id,
      severity: rule.defaultSeverity === 'error' && finding.severity === 'warn' ? 'warn' : rule.defaultSeverity,
      message: finding.message,
      ...(span ? { traceId: span.traceId, spanId: span.spanId, service: serviceOf(span), location: finding.location ?? span.source } : finding.trace ? { traceId: finding.trace.traceId } : {}),
      ...(!span && finding.location ? { location: finding.location } : {}),
      data: finding.data ?? {},
      fingerprint: '',
    });
  };
  if (rule.scope === 'set') rule.check({ ...base, report });
  else for (const trace of traces.traces.values()) rule.check({ ...base, trace, report });
  return found;
}
