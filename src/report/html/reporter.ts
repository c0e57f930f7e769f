import { TraceSet, type Trace } from '../../model/trace.js';
import { plural } from '../findings.js';
import type { Reporter, RunNotice, RunSummary } from '../types.js';
import { buildViewerData } from './build.js';
import { htmlPage } from './page.js';

/**
 * `--reporter html`: one self-contained page with the summary, the findings
 * (filters, search, links to the rules' docs) and an interactive waterfall of
 * each trace with findings. See build.ts for what a large input leaves out.
 */
export const htmlReporter: Reporter = (input) => {
  const { summary } = input;
  const data = buildViewerData({
    mode: 'check',
    traces: input.traces ?? new TraceSet([]),
    diagnostics: input.diagnostics,
    rules: input.rules,
    summary,
    notices: input.notices,
    cwd: input.cwd,
    toolVersion: input.toolVersion,
  });
  const verdict = summary.errors + summary.warnings === 0 ? 'no problems' : `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`;
  return htmlPage(data, `tracelint: ${verdict} in ${plural(summary.traces, 'trace')}`);
};

/** `traceview --html`: the same viewer for the chosen traces, without findings (no rules run). */
export function traceViewPage(traces: TraceSet, chosen: readonly Trace[], inputs: RunSummary['inputs'], notices: readonly RunNotice[], cwd: string, toolVersion: string): string {
  const data = buildViewerData({
    mode: 'view',
    traces,
    chosen,
    diagnostics: [],
    rules: [],
    summary: { inputs, exitCode: notices.some((notice) => notice.level === 'error') ? 2 : 0, traces: traces.traces.size, spans: traces.spanCount, errors: 0, warnings: 0, baselined: 0, ignored: 0 },
    notices,
    cwd,
    toolVersion,
  });
  return htmlPage(data, `tracelint: ${chosen.length === 1 ? 'trace' : plural(chosen.length, 'trace')}`);
}
