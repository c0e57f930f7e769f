import type { Command } from 'commander';
import Table from 'cli-table3';
import { spanStats, type SpanStats } from '../analysis/stats.js';
import { formatDuration, formatTimestamp } from '../model/time.js';
import type { FormatName, Span } from '../model/span.js';
import { safeText, terminalSafeJson } from '../render/safe-text.js';
import type { CommandRegistrar } from './run.js';
import { formatOption, maxBytesOption, printNotices, readInputs, readNotices } from './inputs.js';
import { progressWanted, startProgress } from './progress.js';

/** `tracelint stats`: what is in each input, as a table or JSON. */
export const registerStats: CommandRegistrar = (program: Command, io, exit) => {
  program
    .command('stats')
    .description('summarise exported traces: format, traces, spans, services, time range, kinds, errors')
    .argument('<inputs...>', 'files, directories, globs, or - for stdin (gzip is detected)')
    .addOption(formatOption())
    .addOption(maxBytesOption())
    .option('--json', 'print JSON for machines')
    .action(async (inputs: string[], options: { format?: FormatName; json?: boolean; maxInputBytes?: number }) => {
      const progress = await startProgress(io, progressWanted(io, { machineOutput: options.json }));
      const result = await readInputs(inputs, options, io, progress).finally(() => progress.stop());
      const byInput = new Map<string, Span[]>(result.inputs.map((input) => [input.name, []]));
      for (const span of result.spans) byInput.get(span.source.file)?.push(span);
      const rows = result.inputs.map((input) => ({ input, stats: spanStats(byInput.get(input.name) ?? []) }));
      if (options.json) {
        io.stdout.write(`${terminalSafeJson(rows.map(({ input, stats }) => ({ ...input, ...statsJson(stats) })), undefined, 2)}\n`);
      } else {
        for (const { input, stats } of rows) io.stdout.write(`${statsTable(input.name, input.format, stats)}\n`);
      }
      exit(printNotices(readNotices(result), io));
    });
};

function statsJson(stats: SpanStats): Record<string, unknown> {
  return {
    traces: stats.traces,
    spans: stats.spans,
    services: stats.services,
    startTimeUnixNano: stats.start?.toString() ?? null,
    endTimeUnixNano: stats.end?.toString() ?? null,
    untimed: stats.untimed,
    kinds: stats.kinds,
    errors: stats.errors,
  };
}

function statsTable(name: string, format: string, stats: SpanStats): string {
  const table = new Table({ style: { head: [], border: [] } });
  const kinds = Object.entries(stats.kinds)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const range = stats.start === undefined || stats.end === undefined ? '-' : `${formatTimestamp(stats.start)} .. ${formatTimestamp(stats.end)} (${formatDuration(stats.end - stats.start)})`;
  table.push(
    // The name spans both columns, so a long path does not widen the label column.
    [{ colSpan: 2, content: safeText(name) }],
    ['format', format],
    ['traces', String(stats.traces)],
    ['spans', String(stats.spans)],
    ['services', stats.services.map((s) => `${safeText(s.name)} (${s.spans})`).join('\n') || '-'],
    ['time range', range],
    // Spans without a start or end are left out of the range, and said so.
    ...(stats.untimed > 0 ? [['without time', `${stats.untimed} span${stats.untimed === 1 ? '' : 's'} (start or end unknown)`]] : []),
    ['kinds', kinds || '-'],
    ['errors', String(stats.errors)],
  );
  return table.toString();
}
