import path from 'node:path';
import { Command, Option } from 'commander';
import { lostPropagationCalls } from '../analysis/marks.js';
import { serviceSummary } from '../analysis/service-summary.js';
import type { FormatName } from '../model/span.js';
import type { Span } from '../model/span.js';
import { displayTraceId, traceDuration, type Trace } from '../model/trace.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { safeText } from '../render/safe-text.js';
import { traceViewPage } from '../report/html/reporter.js';
import { serviceSummaryTable, spanDetails, traceListTable } from '../render/tables.js';
import { makeTheme } from '../render/theme.js';
import { layoutWaterfall, paintWaterfall } from '../render/waterfall.js';
import { useColor } from './color.js';
import { UsageError } from './errors.js';
import { formatOption, maxBytesOption, printNotices, readInputs, readNotices } from './inputs.js';
import { progressWanted, startProgress } from './progress.js';
import { processIO, runCli, type CliIO, type CommandRegistrar, type ExitCode } from './run.js';
import { VERSION } from './version.js';

interface ViewOptions {
  format?: FormatName;
  maxInputBytes?: number;
  trace?: string;
  slowest?: boolean;
  errors?: boolean;
  all?: boolean;
  width?: number;
  depth?: number;
  minDuration?: number;
  service?: string[];
  collapse?: boolean;
  criticalPath?: boolean;
  span?: string;
  summary?: boolean;
  ascii?: boolean;
  color?: boolean;
  html?: string;
}

/** `traceview`: the waterfall viewer. */
export function main(argv: string[], io: CliIO = processIO()): Promise<ExitCode> {
  const program = new Command('traceview')
    .description('Draw a trace as a waterfall in the terminal: tree, timing bars, critical path, errors, events, skew and orphans.')
    .version(VERSION);
  return runCli(program, [registerView], argv, io);
}

const registerView: CommandRegistrar = (program, io, exit) => {
  program
    .argument('<inputs...>', 'files, directories, globs, or - for stdin (gzip is detected)')
    .addOption(formatOption())
    .addOption(maxBytesOption())
    .option('--trace <id>', 'the trace to draw (a unique prefix is enough)')
    .option('--slowest', 'draw the longest trace')
    .option('--errors', 'draw the traces that have ERROR spans')
    .option('--all', 'draw every trace')
    .option('--width <columns>', 'width of the picture (default: the terminal, else 120)', toInt)
    .option('--depth <n>', 'show spans down to this depth (0 = roots only)', toInt)
    .option('--min-duration <ms>', 'hide spans shorter than this many ms (critical and error spans stay)', toNumber)
    .option('--service <name...>', 'show only the spans of these services')
    .option('--collapse', 'fold runs of identical sibling spans into one row')
    .option('--critical-path', 'show only the spans on the critical path')
    .option('--span <id>', "print one span's fields, attributes, events and links")
    .option('--summary', 'per-service span count, total and self time, errors')
    .addOption(new Option('--html <file>', 'write the chosen traces (every trace when none is chosen) as an interactive, self-contained HTML page instead of drawing them').conflicts(['span', 'summary']))
    .option('--ascii', 'ASCII characters only')
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .action(async (inputs: string[], options: ViewOptions) => {
      const progress = await startProgress(io, progressWanted(io, {}));
      const read = await readInputs(inputs, options, io, progress).finally(() => progress.stop());
      const traces = [...read.traces.traces.values()];
      if (traces.length === 0) throw new UsageError('the inputs hold no spans');
      if (options.html) {
        const chosen = choose(traces, options) ?? traces;
        const inputs = read.inputs.map((input) => ({ name: input.name, format: input.format, spans: input.spanCount }));
        const notices = readNotices(read);
        const page = traceViewPage(read.traces, chosen, inputs, notices, io.cwd, VERSION);
        await writeFileAtomic(path.resolve(io.cwd, options.html), page);
        io.stderr.write(`traceview: wrote ${chosen.length === 1 ? 'the trace' : `${chosen.length} traces`} to ${safeText(options.html)} (${Math.ceil(Buffer.byteLength(page) / 1024)} KiB)\n`);
        exit(printNotices(notices, io));
        return;
      }
      const theme = makeTheme(useColor(io.stdout, io.env, options.color), !options.ascii);
      const chosen = choose(traces, options);
      if (chosen === undefined) {
        io.stdout.write(`${traceListTable(traces)}\n${traces.length} traces: pick one with --trace <id>, or use --slowest, --errors or --all\n`);
      } else {
        const width = options.width ?? (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 120);
        const lostCalls = lostPropagationCalls(read.traces);
        const blocks = chosen.map((trace) => render(trace, options, width, theme, lostCalls));
        io.stdout.write(`${blocks.join('\n\n')}\n`);
      }
      exit(printNotices(readNotices(read), io));
    });
};

function render(trace: Trace, options: ViewOptions, width: number, theme: ReturnType<typeof makeTheme>, lostCalls: ReadonlySet<Span>): string {
  if (options.span) {
    const matches = trace.spans.filter((span) => span.spanId.startsWith(options.span!.toLowerCase()));
    if (matches.length === 0) throw new UsageError(`no span ${safeText(options.span)} in trace ${displayTraceId(trace)}`);
    return matches.map(spanDetails).join('\n\n');
  }
  if (options.summary) return `trace ${displayTraceId(trace)}\n${serviceSummaryTable(serviceSummary(trace))}`;
  const viewOptions = {
    width,
    ...(options.depth !== undefined ? { maxDepth: options.depth } : {}),
    ...(options.minDuration !== undefined ? { minDurationNano: BigInt(Math.round(options.minDuration * 1e6)) } : {}),
    ...(options.service ? { services: options.service } : {}),
    ...(options.criticalPath ? { criticalOnly: true } : {}),
    ...(options.collapse ? { collapse: true } : {}),
    lostCalls,
  };
  return paintWaterfall(trace, layoutWaterfall(trace, viewOptions), theme, viewOptions).join('\n');
}

/** Which traces to draw; undefined means: list them and let the user pick. */
function choose(traces: Trace[], options: ViewOptions): Trace[] | undefined {
  if (options.trace) {
    const wanted = options.trace.toLowerCase();
    // Either form: as stored (32 digits) or as the input and its UI show it (a 64-bit id in 16).
    const matches = traces.filter((trace) => trace.traceId.startsWith(wanted) || displayTraceId(trace).startsWith(wanted));
    if (matches.length === 0) throw new UsageError(`no trace id starts with ${safeText(options.trace)}`);
    if (matches.length > 1) throw new UsageError(`${matches.length} traces start with ${safeText(options.trace)}; give more of the id`);
    return matches;
  }
  if (options.all) return traces;
  if (options.slowest) return [traces.reduce((a, b) => ((traceDuration(b) ?? -1n) > (traceDuration(a) ?? -1n) ? b : a))];
  if (options.errors) {
    const failing = traces.filter((trace) => trace.spans.some((span) => span.status.code === 'ERROR'));
    if (failing.length === 0) throw new UsageError('no trace has ERROR spans');
    return failing;
  }
  return traces.length === 1 || options.span ? (options.span ? traces.filter((t) => t.spans.some((s) => s.spanId.startsWith(options.span!.toLowerCase()))) : traces) : undefined;
}

function toInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`expected a whole number, found ${safeText(value)}`);
  return Number(value);
}

function toNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`expected a number of ms, found ${safeText(value)}`);
  return n;
}
