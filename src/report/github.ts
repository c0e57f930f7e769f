import { safeText } from '../render/safe-text.js';
import { expectationsText } from './expectations.js';
import { displayPath } from './paths.js';
import type { Reporter } from './types.js';

/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`,
 * one per finding, shown as annotations on the run and the pull request.
 */
export const githubReporter: Reporter = ({ diagnostics, summary, cwd, notices }) => {
  const place = (l: { file?: string; line?: number; column?: number } | undefined): string[] => {
    if (l?.file === undefined) return [];
    const properties = [`file=${escapeProperty(safeText(displayPath(l.file, cwd)))}`];
    if (l.line !== undefined) properties.push(`line=${l.line}`);
    if (l.column !== undefined) properties.push(`col=${l.column}`);
    return properties;
  };
  // What made the run incomplete first: the reason it exits 2 is an annotation too.
  const lines = notices.map((n) => `::${n.level === 'error' ? 'error' : 'notice'} ${[...place(n), `title=${escapeProperty(n.level === 'error' ? 'tracelint: incomplete run' : 'tracelint')}`].join(',')}::${escapeData(safeText(n.message))}`);
  for (const d of diagnostics) {
    const properties = [...place(d.location), `title=${escapeProperty(`tracelint ${d.ruleId}`)}`];
    const where = d.traceId ? ` [trace ${d.traceId}${d.spanId ? ` span ${d.spanId}` : ''}]` : '';
    const count = d.count > 1 ? ` (×${d.count} spans)` : '';
    lines.push(`::${d.severity === 'error' ? 'error' : 'warning'} ${properties.join(',')}::${escapeData(safeText(d.message) + count + where)}`);
  }
  const expectations = expectationsText(summary);
  lines.push(`tracelint: ${summary.errors} error(s), ${summary.warnings} warning(s) in ${summary.traces} trace(s)${expectations ? `; ${expectations}` : ''}`);
  return `${lines.join('\n')}\n`;
};

/** Message data: %, CR and LF are escaped (the runner's own escaping rules). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also escape ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
