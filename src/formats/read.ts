import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { glob } from 'tinyglobby';
import type { FormatName, Span } from '../model/span.js';
import { SpanColumns } from '../model/store.js';
import type { TraceSet } from '../model/trace.js';
import { StoredTraces } from '../model/trace-source.js';
import { attachPositions } from './decoder.js';
import { decoderFor, detectDecoder, formatFromName, looksLikeJsonLines } from './detect.js';
import { InputError } from './errors.js';
import { watchHeap, type HeapUse } from './heap-watch.js';
import { parseDocument } from './json.js';
import { openFile } from './open-file.js';
import { readerWorkerAvailable, readInWorker } from './read-in-worker.js';
import { DEFAULT_MAX_BYTES, readStreamed, type StreamedInput, type StreamReadOptions } from './stream-read.js';
import { decodeOtlpJsonLines } from './otlp-jsonl.js';
import { readProtoStream } from './otlp-proto.js';
import type { SkippedSignals } from './signals.js';
import { finishDocument } from './zipkin-merge.js';

export interface ReadOptions {
  /** Skip detection and decode every input as this format. */
  format?: FormatName;
  /** Where `-` reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Resolves relative paths and globs (default process.cwd()). */
  cwd?: string;
  /** Largest decompressed input accepted (default 64 GiB), against gzip bombs. */
  maxBytes?: number;
  /** Called as bytes are read, for progress display: totals over all inputs so far, and the input being read. */
  onProgress?: (bytesRead: number, spans: number, input: string) => void;
  /** How an input is named in findings and messages (default: as given; `-` is `<stdin>`). */
  label?: (input: string) => string;
  /**
   * Files read by a reader worker on a second thread (reading, gzip, UTF-8,
   * cutting lines or span-array elements and preparing them for JSON.parse): by
   * default regular files of 16 MB or more; true, every regular file; false,
   * none. The result is the same.
   */
  workers?: boolean;
}

export interface InputSummary {
  /** The path as given (or `<stdin>`). */
  name: string;
  format: FormatName;
  bytes: number;
  compressed: boolean;
  spanCount: number;
  /** JSON lines of other OTLP signals (logs, metrics) skipped in this input. */
  skipped: SkippedSignals;
  /** Zipkin: parts of spans sent in pieces, merged into their spans (see zipkin-merge). */
  mergedParts: number;
}

export interface ReadResult {
  /** Every span read, in columns. */
  store: SpanColumns;
  /** The traces, built one at a time from the store: what `lint` reads without holding every span as an object. */
  source: StoredTraces;
  /** Every span as an object, in input order: built on first use, and held (the slower path; see StoredTraces.spans). */
  readonly spans: Span[];
  /** The same spans grouped into traces: built on first use, and held. */
  readonly traces: TraceSet;
  inputs: InputSummary[];
  /** Parts of inputs that could not be read (bad JSON lines); the rest was read. */
  problems: InputError[];
}

export interface DecodedText {
  format: FormatName;
  spans: Span[];
  problems: InputError[];
  /** JSON lines of other OTLP signals (logs, metrics) that were skipped. */
  skipped: SkippedSignals;
  /** Zipkin: parts of spans sent in pieces, merged into their spans. */
  mergedParts: number;
}

/** Files in a directory that look like trace exports. */
const TRACE_FILE = /\.(json|jsonl|ndjson|txt|pb|binpb)(\.gz)?$|\.gz$/i;

/**
 * Reads traces from files, directories, globs and `-` (stdin), gzip included,
 * detecting each input's format. Each input is read exactly once. A file the
 * user named that cannot be read stops the run (an InputError); a file found
 * in a directory or by a glob that cannot be read is a problem, and the others
 * are still read.
 */
export async function readTraces(inputs: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
  const cwd = options.cwd ?? process.cwd();
  const entries = await expandInputList(inputs, cwd);
  const store = new SpanColumns();
  const summaries: InputSummary[] = [];
  const problems: InputError[] = [];
  let bytesBefore = 0;
  const heap = watchHeap();
  try {
    for (const { name, found } of entries) {
      const displayName = name === '-' ? '<stdin>' : (options.label?.(name) ?? name);
      const report = options.onProgress;
      // The store holds the spans of earlier inputs and those of this one read so far.
      const onProgress = report && ((bytes: number) => report(bytesBefore + bytes, store.spanCount, displayName));
      const checkMemory = (): void => {
        if (heap.full) throw heapFullError(displayName, store.spanCount, heap.full);
      };
      let streamed: StreamedInput;
      const mark = store.mark();
      try {
        streamed = await readInput(name, displayName, cwd, options, { onProgress, checkMemory, into: store });
      } catch (error) {
        // Nothing of an input that failed is kept, though some of its spans had come.
        store.rollback(mark);
        if (!found || !(error instanceof InputError) || heap.full) throw error;
        problems.push(error);
        continue;
      }
      bytesBefore += streamed.bytes;
      // A protobuf input is decoded whole, into a list.
      for (const span of streamed.spans) store.add(span);
      problems.push(...streamed.problems);
      summaries.push({ name: displayName, format: streamed.format, bytes: streamed.bytes, compressed: streamed.compressed, spanCount: streamed.spanCount, skipped: streamed.skipped, mergedParts: streamed.mergedParts });
      checkMemory();
    }
  } finally {
    heap.stop();
  }
  return readResult(store, summaries, problems);
}

/** A read result over a store: `source` for lint, `spans` and `traces` built when first asked for. */
export function readResult(store: SpanColumns, inputs: InputSummary[], problems: InputError[], source = new StoredTraces(store)): ReadResult {
  return {
    store,
    source,
    get spans() {
      return source.spans();
    },
    get traces() {
      return source.traceSet();
    },
    inputs,
    problems,
  };
}

/** One input, by the reader that suits it: protobuf whole, big files with the reader worker, anything else streamed here. */
async function readInput(name: string, file: string, cwd: string, options: ReadOptions, hooks: Pick<StreamReadOptions, 'onProgress' | 'checkMemory' | 'into'>): Promise<StreamedInput> {
  const format = options.format ?? formatFromName(name);
  const streamOptions = { format: options.format, maxBytes: options.maxBytes, ...hooks };
  const fullPath = path.resolve(cwd, name);
  if (name !== '-' && format !== 'otlp-proto' && (await readsInWorker(fullPath, options.workers))) {
    return readInWorker(fullPath, file, { ...streamOptions, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  }
  const source = name === '-' ? Readable.from(options.stdin ?? process.stdin) : await openFile(fullPath, name);
  if (format === 'otlp-proto') return readProtoStream(source, file, { maxBytes: options.maxBytes });
  return readStreamed(source, file, streamOptions);
}

/** Files smaller than this are read on the calling thread: starting a worker costs more than it saves. */
const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** Whether a file is read by the reader worker: a regular file (it is opened there) big enough to pay, unless told. */
async function readsInWorker(fullPath: string, workers: boolean | undefined): Promise<boolean> {
  if (workers === false || !readerWorkerAvailable()) return false;
  // A file that cannot be looked at is opened here, where its error is named.
  const info = await stat(fullPath).catch(() => undefined);
  return info !== undefined && info.isFile() && (workers === true || info.size >= WORKER_MIN_BYTES);
}

function heapFullError(file: string, spans: number, { usedBytes, limitBytes }: HeapUse): InputError {
  const mb = (bytes: number): number => Math.round(bytes / 1024 ** 2);
  return new InputError(
    file,
    `stopped after ${spans} spans: they fill ${mb(usedBytes)} MB of the ${mb(limitBytes)} MB JavaScript heap, and checking needs every span in memory. ` +
      `Give it more with NODE_OPTIONS=--max-old-space-size=<MB>, or check the files in smaller groups`,
  );
}

/** Decodes one input's text: JSON lines, or one JSON document of any supported format. */
export function decodeText(text: string, file: string, format?: FormatName): DecodedText {
  if (format === 'otlp-jsonl' || (format === undefined && looksLikeJsonLines(text))) {
    const { spans, problems, skipped } = decodeOtlpJsonLines(text, file);
    return { format: 'otlp-jsonl', spans, problems, skipped, mergedParts: 0 };
  }
  if (text.trim() === '') throw new InputError(file, 'empty input: expected a JSON trace export');
  const { value, spanPositions, rootPosition } = parseDocument(text, file);
  const decoder = format === undefined ? detectDecoder(value, file) : decoderFor(format);
  if (!decoder) throw new InputError(file, `format ${format} cannot be read from a JSON document`);
  if (!decoder.matches(value)) throw new InputError(file, `not ${decoder.format}: expected ${decoder.shape}`);
  const spans = decoder.decode(value, { file, format: decoder.format, positions: spanPositions, ...(rootPosition ? { rootPosition } : {}) });
  attachPositions(spans, spanPositions);
  const finished = finishDocument(decoder.format, spans);
  return { format: decoder.format, spans: finished.spans, problems: [], skipped: {}, mergedParts: finished.merged };
}

/** Files, directories (their trace files, sorted), globs and `-`, each once, in the order given. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<string[]> {
  return (await expandInputList(inputs, cwd)).map((entry) => entry.name);
}

/** The inputs to read, each with whether it was found (in a directory or by a glob) rather than named. */
async function expandInputList(inputs: readonly string[], cwd: string): Promise<Array<{ name: string; found: boolean }>> {
  const seen = new Set<string>();
  const out: Array<{ name: string; found: boolean }> = [];
  const add = (name: string, found = false): void => {
    const key = name === '-' ? '-' : path.resolve(cwd, name);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, found });
  };
  for (const input of inputs) {
    if (input === '-') {
      add(input);
      continue;
    }
    const info = await stat(path.resolve(cwd, input)).catch(() => undefined);
    if (info?.isDirectory()) {
      const files = await listTraceFiles(path.resolve(cwd, input));
      if (files.length === 0) throw new InputError(input, 'a directory with no trace files (*.json, *.jsonl, *.ndjson, *.txt, *.pb, *.binpb, *.gz)');
      for (const file of files) add(path.relative(cwd, file) || file, true);
    } else if (info === undefined && /[*?[\]{}]/.test(input)) {
      const matches = (await glob(input, { cwd, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) throw new InputError(input, 'no files match this pattern');
      for (const match of matches) add(match, true);
    } else {
      add(input);
    }
  }
  return out;
}

async function listTraceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && TRACE_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? dir, entry.name))
    .sort();
}

