import { Option } from 'commander';
import { FORMAT_NAMES } from '../formats/detect.js';
import type { InputError } from '../formats/errors.js';
import { readTraces, type ReadResult } from '../formats/read.js';
import type { FormatName } from '../model/span.js';
import { safeText } from '../render/safe-text.js';
import { UsageError } from './errors.js';
import type { Progress } from './progress.js';
import type { CliIO, ExitCode } from './run.js';

/** The options every reading command shares. */
export interface InputOptions {
  format?: FormatName;
  maxInputBytes?: number;
}

/** Reads a command's inputs (stdin from the CLI's IO), reporting progress as it goes. */
export function readInputs(inputs: readonly string[], options: InputOptions, io: CliIO, progress: Progress): Promise<ReadResult> {
  return readTraces(inputs, {
    format: options.format,
    stdin: io.stdin,
    cwd: io.cwd,
    ...(options.maxInputBytes ? { maxBytes: options.maxInputBytes } : {}),
    onProgress: (bytes, spans, input) => progress.reading(bytes, spans, input),
  });
}

/** `--format`, shared by every command that reads traces. */
export function formatOption(): Option {
  return new Option('--format <format>', 'read every input as this format instead of detecting it').choices([...FORMAT_NAMES]);
}

/** `--max-input-bytes`: the largest (decompressed) input accepted, against gzip bombs. */
export function maxBytesOption(): Option {
  return new Option('--max-input-bytes <bytes>', 'refuse inputs larger than this after decompression (default 64 GiB)').argParser((value: string) => {
    if (!/^\d+$/.test(value) || Number(value) === 0) throw new UsageError(`--max-input-bytes ${value}: expected a positive whole number of bytes`);
    return Number(value);
  });
}

/** Parts of inputs that could not be read: printed, and the run ends with exit code 2. */
export function reportReadProblems(problems: readonly InputError[], io: CliIO): ExitCode {
  for (const problem of problems) io.stderr.write(`tracelint: ${safeText(problem.message)}\n`);
  return problems.length > 0 ? 2 : 0;
}
