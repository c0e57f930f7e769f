import { Option } from 'commander';
import { FORMAT_NAMES } from '../formats/detect.js';
import type { InputError } from '../formats/errors.js';
import { readTraces, type ReadResult } from '../formats/read.js';
import type { FormatName } from '../model/span.js';
import { describeSkipped } from '../formats/signals.js';
import { safeMultiline } from '../render/safe-text.js';
import type { RunNotice } from '../report/types.js';
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

/** What reading said beside the spans: inputs or lines that could not be read (errors), and how inputs were read (notes). */
export function readNotices(read: ReadResult): RunNotice[] {
  const notices: RunNotice[] = read.problems.map(inputErrorNotice);
  for (const input of read.inputs) {
    const skipped = describeSkipped(input.skipped);
    if (skipped) notices.push({ level: 'note', file: input.name, message: skipped });
    const merged = input.mergedParts;
    if (merged > 0) notices.push({ level: 'note', file: input.name, message: `merged ${merged} Zipkin span part${merged === 1 ? ' into the span it belongs' : 's into the spans they belong'} to (a span sent in pieces)` });
  }
  return notices;
}

export function inputErrorNotice(error: InputError): RunNotice {
  return { level: 'error', message: error.reason, file: error.file, ...(error.line !== undefined ? { line: error.line } : {}), ...(error.column !== undefined ? { column: error.column } : {}) };
}

/** Notices on stderr, one each (notes left out when quiet); exit code 2 when any is an error. */
export function printNotices(notices: readonly RunNotice[], io: CliIO, quiet = false): ExitCode {
  for (const notice of notices) {
    if (notice.level === 'note' && quiet) continue;
    io.stderr.write(`tracelint: ${safeMultiline(`${noticeLocation(notice)}${notice.message}`)}\n`);
  }
  return notices.some((notice) => notice.level === 'error') ? 2 : 0;
}

/** `file:line:column: ` (as much as is known), or nothing. */
export function noticeLocation(notice: RunNotice): string {
  if (notice.file === undefined) return '';
  return `${notice.file}${notice.line !== undefined ? `:${notice.line}${notice.column !== undefined ? `:${notice.column}` : ''}` : ''}: `;
}
