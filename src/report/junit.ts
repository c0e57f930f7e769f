import { safeMultiline } from '../render/safe-text.js';
import { displayPath } from './paths.js';
import type { Reporter } from './types.js';

/**
 * JUnit XML, as CI systems read it: one test suite per rule that ran, one failing
 * test case per finding (a grouped finding says on how many spans); a run with
 * no findings is one passing case, so the report is never empty. What made the
 * run incomplete (an unreadable input, a rule that failed) is a suite of its
 * own whose cases are errors, so CI shows why it exited 2.
 */
export const junitReporter: Reporter = ({ diagnostics, rules, summary, cwd, notices }) => {
  const byRule = new Map<string, typeof diagnostics>();
  for (const d of diagnostics) byRule.set(d.ruleId, [...(byRule.get(d.ruleId) ?? []), d]);
  const suites: string[] = [];
  const errors = notices.filter((n) => n.level === 'error');
  if (errors.length > 0) {
    const cases = errors.map((n) => {
      const where = n.file === undefined ? '' : `${displayPath(n.file, cwd)}${n.line !== undefined ? `:${n.line}${n.column !== undefined ? `:${n.column}` : ''}` : ''}`;
      return [
        `    <testcase classname="tracelint.run" name="${xml(where || 'run')}"${where ? ` file="${xml(where)}"` : ''}>`,
        `      <error type="incomplete" message="${xml(n.message)}">${xml(`${where ? `${where}: ` : ''}${n.message}`)}</error>`,
        '    </testcase>',
      ].join('\n');
    });
    suites.push(`  <testsuite name="tracelint run" tests="${errors.length}" failures="0" errors="${errors.length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  for (const [ruleId, found] of byRule) {
    const summaryText = rules.find((rule) => rule.id === ruleId)?.summary ?? ruleId;
    const cases = found.map((d) => {
      const where = d.location ? `${displayPath(d.location.file, cwd)}${d.location.line !== undefined ? `:${d.location.line}:${d.location.column ?? 1}` : ''}` : '';
      const name = `${d.traceId ? `trace ${d.traceId}` : 'input'}${d.spanId ? ` span ${d.spanId}` : ''}${d.count > 1 ? ` (×${d.count} spans)` : ''}`;
      const seen = d.count > 1 ? `\nseen on ${d.count} spans, first: ${(d.occurrences ?? []).map((o) => `${o.traceId ?? ''}/${o.spanId ?? ''}`).join(', ')}` : '';
      return [
        `    <testcase classname="tracelint.${xml(ruleId)}" name="${xml(name)}"${where ? ` file="${xml(where)}"` : ''}>`,
        `      <failure type="${d.severity}" message="${xml(d.message)}">${xml(`${d.message}\n${where}${seen}\nrule: ${ruleId} (${summaryText})`)}</failure>`,
        '    </testcase>',
      ].join('\n');
    });
    suites.push(`  <testsuite name="${xml(ruleId)}" tests="${found.length}" failures="${found.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (suites.length === 0) {
    suites.push(`  <testsuite name="tracelint" tests="1" failures="0" errors="0">\n    <testcase classname="tracelint" name="${xml(`${summary.traces} traces, ${summary.spans} spans: no findings`)}"/>\n  </testsuite>`);
  }
  const tests = Math.max(1, diagnostics.length + errors.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tracelint" tests="${tests}" failures="${diagnostics.length}" errors="${errors.length}">\n${suites.join('\n')}\n</testsuites>\n`;
};

/**
 * Escapes for attributes and text: control, C1 and bidi characters are shown
 * escaped (CI logs print these reports), and anything XML 1.0 cannot hold is dropped.
 */
export function xml(text: string): string {
  return safeMultiline(text)
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
