import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { ReadResult } from '../formats/read.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { evaluateSpecs } from '../expect/evaluate.js';
import type { SpecFile } from '../expect/types.js';
import { applyBaseline, makeBaseline, parseBaseline } from '../lint/baseline.js';
import { ConfigError, loadConfig, parseRuleFlag, resolveConfig, type ResolvedConfig } from '../lint/config.js';
import { lint, type RuleFailure } from '../lint/engine.js';
import type { SeveritySetting } from '../lint/types.js';
import { REPORTERS, type ReporterName, type RunNotice } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { safeText } from '../render/safe-text.js';
import { useColor } from './color.js';
import { expectationCases, loadExpectations } from './expect.js';
import { formatOption, maxBytesOption, printNotices, readInputs, readNotices, type InputOptions } from './inputs.js';
import { groupThousands, NO_PROGRESS, progressWanted, startProgress, type Progress } from './progress.js';
import type { CliIO, CommandRegistrar, ExitCode } from './run.js';
import { VERSION } from './version.js';

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
}

/** `tracelint check`: lint exported traces and report like a CI tool. */
export const registerCheck: CommandRegistrar = (program: Command, io, exit) => {
  const check = program
    .command('check')
    .description('find broken propagation, timing, sampling and hygiene in exported traces')
    .argument('<inputs...>', 'files, directories, globs, or - for stdin (gzip is detected)')
    .addOption(formatOption())
    .addOption(maxBytesOption())
    .option('--listen', 'receive OTLP/HTTP from running services instead of reading inputs: the same as `tracelint receive` (takes its options)');
  addLintOptions(check).action(async (inputs: string[], options: CheckOptions & InputOptions) => {
    // Settings and spec files first: a mistake in them fails at once, before a large input is read.
    const prepared = await prepareCheck(options, io);
    const machineOutput = options.outputFile === undefined && (options.reporter ?? 'stylish') !== 'stylish';
    const progress = await startProgress(io, progressWanted(io, { quiet: options.quiet, machineOutput }));
    try {
      const read = await readInputs(inputs, options, io, progress);
      exit(await checkTraces(read, options, io, progress, prepared));
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
    .option('--no-color', 'never colour');
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
  progress.stage(`checking ${groupThousands(read.traces.spanCount)} spans in ${groupThousands(read.traces.traces.size)} traces`);
  const expectations = specs.length > 0 ? evaluateSpecs(specs, read.traces) : undefined;
  const result = lint(read.traces, config, undefined, { onTraceChecked: (done, total) => progress.done(done, total), ...(expectations ? { expectations } : {}) });
  progress.stop();

  const notices = [...readNotices(read), ...result.failures.map(failureNotice)];
  if (options.updateBaseline) {
    await writeFileAtomic(path.resolve(io.cwd, options.baseline!), `${JSON.stringify(makeBaseline(result.diagnostics), null, 2)}\n`);
    io.stderr.write(`tracelint: wrote ${result.diagnostics.length} finding(s) to the baseline ${safeText(options.baseline!)}\n`);
    return printNotices(notices, io, options.quiet);
  }
  let diagnostics = result.diagnostics;
  let baselined = 0;
  if (options.baseline) ({ fresh: diagnostics, baselined } = applyBaseline(diagnostics, await readBaseline(path.resolve(io.cwd, options.baseline), options.baseline)));
  if (options.quiet) diagnostics = diagnostics.filter((d) => d.severity === 'error');

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warn').length;
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  // Decided before the report is written, so machine reports say how the run ended and why.
  const exitCode: ExitCode = notices.some((notice) => notice.level === 'error') ? 2 : errors > 0 || tooManyWarnings ? 1 : 0;
  const reporterName = options.reporter ?? 'stylish';
  const toFile = options.outputFile !== undefined;
  const cases = expectations ? expectationCases(expectations, diagnostics) : undefined;
  const text = REPORTERS[reporterName]({
    diagnostics,
    rules: RULES,
    ...(cases ? { expectations: cases.cases } : {}),
    summary: {
      inputs: read.inputs.map((input) => ({ name: input.name, format: input.format, spans: input.spanCount })),
      exitCode,
      traces: read.traces.traces.size,
      spans: read.traces.spanCount,
      errors,
      warnings,
      baselined,
      ignored: result.ignoredCount,
      ...(cases ? { expectations: cases.counts } : {}),
    },
    cwd: io.cwd,
    color: reporterName === 'stylish' && !toFile && useColor(io.stdout, io.env, options.color),
    toolVersion: VERSION,
    notices,
  });
  if (toFile) await writeFileAtomic(path.resolve(io.cwd, options.outputFile!), text);
  else io.stdout.write(text);

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
