import { safeMultiline } from '../render/safe-text.js';
import { displayPath } from './paths.js';
import type { Diagnostic } from '../lint/types.js';
import type { ExpectationCase, ReportInput, Reporter } from './types.js';

/**
 * JUnit XML, as CI systems read it: one test suite per rule that ran, one failing
 * test case per finding (a grouped finding says on how many spans); with spec
 * files (`check --expect`), one suite per spec file and one test case per spec
 * and trace, passed, failed (with its findings) or skipped. A run with no
 * findings and no specs is one passing case, so the report is never empty.
 * What made the run incomplete (an unreadable input, a rule that failed) is a
 * suite of its own whose cases are errors, so CI shows why it exited 2.
 */
export const junitReporter: Reporter = (input) => [...junitChunks(input)].join('');

/** The JUnit report as chunks, a test case at a time (`check` writes them as they come). */
export function* junitChunks({ diagnostics, rules, summary, cwd, notices, expectations = [] }: ReportInput): Generator<string> {
  // An expectation's findings are shown in its spec's test case, not again in a suite of the rule.
  const caseKeys = new Set(expectations.map((e) => e.key));
  const byCase = new Map<string, Diagnostic[]>();
  const byRule = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.ruleId === 'expectation' && typeof d.data.case === 'string' && caseKeys.has(d.data.case)) push(byCase, `${d.data.case}\u0000${d.traceId ?? ''}`, d);
    else push(byRule, d.ruleId, d);
  }
  const byFile = new Map<string, ExpectationCase[]>();
  for (const e of expectations) push(byFile, e.file, e);
  const errors = notices.filter((n) => n.level === 'error');
  const findings = [...byRule.values()].reduce((sum, list) => sum + list.length, 0);
  const failedCases = expectations.filter((e) => e.status === 'failed').length;
  const skipped = expectations.filter((e) => e.status === 'skipped').length;
  const empty = errors.length === 0 && findings === 0 && expectations.length === 0;
  const tests = empty ? 1 : errors.length + findings + expectations.length;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tracelint" tests="${tests}" failures="${findings + failedCases}" errors="${errors.length}"${skipped ? ` skipped="${skipped}"` : ''}>\n`;
  if (errors.length > 0) {
    yield `  <testsuite name="tracelint run" tests="${errors.length}" failures="0" errors="${errors.length}">\n`;
    for (const n of errors) {
      const where = n.file === undefined ? '' : `${displayPath(n.file, cwd)}${n.line !== undefined ? `:${n.line}${n.column !== undefined ? `:${n.column}` : ''}` : ''}`;
      yield `    <testcase classname="tracelint.run" name="${xml(where || 'run')}"${where ? ` file="${xml(where)}"` : ''}>\n      <error type="incomplete" message="${xml(n.message)}">${xml(`${where ? `${where}: ` : ''}${n.message}`)}</error>\n    </testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  for (const [ruleId, found] of byRule) {
    const summaryText = rules.find((rule) => rule.id === ruleId)?.summary ?? ruleId;
    yield `  <testsuite name="${xml(ruleId)}" tests="${found.length}" failures="${found.length}" errors="0">\n`;
    for (const d of found) {
      const where = d.location ? `${displayPath(d.location.file, cwd)}${d.location.line !== undefined ? `:${d.location.line}:${d.location.column ?? 1}` : ''}` : '';
      const name = `${d.traceId ? `trace ${d.traceId}` : 'input'}${d.spanId ? ` span ${d.spanId}` : ''}${d.count > 1 ? ` (×${d.count} spans)` : ''}`;
      const seen = d.count > 1 ? `\nseen on ${d.count} spans, first: ${(d.occurrences ?? []).map((o) => `${o.traceId ?? ''}/${o.spanId ?? ''}`).join(', ')}` : '';
      yield `    <testcase classname="tracelint.${xml(ruleId)}" name="${xml(name)}"${where ? ` file="${xml(where)}"` : ''}>\n      <failure type="${d.severity}" message="${xml(d.message)}">${xml(`${d.message}\n${where}${seen}\nrule: ${ruleId} (${summaryText})`)}</failure>\n    </testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  for (const [file, cases] of byFile) {
    const shownFile = displayPath(file, cwd);
    const failed = cases.filter((e) => e.status === 'failed').length;
    const skips = cases.filter((e) => e.status === 'skipped').length;
    yield `  <testsuite name="${xml(`expect ${shownFile}`)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skips}">\n`;
    for (const e of cases) {
      const where = `${shownFile}:${e.line}:${e.column}`;
      const open = `    <testcase classname="${xml(`tracelint.expect.${shownFile}`)}" name="${xml(`${e.name}${e.traceId ? ` [trace ${e.traceId}]` : ''}`)}" file="${xml(where)}"`;
      if (e.status === 'passed') yield `${open}/>\n`;
      else if (e.status === 'skipped') yield `${open}>\n      <skipped message="${xml(e.reason ?? 'skipped')}"/>\n    </testcase>\n`;
      else {
        const found = byCase.get(`${e.key}\u0000${e.traceId ?? ''}`) ?? [];
        const messages = found.map((d) => `${d.message}\n${d.location ? `${displayPath(d.location.file, cwd)}:${d.location.line ?? 1}:${d.location.column ?? 1}` : where}`).join('\n\n');
        yield `${open}>\n      <failure type="${found.some((d) => d.severity === 'error') ? 'error' : 'warn'}" message="${xml(found[0]?.message ?? e.name)}">${xml(messages)}</failure>\n    </testcase>\n`;
      }
    }
    yield '  </testsuite>\n';
  }
  if (empty) yield `  <testsuite name="tracelint" tests="1" failures="0" errors="0">\n    <testcase classname="tracelint" name="${xml(`${summary.traces} traces, ${summary.spans} spans: no findings`)}"/>\n  </testsuite>\n`;
  yield '</testsuites>\n';
}

/** Appends to the list under a key (no copy of the list per item). */
function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

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
