import type { Diagnostic, Severity } from '../lint/types.js';
import { groupThousands } from '../render/numbers.js';
import { displayPath } from './paths.js';
import type { RunNotice, RunSummary } from './types.js';

/**
 * Counting and grouping findings the way the summary reports (markdown, html)
 * show them. A grouped finding stands for `count` spans (1 when the engine did
 * not group it), so "findings" and "spans" are both counted.
 */

export interface RuleGroup {
  ruleId: string;
  /** The highest severity among its findings. */
  severity: Severity;
  findings: Diagnostic[];
  spans: number;
}

/** Findings by rule: errors first, then the most findings, then by id. Each group keeps the engine's order. */
export function groupByRule(diagnostics: readonly Diagnostic[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const d of diagnostics) {
    const group = groups.get(d.ruleId) ?? { ruleId: d.ruleId, severity: d.severity, findings: [], spans: 0 };
    groups.set(d.ruleId, group);
    group.findings.push(d);
    group.spans += d.count;
    if (d.severity === 'error') group.severity = 'error';
  }
  return [...groups.values()].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.findings.length - a.findings.length || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

export function severityRank(severity: Severity): number {
  return severity === 'error' ? 2 : 1;
}

/** Findings per trace id, in first-seen order; findings about no trace (across traces) under ''. */
export function groupByTrace(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const key = d.traceId ?? '';
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  return groups;
}

export function plural(n: number, noun: string): string {
  return `${groupThousands(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** Why the run exits as it does, in a few words each: the errors that made it incomplete, or what failed it. */
export function exitReasons(summary: RunSummary, notices: readonly RunNotice[], cwd: string): string[] {
  if (summary.exitCode === 2) return notices.filter((notice) => notice.level === 'error').map((notice) => noticeText(notice, cwd));
  if (summary.exitCode === 1) return summary.errors > 0 ? [`${plural(summary.errors, 'finding')} at error level`] : ['more warnings than --max-warnings allows'];
  return [];
}

/** "exit 1: 6 findings at error level", "exit 0: passed". */
export function outcomeText(summary: RunSummary, notices: readonly RunNotice[], cwd: string): string {
  const reasons = exitReasons(summary, notices, cwd);
  return `exit ${summary.exitCode}: ${reasons.length > 0 ? reasons.join('; ') : 'passed'}`;
}

/** A notice with where it happened first: `file:line:column: message`. */
export function noticeText(notice: RunNotice, cwd: string): string {
  if (notice.file === undefined) return notice.message;
  const at = `${displayPath(notice.file, cwd)}${notice.line !== undefined ? `:${notice.line}${notice.column !== undefined ? `:${notice.column}` : ''}` : ''}`;
  return `${at}: ${notice.message}`;
}
