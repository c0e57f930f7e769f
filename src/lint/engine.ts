import { createHash } from 'node:crypto';
import type { ExpectationResults } from '../expect/evaluate.js';
import type { Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';
import type { Trace, TraceSet } from '../model/trace.js';
import { RULES } from '../rules/index.js';
import type { IgnorePattern, ResolvedConfig } from './config.js';
import { resolveConfig } from './config.js';
import type { Diagnostic, Finding, Occurrence, OptionValues, Rule, RuleOptions, Severity, SeveritySetting } from './types.js';

/** How many occurrences a grouped finding lists (its count has them all). */
export const MAX_OCCURRENCES = 10;
import { wildcardMatch } from './wildcard.js';

export interface RuleFailure {
  ruleId: string;
  message: string;
}

export interface LintResult {
  /** Sorted by file, line, column, trace, rule, span and message. */
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Findings left out by ignore patterns. */
  ignoredCount: number;
  /** Rules that threw: their findings are incomplete, and the run exits 2. */
  failures: RuleFailure[];
}

export interface LintHooks {
  /** Called after the per-trace rules have run on each trace (the set-wide rules run first), for progress display. */
  onTraceChecked?: (tracesDone: number, tracesTotal: number) => void;
  /** Spec files already checked against the traces (`evaluateSpecs`): the expectation rule reports their failures. */
  expectations?: ExpectationResults;
}

/**
 * Runs every enabled rule over the traces and turns their findings into
 * diagnostics: severity from the config (per service where an override says
 * so), ignore patterns applied, fingerprints added, deterministic order.
 * A rule that throws does not stop the others; it is reported as a failure.
 */
export function lint(traces: TraceSet, config?: ResolvedConfig, rules: readonly Rule[] = RULES, hooks: LintHooks = {}): LintResult {
  const settings = config ?? resolveConfig({}, rules);
  const diagnostics: Diagnostic[] = [];
  const groups = new Map<string, Diagnostic>();
  const failures: RuleFailure[] = [];
  let ignoredCount = 0;
  const running: Array<{ rule: Rule; options: OptionValues<RuleOptions>; report: (finding: Finding) => void; failure?: RuleFailure }> = [];
  for (const rule of rules) {
    const setting = settings.rules.get(rule.id) ?? { severity: rule.defaultSeverity, options: defaultOptions(rule) };
    const enabledSomewhere = setting.severity !== 'off' || settings.overrides.some((override) => (override.rules[rule.id] ?? 'off') !== 'off');
    if (!enabledSomewhere) continue;
    const report = (finding: Finding): void => {
      const configured = severityFor(rule.id, setting.severity, finding, settings);
      // A finding may lower its severity (graded thresholds), never raise it above the configured one.
      const diagnostic = toDiagnostic(rule, finding, configured !== 'off' && finding.severity === 'warn' ? 'warn' : configured);
      if (!diagnostic) return;
      if (settings.ignore.some((pattern) => ignores(pattern, diagnostic, finding.span))) ignoredCount++;
      else if (finding.group === undefined) diagnostics.push(diagnostic);
      else addToGroup(groups, diagnostics, diagnostic, finding.group);
    };
    running.push({ rule, options: setting.options as OptionValues<RuleOptions>, report });
  }
  // A rule that throws stops there: what it reported before stays, and it is a failure.
  const fail = (entry: (typeof running)[number], error: unknown): void => {
    entry.failure = { ruleId: entry.rule.id, message: error instanceof Error ? error.message : String(error) };
  };
  for (const entry of running) {
    if (entry.rule.scope !== 'set') continue;
    try {
      entry.rule.check({ options: entry.options, traces, report: entry.report, ...(hooks.expectations ? { expectations: hooks.expectations } : {}) });
    } catch (error) {
      fail(entry, error);
    }
  }
  // Trace by trace, every per-trace rule while the trace's spans are in the cache, rather than
  // rule by rule over the whole set: a third less time at 100k and 1M spans.
  const perTrace = running.filter((entry) => entry.rule.scope !== 'set');
  let tracesDone = 0;
  for (const trace of traces.traces.values()) {
    for (const entry of perTrace) {
      if (entry.failure !== undefined) continue;
      try {
        entry.rule.check({ options: entry.options, traces, report: entry.report, trace });
      } catch (error) {
        fail(entry, error);
      }
    }
    hooks.onTraceChecked?.(++tracesDone, traces.traces.size);
  }
  for (const entry of running) if (entry.failure) failures.push(entry.failure);
  diagnostics.sort(compareDiagnostics);
  return {
    diagnostics,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
    warningCount: diagnostics.filter((d) => d.severity === 'warn').length,
    ignoredCount,
    failures,
  };
}

/**
 * A grouped finding: the first becomes the diagnostic (its fingerprint made of
 * rule, service and group, not of the span), later ones count and add their place.
 */
function addToGroup(groups: Map<string, Diagnostic>, diagnostics: Diagnostic[], diagnostic: Diagnostic, group: string): void {
  const key = [diagnostic.ruleId, diagnostic.severity, diagnostic.service ?? '', group].join('\u0000');
  const first = groups.get(key);
  const occurrence = occurrenceOf(diagnostic);
  if (first === undefined) {
    diagnostic.fingerprint = fingerprint(diagnostic.ruleId, undefined, undefined, `group\u0000${diagnostic.service ?? ''}\u0000${group}`);
    diagnostic.occurrences = [occurrence];
    groups.set(key, diagnostic);
    diagnostics.push(diagnostic);
    return;
  }
  first.count++;
  if (first.occurrences!.length < MAX_OCCURRENCES) first.occurrences!.push(occurrence);
}

function occurrenceOf(diagnostic: Diagnostic): Occurrence {
  const occurrence: Occurrence = {};
  if (diagnostic.traceId !== undefined) occurrence.traceId = diagnostic.traceId;
  if (diagnostic.spanId !== undefined) occurrence.spanId = diagnostic.spanId;
  if (diagnostic.location !== undefined) occurrence.location = diagnostic.location;
  return occurrence;
}

function defaultOptions(rule: Rule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rule.options).map(([name, option]) => [name, option.default]));
}

/** The severity for a finding: the first override naming the finding's service, else the rule's. */
function severityFor(ruleId: string, base: SeveritySetting, finding: Finding, config: ResolvedConfig): SeveritySetting {
  const service = finding.span ? serviceOf(finding.span) : undefined;
  if (service === undefined) return base;
  for (const override of config.overrides) {
    const severity = override.rules[ruleId];
    if (severity !== undefined && override.services.some((pattern) => wildcardMatch(pattern, service))) return severity;
  }
  return base;
}

function toDiagnostic(rule: Rule, finding: Finding, severity: SeveritySetting): Diagnostic | undefined {
  if (severity === 'off') return undefined;
  const span = finding.span;
  const traceId = span?.traceId ?? finding.trace?.traceId;
  const diagnostic: Diagnostic = {
    ruleId: rule.id,
    severity: severity as Severity,
    message: finding.message,
    data: finding.data ?? {},
    fingerprint: fingerprint(rule.id, traceId, span?.spanId, finding.key),
    count: 1,
  };
  if (traceId !== undefined) diagnostic.traceId = traceId;
  if (span) {
    diagnostic.spanId = span.spanId;
    diagnostic.service = serviceOf(span);
    diagnostic.location = finding.location ?? span.source;
  } else if (finding.location) {
    diagnostic.location = finding.location;
  } else if (finding.trace) {
    const first = firstSpan(finding.trace);
    if (first) diagnostic.location = { file: first.source.file, format: first.source.format };
  }
  return diagnostic;
}

function firstSpan(trace: Trace): Span | undefined {
  return trace.roots[0] ?? trace.spans[0];
}

/** Stable across runs: depends on what the finding is about, not on span order or file lines. */
export function fingerprint(ruleId: string, traceId: string | undefined, spanId: string | undefined, key: string | undefined): string {
  return createHash('sha256')
    .update([ruleId, traceId ?? '', spanId ?? '', key ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

function ignores(pattern: IgnorePattern, diagnostic: Diagnostic, span: Span | undefined): boolean {
  const checks: Array<[string | undefined, string | undefined]> = [
    [pattern.rule, diagnostic.ruleId],
    [pattern.service, diagnostic.service],
    [pattern.span, span?.name],
    [pattern.trace, diagnostic.traceId],
    [pattern.file, diagnostic.location?.file],
  ];
  return checks.every(([wanted, actual]) => wanted === undefined || (actual !== undefined && wildcardMatch(wanted, actual)));
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compare(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    compare(a.traceId ?? '', b.traceId ?? '') ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.spanId ?? '', b.spanId ?? '') ||
    compare(a.message, b.message) ||
    compare(a.fingerprint, b.fingerprint)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
