import { safeMultiline } from '../render/safe-text.js';
import { displayPath } from './paths.js';
import type { Diagnostic } from '../lint/types.js';
import type { ExpectationCase, Reporter } from './types.js';

/**
 * JUnit XML, as CI systems read it: one test suite per rule that ran, one failing
 * test case per finding (a grouped finding says on how many spans); with spec
 * files (`check --expect`), one suite per spec file and one test case per spec
 * and trace, passed, failed (with its findings) or skipped. A run with no
 * findings and no specs is one passing case, so the report is never empty.
 * What made the run incomplete (an unreadable input, a rule that failed) is a
 * suite of its own whose cases are errors, so CI shows why it exited 2.
 */
export const junitReporter: Reporter = ({ diagnostics, rules, summary, cwd, notices, expectations = [] }) => {
  // An expectation's findings are shown in its spec's test case, not again in a suite of the rule.
  const caseKeys = new Set(expectations.map((e) => e.key));
  const inCase = (d: Diagnostic): boolean => d.ruleId === 'expectation' && typeof d.data.case === 'string' && caseKeys.has(d.data.case);
  const byRule = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) if (!inCase(d)) byRule.set(d.ruleId, [...(byRule.get(d.ruleId) ?? []), d]);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
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
    tests += errors.length;
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
    tests += found.length;
    failures += found.length;
    suites.push(`  <testsuite name="${xml(ruleId)}" tests="${found.length}" failures="${found.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  const byFile = new Map<string, ExpectationCase[]>();
  for (const e of expectations) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, cases] of byFile) {
    const shownFile = displayPath(file, cwd);
    const failed = cases.filter((e) => e.status === 'failed').length;
    const skips = cases.filter((e) => e.status === 'skipped').length;
    const lines = cases.map((e) => {
      const where = `${shownFile}:${e.line}:${e.column}`;
      const open = `    <testcase classname="${xml(`tracelint.expect.${shownFile}`)}" name="${xml(`${e.name}${e.traceId ? ` [trace ${e.traceId}]` : ''}`)}" file="${xml(where)}"`;
      if (e.status === 'passed') return `${open}/>`;
      if (e.status === 'skipped') return `${open}>\n      <skipped message="${xml(e.reason ?? 'skipped')}"/>\n    </testcase>`;
      const found = diagnostics.filter((d) => inCase(d) && d.data.case === e.key && d.traceId === e.traceId);
      const messages = found.map((d) => `${d.message}\n${d.location ? `${displayPath(d.location.file, cwd)}:${d.location.line ?? 1}:${d.location.column ?? 1}` : where}`).join('\n\n');
      return `${open}>\n      <failure type="${found.some((d) => d.severity === 'error') ? 'error' : 'warn'}" message="${xml(found[0]?.message ?? e.name)}">${xml(messages)}</failure>\n    </testcase>`;
    });
    tests += cases.length;
    failures += failed;
    skipped += skips;
    suites.push(`  <testsuite name="${xml(`expect ${shownFile}`)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skips}">\n${lines.join('\n')}\n  </testsuite>`);
  }
  if (suites.length === 0) {
    tests = 1;
    suites.push(`  <testsuite name="tracelint" tests="1" failures="0" errors="0">\n    <testcase classname="tracelint" name="${xml(`${summary.traces} traces, ${summary.spans} spans: no findings`)}"/>\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tracelint" tests="${tests}" failures="${failures}" errors="${errors.length}"${skipped ? ` skipped="${skipped}"` : ''}>\n${suites.join('\n')}\n</testsuites>\n`;
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
