import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { readResult, type ReadResult } from '../formats/read.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { evaluateSpecs } from '../expect/evaluate.js';
import type { SpecFile } from '../expect/types.js';
import { applyBaseline, makeBaseline, parseBaseline } from '../lint/baseline.js';
import { ConfigError, loadConfig, parseRuleFlag, resolveConfig, type ResolvedConfig } from '../lint/config.js';
import { lint, lintShard, severityCounts, type LintResult, type RuleFailure } from '../lint/engine.js';
import { shardToJson, type ShardRun } from '../lint/shard-file.js';
import { lintOnTwoThreads, twoThreadsWanted } from '../lint/two-threads.js';
import { shardOfTrace } from '../model/ids.js';
import type { TraceSet } from '../model/trace.js';
import { StoredTraces } from '../model/trace-source.js';
import type { ExpectationResults } from '../expect/evaluate.js';
import type { SeveritySetting } from '../lint/types.js';
import { drawsTraces, REPORTERS, reportChunks, type ReporterName, type RunNotice } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { groupThousands } from '../render/numbers.js';
import { safeText } from '../render/safe-text.js';
import { useColor } from './color.js';
import { UsageError } from './errors.js';
import { expectationCases, loadExpectations } from './expect.js';
import { formatOption, maxBytesOption, printNotices, readInputs, readNotices, type InputOptions } from './inputs.js';
import { NO_PROGRESS, progressWanted, startProgress, type Progress } from './progress.js';
import type { CliIO, CommandRegistrar, ExitCode } from './run.js';
import { VERSION } from './version.js';
import { writeReport } from './write-report.js';

export interface CheckOptions {
  rule?: string[];
  /** Spec files (--expect, repeatable); when given, they replace the config's "expect". */
  expect?: string[];
  maxWarnings?: number;
  quiet?: boolean;
  reporter?: ReporterName;
  outputFile?: string;
  config?: string;
  baseline?: string;
  updateBaseline?: boolean;
  color?: boolean;
  /** Write the first stage (per-trace findings and the cross-trace summary) to this shard file for `tracelint merge`, instead of a report. */
  shardOut?: string;
}

/** `tracelint check`: lint exported traces and report like a CI tool. */
export const registerCheck: CommandRegistrar = (program: Command, io, exit) => {
  const check = program
    .command('check')
    .description('find broken propagation, timing, sampling and hygiene in exported traces')
    .argument('<inputs...>', 'files, directories, globs, or - for stdin (gzip is detected)')
    .addOption(formatOption())
    .addOption(maxBytesOption())
    .option('--listen', 'receive OTLP/HTTP from running services instead of reading inputs: the same as `tracelint receive` (takes its options)')
    .option('--shard <k/n>', 'check only the traces of shard k of n (by a hash of the trace id): with --shard-out, to split one export across machines', parseShard);
  addLintOptions(check).action(async (inputs: string[], options: CheckOptions & InputOptions & { shard?: Shard }) => {
    // Settings and spec files first: a mistake in them fails at once, before a large input is read.
    const prepared = await prepareCheck(options, io);
    const machineOutput = options.outputFile === undefined && (options.reporter ?? 'stylish') !== 'stylish';
    const progress = await startProgress(io, progressWanted(io, { quiet: options.quiet, machineOutput }));
    try {
      const read = await readInputs(inputs, options, io, progress);
      exit(await checkTraces(options.shard ? onlyShard(read, options.shard) : read, options, io, progress, prepared));
    } finally {
      progress.stop();
    }
  });
};

/** The options of checkTraces (rules, config, baseline, reporter, output), shared by `check` and `receive`. */
export function addLintOptions(command: Command): Command {
  return command
    .option('--rule <id=severity>', 'set a rule to off, warn or error (repeatable; a comma list too)', collect, [])
    .option('--expect <file>', 'check the traces against a spec file: Tracetest test specs, YAML or JSON (repeatable; a directory or glob names several; replaces the config\'s "expect")', collect, [])
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', parseCount)
    .option('--quiet', 'report errors only')
    .addOption(new Option('--reporter <name>', 'output format').choices(Object.keys(REPORTERS)).default('stylish'))
    .option('--output-file <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--config <file>', `config file (default: ${'tracelint.config.json'} found upward from the working directory)`)
    .option('--baseline <file>', 'report only findings not in this baseline file')
    .option('--update-baseline', 'write the current findings to the --baseline file and exit 0')
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .option('--shard-out <file>', 'write a shard file (per-trace findings and the cross-trace summary) for `tracelint merge` instead of a report');
}

interface Shard {
  k: number;
  n: number;
}

function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const k = Number(match?.[1]);
  const n = Number(match?.[2]);
  if (!match || n < 1 || k < 1 || k > n) throw new UsageError(`--shard ${value}: expected k/n with 1 <= k <= n, e.g. 1/4`);
  return { k, n };
}

/** The traces of one shard, as if only they had been read (the inputs' counts say what was kept). */
function onlyShard(read: ReadResult, { k, n }: Shard): ReadResult {
  const { store } = read;
  const inShard = (traceId: string): boolean => shardOfTrace(traceId, n) === k - 1;
  const kept = new Map<string, number>();
  for (let row = 0; row < store.spanCount; row++) {
    if (!inShard(store.traceId(store.traceIndexOf(row)))) continue;
    const file = store.fileOfRow(row);
    kept.set(file, (kept.get(file) ?? 0) + 1);
  }
  const inputs = read.inputs.map((input) => ({ ...input, spanCount: kept.get(input.name) ?? 0 }));
  return readResult(store, inputs, read.problems, new StoredTraces(store, inShard));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`--max-warnings ${value}: expected a whole number`);
  return Number(value);
}

/**
 * Lints what was read and writes the report: the shared tail of `check` and
 * `receive`. Exit 0 nothing at error level; 1 errors or too many warnings;
 * 2 the run was incomplete (unreadable input, a rule that failed).
 */
export async function checkTraces(read: ReadResult, options: CheckOptions, io: CliIO, progress: Progress = NO_PROGRESS, prepared?: PreparedCheck): Promise<ExitCode> {
  const { config, specs } = prepared ?? (await prepareCheck(options, io));
  const { source } = read;
  progress.stage(`checking ${groupThousands(source.spanCount)} spans in ${groupThousands(source.traceCount)} traces`);
  const hooks = { onTraceChecked: (done: number, total: number) => progress.done(done, total) };
  const run = { inputs: read.inputs.map((input) => ({ name: input.name, format: input.format, spans: input.spanCount })), traces: source.traceCount, spans: source.spanCount, notices: readNotices(read) };
  if (options.shardOut !== undefined) {
    const shard = lintShard(source, config, undefined, hooks);
    progress.stop();
    await writeFileAtomic(path.resolve(io.cwd, options.shardOut), shardToJson(shard, { ...run, notices: [...run.notices, ...shard.failures.map(failureNotice)] }, VERSION));
    io.stderr.write(`tracelint: wrote the first stage of ${groupThousands(run.spans)} spans to ${safeText(options.shardOut)} (merge shards with tracelint merge)\n`);
    return printNotices([...run.notices, ...shard.failures.map(failureNotice)], io, options.quiet);
  }
  // Spec files and reports that draw waterfalls look at traces side by side: only they hold every span built.
  const expectations = specs.length > 0 ? evaluateSpecs(specs, read.traces) : undefined;
  const result =
    !expectations && source instanceof StoredTraces && twoThreadsWanted(io.env)
      ? await lintOnTwoThreads(source, config, hooks)
      : lint(expectations ? read.traces : source, config, undefined, { ...hooks, ...(expectations ? { expectations } : {}) });
  progress.stop();
  return reportLint({ result, run, ...(drawsTraces(options.reporter ?? 'stylish') ? { traces: read.traces } : {}), ...(expectations ? { expectations } : {}) }, options, io);
}

/** A lint result and what the report says of the run that made it (one run, or merged shards). */
export interface LintOutcome {
  result: LintResult;
  run: ShardRun;
  /** The traces, where the run read them (not when merging shards): reporters that draw waterfalls use them. */
  traces?: TraceSet;
  expectations?: ExpectationResults;
}

/**
 * The tail of `check`, `receive` and `merge`: baseline, --quiet, counts, the
 * report written, notices printed, the exit code decided.
 */
export async function reportLint({ result, run, traces, expectations }: LintOutcome, options: CheckOptions, io: CliIO): Promise<ExitCode> {
  const notices = [...run.notices, ...result.failures.map(failureNotice)];
  if (options.updateBaseline) {
    await writeFileAtomic(path.resolve(io.cwd, options.baseline!), `${JSON.stringify(makeBaseline(result.diagnostics), null, 2)}\n`);
    io.stderr.write(`tracelint: wrote ${result.diagnostics.length} finding(s) to the baseline ${safeText(options.baseline!)}\n`);
    return printNotices(notices, io, options.quiet);
  }
  let diagnostics = result.diagnostics;
  let baselined = 0;
  if (options.baseline) ({ fresh: diagnostics, baselined } = applyBaseline(diagnostics, await readBaseline(path.resolve(io.cwd, options.baseline), options.baseline)));
  if (options.quiet) diagnostics = diagnostics.filter((d) => d.severity === 'error');

  const { errors, warnings } = severityCounts(diagnostics);
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  // Decided before the report is written, so machine reports say how the run ended and why.
  const exitCode: ExitCode = notices.some((notice) => notice.level === 'error') ? 2 : errors > 0 || tooManyWarnings ? 1 : 0;
  const reporterName = options.reporter ?? 'stylish';
  const toFile = options.outputFile !== undefined;
  const cases = expectations ? expectationCases(expectations, diagnostics) : undefined;
  const chunks = reportChunks(reporterName, {
    diagnostics,
    rules: RULES,
    ...(cases ? { expectations: cases.cases } : {}),
    summary: {
      inputs: run.inputs,
      exitCode,
      traces: run.traces,
      spans: run.spans,
      errors,
      warnings,
      baselined,
      ignored: result.ignoredCount,
      ...(cases ? { expectations: cases.counts } : {}),
    },
    cwd: io.cwd,
    color: reporterName === 'stylish' && !toFile && useColor(io.stdout, io.env, options.color),
    toolVersion: VERSION,
    ...(traces ? { traces } : {}),
    notices,
  });
  await writeReport(chunks, toFile ? { file: path.resolve(io.cwd, options.outputFile!) } : { stream: io.stdout });

  printNotices(notices, io, options.quiet);
  if (tooManyWarnings && exitCode !== 2) io.stderr.write(`tracelint: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`);
  return exitCode;
}

/** What a check needs before it reads traces: the rule settings and the spec files, both checked. */
export interface PreparedCheck {
  config: ResolvedConfig;
  specs: SpecFile[];
}

/**
 * Settings and spec files, read and checked before any input (`receive`
 * calls it before it listens): a bad config, flag or spec fails at once.
 */
export async function prepareCheck(options: CheckOptions, io: CliIO): Promise<PreparedCheck> {
  const config = await lintConfig(options, io);
  // A spec file's "no trace matched" needs every trace: not decidable shard by shard (yet).
  if (options.shardOut !== undefined && ((options.expect?.length ?? 0) > 0 || config.expect.length > 0)) {
    throw new ConfigError('--shard-out cannot be used with --expect (or the config\'s "expect"): spec files need every trace; check them on the merged traces');
  }
  if (options.shardOut !== undefined && (options.baseline !== undefined || options.updateBaseline)) throw new ConfigError('--shard-out writes a shard, not a report: give --baseline to tracelint merge');
  return { config, specs: await loadExpectations(options.expect, config.expect, io) };
}

/**
 * The rule settings the options ask for: config file, then --rule flags.
 * Throws ConfigError for a bad flag or config (`receive` calls it before it
 * listens, so a typo fails at once rather than after the run).
 */
export async function lintConfig(options: CheckOptions, io: CliIO): Promise<ResolvedConfig> {
  const flags: Array<[string, SeveritySetting]> = (options.rule ?? []).flatMap((flag) => flag.split(',')).map((flag) => parseRuleFlag(flag, RULES));
  if (options.updateBaseline && !options.baseline) throw new ConfigError('--update-baseline needs --baseline <file>');
  const { config } = await loadConfig(RULES, io.cwd, options.config);
  return resolveConfig(config, RULES, flags);
}

async function readBaseline(file: string, shown: string): Promise<ReturnType<typeof makeBaseline>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`${shown}: cannot read the baseline file (create it with --update-baseline)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const baseline = parseBaseline(value);
  if (!baseline) throw new ConfigError(`${shown}: not a tracelint baseline (expected {"version": 1, "fingerprints": {...}})`);
  return baseline;
}

function failureNotice(failure: RuleFailure): RunNotice {
  return { level: 'error', message: `rule ${failure.ruleId} failed: ${failure.message}; its findings are incomplete` };
}
