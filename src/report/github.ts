import { safeText } from '../render/safe-text.js';
import { expectationsText } from './expectations.js';
import { displayPath } from './paths.js';
import type { ReportInput, Reporter } from './types.js';

/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`,
 * one per finding, shown as annotations on the run and the pull request.
 */
export const githubReporter: Reporter = (input) => [...githubChunks(input)].join('');

/** The workflow commands, a line at a time (`check` writes them as they come). */
export function* githubChunks({ diagnostics, summary, cwd, notices }: ReportInput): Generator<string> {
  const place = (l: { file?: string; line?: number; column?: number } | undefined): string[] => {
    if (l?.file === undefined) return [];
    const properties = [`file=${escapeProperty(safeText(displayPath(l.file, cwd)))}`];
    if (l.line !== undefined) properties.push(`line=${l.line}`);
    if (l.column !== undefined) properties.push(`col=${l.column}`);
    return properties;
  };
  // What made the run incomplete first: the reason it exits 2 is an annotation too.
  for (const n of notices) yield `::${n.level === 'error' ? 'error' : 'notice'} ${[...place(n), `title=${escapeProperty(n.level === 'error' ? 'tracelint: incomplete run' : 'tracelint')}`].join(',')}::${escapeData(safeText(n.message))}\n`;
  for (const d of diagnostics) {
    const properties = [...place(d.location), `title=${escapeProperty(`tracelint ${d.ruleId}`)}`];
    const where = d.traceId ? ` [trace ${d.traceId}${d.spanId ? ` span ${d.spanId}` : ''}]` : '';
    const count = d.count > 1 ? ` (×${d.count} spans)` : '';
    yield `::${d.severity === 'error' ? 'error' : 'warning'} ${properties.join(',')}::${escapeData(safeText(d.message) + count + where)}\n`;
  }
  const expectations = expectationsText(summary);
  yield `tracelint: ${summary.errors} error(s), ${summary.warnings} warning(s) in ${summary.traces} trace(s)${expectations ? `; ${expectations}` : ''}\n`;
}

/** Message data: %, CR and LF are escaped (the runner's own escaping rules). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also escape ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
