import { safeText } from '../render/safe-text.js';
import { expectationsText } from './expectations.js';
import { displayPath } from './paths.js';
import type { Reporter } from './types.js';

/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`,
 * one per finding, shown as annotations on the run and the pull request.
 */
export const githubReporter: Reporter = ({ diagnostics, summary, cwd }) => {
  const lines = diagnostics.map((d) => {
    const properties: string[] = [];
    if (d.location) {
      properties.push(`file=${escapeProperty(safeText(displayPath(d.location.file, cwd)))}`);
      if (d.location.line !== undefined) properties.push(`line=${d.location.line}`);
      if (d.location.column !== undefined) properties.push(`col=${d.location.column}`);
    }
    properties.push(`title=${escapeProperty(`tracelint ${d.ruleId}`)}`);
    const where = d.traceId ? ` [trace ${d.traceId}${d.spanId ? ` span ${d.spanId}` : ''}]` : '';
    return `::${d.severity === 'error' ? 'error' : 'warning'} ${properties.join(',')}::${escapeData(safeText(d.message) + where)}`;
  });
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
