import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { glob } from 'tinyglobby';
import { specKey, type ExpectationResults } from '../expect/evaluate.js';
import { starterSpecs } from '../expect/init.js';
import { loadSpecFile } from '../expect/load.js';
import type { SpecFile } from '../expect/types.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Diagnostic } from '../lint/types.js';
import { displayPath } from '../report/paths.js';
import type { ExpectationCase, RunSummary } from '../report/types.js';
import { safeText } from '../render/safe-text.js';
import { UsageError } from './errors.js';
import { formatOption, maxBytesOption, printNotices, readInputs, readNotices, type InputOptions } from './inputs.js';
import { NO_PROGRESS } from './progress.js';
import type { CliIO, CommandRegistrar } from './run.js';

const SPEC_FILE = /\.(?:ya?ml|json)$/i;

/** The file `expect --init` writes when not told otherwise. */
export const STARTER_FILE = 'tracelint.expect.yaml';

/**
 * The spec files a run checks, read and checked before any trace is: those of
 * --expect (files, directories of *.yaml/*.yml/*.json, globs; relative to the
 * working directory), or else the config's "expect" (relative to the config
 * file). A bad spec is a SpecError (exit 2, file:line:column).
 */
export async function loadExpectations(flags: readonly string[] | undefined, fromConfig: readonly string[], io: CliIO): Promise<SpecFile[]> {
  const named = flags && flags.length > 0 ? await expandSpecPaths(flags, io.cwd) : fromConfig.map((file) => ({ file, shown: displayPath(file, io.cwd) }));
  const files: SpecFile[] = [];
  for (const { file, shown } of named) files.push(await loadSpecFile(file, { variables: io.env }, shown));
  return files;
}

async function expandSpecPaths(flags: readonly string[], cwd: string): Promise<Array<{ file: string; shown: string }>> {
  const out = new Map<string, string>();
  for (const flag of flags) {
    const absolute = path.resolve(cwd, flag);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = (await glob('*', { cwd: absolute, onlyFiles: true })).filter((name) => SPEC_FILE.test(name)).sort();
      if (found.length === 0) throw new UsageError(`--expect ${flag}: a directory with no spec files (*.yaml, *.yml, *.json)`);
      for (const name of found) out.set(path.join(absolute, name), path.join(flag, name).split(path.sep).join('/'));
    } else if (info === undefined && /[*?[\]{}]/.test(flag)) {
      const found = (await glob(flag, { cwd, onlyFiles: true })).sort();
      if (found.length === 0) throw new UsageError(`--expect ${flag}: no files match this pattern`);
      for (const name of found) out.set(path.resolve(cwd, name), name);
    } else out.set(absolute, flag);
  }
  return [...out].map(([file, shown]) => ({ file, shown }));
}

/**
 * The test cases reporters show, one per spec and trace, and their counts. A
 * spec that failed but none of whose findings is reported (baseline, ignore
 * pattern, --quiet, the rule set to off) is skipped, with that reason.
 */
export function expectationCases(results: ExpectationResults, reported: readonly Diagnostic[]): { cases: ExpectationCase[]; counts: NonNullable<RunSummary['expectations']> } {
  const reportedCases = new Set(reported.filter((d) => d.ruleId === 'expectation').map((d) => `${String(d.data.case)}\u0000${d.traceId ?? ''}`));
  const cases: ExpectationCase[] = [];
  for (const fileResult of results.files) {
    const { file } = fileResult;
    if (fileResult.traces.length === 0) {
      const at = file.traces?.at ?? file.at;
      const key = `${file.file}#traces`;
      const failed = reportedCases.has(`${key}\u0000`);
      cases.push({ file: file.file, line: at.line, column: at.column, name: file.traces ? `traces: ${file.traces.selector.text}` : 'a trace to check', selector: file.traces?.selector.text ?? '', status: failed ? 'failed' : 'skipped', ...(failed ? {} : { reason: NOT_REPORTED }), key });
    }
    for (const result of fileResult.cases) {
      const key = specKey(file, result.spec);
      const base = { file: file.file, line: result.spec.at.line, column: result.spec.at.column, name: result.spec.name ?? (result.spec.selector.text || '(every span)'), selector: result.spec.selector.text, key };
      const traceId = result.trace?.traceId;
      if (result.status === 'skipped') cases.push({ ...base, status: 'skipped', reason: `cannot be checked on recorded traces: ${result.spec.skip}` });
      else if (result.status === 'passed') cases.push({ ...base, traceId: traceId!, status: 'passed' });
      else if (reportedCases.has(`${key}\u0000${traceId}`)) cases.push({ ...base, traceId: traceId!, status: 'failed' });
      else cases.push({ ...base, traceId: traceId!, status: 'skipped', reason: NOT_REPORTED });
    }
  }
  const count = (status: ExpectationCase['status']): number => cases.filter((c) => c.status === status).length;
  return { cases, counts: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') } };
}

const NOT_REPORTED = 'failed, but its findings are not reported (baseline, ignore pattern, --quiet or the expectation rule\'s severity)';

interface ExpectCommandOptions extends InputOptions {
  init?: string;
  trace?: string;
  output?: string;
  force?: boolean;
}

/** `tracelint expect`: check spec files without traces, or write a starting one from a trace (`--init`). */
export const registerExpect: CommandRegistrar = (program: Command, io, exit) => {
  program
    .command('expect')
    .description(`check spec files (Tracetest test specs) without reading traces; or --init <input>: write a starting spec file from a trace`)
    .argument('[specs...]', 'spec files to check: every selector and assertion must parse')
    .option('--init <input>', `write a starting spec file from a trace of this input (to ${STARTER_FILE}, or --output)`)
    .option('--trace <id>', 'with --init: the trace to start from (default: the one with the most spans)')
    .option('--output <file>', `with --init: where to write (default ${STARTER_FILE}; - for stdout)`)
    .option('--force', 'with --init: overwrite the output file if it exists')
    .addOption(formatOption())
    .addOption(maxBytesOption())
    .action(async (specs: string[], options: ExpectCommandOptions) => {
      if (options.init !== undefined) {
        if (specs.length > 0) throw new UsageError('expect --init reads one trace input and writes a spec file; give spec files to check without --init');
        exit(await writeStarter(options.init, options, io));
        return;
      }
      if (specs.length === 0) throw new UsageError('expect needs spec files to check, or --init <input> to write one from a trace (to check traces: tracelint check --expect <specs> <inputs>)');
      const files = await loadExpectations(specs, [], io);
      for (const file of files) io.stdout.write(`${safeText(file.file)}: ${file.specs.length} spec${file.specs.length === 1 ? '' : 's'}, ${file.specs.reduce((sum, spec) => sum + spec.assertions.length, 0)} assertions, valid\n`);
      exit(0);
    });
};

async function writeStarter(input: string, options: ExpectCommandOptions, io: CliIO): Promise<0 | 2> {
  const output = options.output ?? STARTER_FILE;
  const target = path.resolve(io.cwd, output);
  // Refuse before reading: a big input should not be read only to find the file exists.
  if (output !== '-' && !options.force && (await access(target).then(() => true, () => false))) throw new UsageError(`${output} already exists; use --force to overwrite it, or --output <file>`);
  const read = await readInputs([input], options, io, NO_PROGRESS);
  const traces = [...read.traces.traces.values()];
  const trace = options.trace !== undefined ? read.traces.get(options.trace.toLowerCase()) : traces.reduce<(typeof traces)[number] | undefined>((best, t) => (best === undefined || t.spans.length > best.spans.length ? t : best), undefined);
  if (!trace) throw new UsageError(options.trace !== undefined ? `--trace ${options.trace}: no such trace in ${input}` : `${input}: no spans to start from`);
  const starter = starterSpecs(trace, `tracelint expect --init ${input}`);
  if (output === '-') io.stdout.write(starter.text);
  else await writeFileAtomic(target, starter.text);
  const others = traces.length - 1;
  io.stderr.write(
    `tracelint: ${output === '-' ? 'printed' : `wrote ${safeText(output)} with`} ${starter.specs} specs from trace ${trace.traceId} (${trace.spans.length} spans, ${starter.services.length} services${others > 0 ? `; ${others} other trace${others === 1 ? '' : 's'} in the input, --trace <id> picks one` : ''})\n`,
  );
  if (output !== '-') io.stderr.write(`tracelint: check with: tracelint check --expect ${safeText(output)} ${safeText(input)}\n`);
  return printNotices(readNotices(read), io) === 0 ? 0 : 2;
}
