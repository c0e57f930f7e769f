import { Chalk } from 'chalk';
import type { Diagnostic } from '../lint/types.js';
import { displayTraceIdOf } from '../model/ids.js';
import { safeText } from '../render/safe-text.js';
import { expectationsText } from './expectations.js';
import { displayPath, inputFormatOf } from './paths.js';
import type { ReportInput, Reporter } from './types.js';

/**
 * The human reporter: findings grouped by input file and trace, each line with
 * its position, severity, message and rule, then a summary line. Colour only
 * when the CLI says so; every text from the trace made terminal-safe.
 */
export const stylishReporter: Reporter = (input) => [...stylishChunks(input)].join('');

/** The human report, a trace's findings at a time (`check` writes them as they come). */
export function* stylishChunks({ diagnostics, summary, cwd, color }: ReportInput): Generator<string> {
  const c = new Chalk({ level: color ? 1 : 0 });
  const groups = new Map<string, Map<string, Diagnostic[]>>();
  for (const d of diagnostics) {
    const file = d.location ? displayPath(d.location.file, cwd) : '(all inputs)';
    const traces = groups.get(file) ?? new Map<string, Diagnostic[]>();
    groups.set(file, traces);
    const key = d.traceId ?? '';
    const found = traces.get(key);
    if (found) found.push(d);
    else traces.set(key, [d]);
  }
  for (const [file, traces] of groups) {
    yield `${c.underline(safeText(file))}\n`;
    for (const [traceId, found] of traces) {
      // As the input's own tools show it (a 64-bit Zipkin or Jaeger id in 16 digits).
      const shown = traceId ? displayTraceIdOf(traceId, inputFormatOf(found[0]!)) : '';
      const lines = [`  ${c.dim('trace')} ${shown ? c.cyan(safeText(shown)) : c.dim('(across traces)')}`];
      const positions = found.map((d) => (d.location?.line !== undefined ? `${d.location.line}:${d.location.column ?? 1}` : ''));
      const width = positions.reduce((max, p) => Math.max(max, p.length), 0);
      found.forEach((d, i) => {
        const severity = d.severity === 'error' ? c.red('error') : c.yellow('warn ');
        const count = d.count > 1 ? `  ${c.bold(`×${d.count} spans`)}` : '';
        lines.push(`    ${c.dim(positions[i]!.padEnd(width))}  ${severity}  ${safeText(d.message)}${count}  ${c.dim(d.ruleId)}`);
      });
      yield `${lines.join('\n')}\n`;
    }
    yield '\n';
  }
  const lines: string[] = [];
  const problems = summary.errors + summary.warnings;
  const scope = `${summary.traces} trace${summary.traces === 1 ? '' : 's'}, ${summary.spans} span${summary.spans === 1 ? '' : 's'}`;
  const extras = [summary.baselined ? `${summary.baselined} in baseline` : '', summary.ignored ? `${summary.ignored} ignored` : ''].filter(Boolean).join(', ');
  const expectations = expectationsText(summary);
  const tail = `${extras ? ` (${extras})` : ''}${expectations ? `; ${expectations}` : ''}`;
  if (problems === 0) {
    lines.push(`${c.green('✔')} no problems in ${scope}${tail}`);
  } else {
    const mark = summary.errors > 0 ? c.red.bold('✖') : c.yellow.bold('⚠');
    lines.push(`${mark} ${problems} problem${problems === 1 ? '' : 's'} (${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}) in ${scope}${tail}`);
  }
  yield `${lines.join('\n')}\n`;
}
