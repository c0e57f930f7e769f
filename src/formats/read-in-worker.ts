import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { FormatName, Span } from '../model/span.js';
import { InputError } from './errors.js';
import { SpanColumns, type StoreBatch } from '../model/store.js';
import type { SplitLine } from './line-splitter.js';
import { JsonLines } from './otlp-jsonl.js';
import { READ_CHUNK_BYTES } from './open-file.js';
import type { SkippedSignals } from './signals.js';
import type { StreamedInput, StreamReadOptions } from './stream-read.js';

/**
 * Big files are read with both cores: a worker (read-worker.ts) reads the
 * file, inflates it, decodes UTF-8, cuts it into lines or span-array
 * elements, parses and decodes them, and puts the spans in a small span store
 * per batch; this thread joins each batch's columns to its store as it
 * arrives (their buffers are transferred, not copied) and checks. No span
 * crosses as an object. The worker keeps this thread LINES_AHEAD handovers
 * of JSON lines, as it split them, to decode here, and decodes the rest
 * itself: both cores decode, and neither waits for the other. The spans,
 * problems and errors are those of readStreamed on the same file.
 */
export interface ReaderWorkerData {
  path: string;
  /** The input's name in messages. */
  file: string;
  maxBytes: number;
  forced: FormatName | undefined;
  /** Two Int32s: messages sent and not yet taken, and MAIN_LINES. */
  flow: SharedArrayBuffer;
}

/** An InputError as it crosses: rebuilt on this side with the input's name. */
export interface SentProblem {
  reason: string;
  line: number | undefined;
  column: number | undefined;
}

export type ReaderWorkerMessage =
  | { kind: 'spans'; batch: StoreBatch; rawBytes: number }
  | { kind: 'lines'; lines: SplitLine[]; rawBytes: number }
  | { kind: 'end'; format: FormatName; rawBytes: number; compressed: boolean; problems: SentProblem[]; skipped: SkippedSignals; mergedParts: number }
  | ({ kind: 'error' } & SentProblem)
  | { kind: 'crash'; message: string };

/** Index in the flow counters of the line handovers sent to the main thread and not yet decoded there. */
export const MAIN_LINES = 1;
/**
 * Handovers the main thread is kept ahead: one to decode and the next already
 * waiting, so it never waits while the worker gathers one (with one at a time,
 * it sat idle a quarter of the read).
 */
export const LINES_AHEAD = 2;

/** Batches in flight at most, and their size: enough to keep both threads busy, with little memory. */
export const MAX_BATCHES_IN_FLIGHT = 4;
export const BATCH_SPANS = 16_384;
/** A batch's text at most (big attribute values make few spans a lot of text). */
export const BATCH_CHARACTERS = 1 << 20;

function addSkipped(a: SkippedSignals, b: SkippedSignals): SkippedSignals {
  const sum: SkippedSignals = { ...a };
  for (const [signal, count] of Object.entries(b) as Array<[keyof SkippedSignals, number]>) sum[signal] = (sum[signal] ?? 0) + count;
  return sum;
}

/**
 * Tells the store, as batches arrive, how many spans and attributes the whole
 * file will hold at the rate of what is in the store so far, so its columns
 * grow about once to their size instead of by half again ten times over at a
 * million spans, each a copy. The worker may be up to a read further on than
 * the spans it has sent, so the rate is taken over one read less (a slight
 * overestimate early on, none to speak of later).
 */
function storeEstimator(store: SpanColumns, path: string): (rawBytes: number) => void {
  const start = { spans: store.spanCount, attributes: store.attributeCount };
  // An earlier input's estimate is not this one's.
  store.expect(0, 0);
  let fileBytes = 0;
  try {
    fileBytes = statSync(path).size;
  } catch {
    // Not a regular file: the columns grow as they do without an estimate.
  }
  return (rawBytes) => {
    if (fileBytes === 0 || rawBytes < Math.max(fileBytes / 50, 2 * READ_CHUNK_BYTES)) return;
    const scale = (fileBytes / (rawBytes - READ_CHUNK_BYTES)) * 1.02;
    store.expect(start.spans + Math.ceil((store.spanCount - start.spans) * scale), start.attributes + Math.ceil((store.attributeCount - start.attributes) * scale));
  };
}

/** The worker's script, built beside this one; absent when running from TypeScript sources (then files are read on this thread). */
const WORKER_SCRIPT = fileURLToPath(new URL('./read-worker.js', import.meta.url));
export const readerWorkerAvailable = (): boolean => existsSync(WORKER_SCRIPT);

/** Reader workers started in this process: how a test knows the worker read the file. */
export const workerStats = { started: 0 };

export async function readInWorker(path: string, file: string, options: StreamReadOptions & { maxBytes: number }): Promise<StreamedInput> {
  const flow = new SharedArrayBuffer(8);
  const inFlight = new Int32Array(flow);
  const data: ReaderWorkerData = { path, file, maxBytes: options.maxBytes, forced: options.format, flow };
  const worker = new Worker(WORKER_SCRIPT, { workerData: data });
  workerStats.started++;
  // Batches are joined to the caller's store, or to one of our own whose spans are returned.
  const store = options.into instanceof SpanColumns ? options.into : new SpanColumns();
  const before = store.spanCount;
  const resources = { resources: [], scopes: [] };
  // JSON lines the worker left to this thread, decoded here in their place.
  const lines = new JsonLines(file, store);
  const estimate = storeEstimator(store, path);
  // Messages are taken one at a time with a turn of the event loop between them, so the heap
  // watch (whose notices come as immediates) and progress keep running while batches arrive.
  const queue: ReaderWorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const arrived = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: ReaderWorkerMessage) => {
    queue.push(message);
    arrived();
  });
  worker.once('error', (error) => {
    failure ??= error;
    arrived();
  });
  worker.once('exit', (code) => {
    failure ??= new Error(`the reader worker stopped (exit code ${code})`);
    arrived();
  });
  try {
    for (;;) {
      await setImmediate();
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      switch (message.kind) {
        case 'spans':
        case 'lines':
          if (message.kind === 'spans') store.absorb(message.batch, resources);
          else {
            for (const line of message.lines) lines.text(line);
            Atomics.sub(inFlight, MAIN_LINES, 1);
          }
          // The spans read up to rawBytes are in the store now, but for the chunk the worker is in.
          estimate(message.rawBytes);
          Atomics.sub(inFlight, 0, 1);
          Atomics.notify(inFlight, 0);
          options.onProgress?.(message.rawBytes, store.spanCount - before);
          options.checkMemory?.(store.spanCount - before);
          break;
        case 'end': {
          const spanCount = store.spanCount - before;
          const spans: Span[] = [];
          if (store !== options.into) {
            const target = options.into ?? spans;
            for (let row = 0; row < spanCount; row++) target.push(store.span(row));
          }
          // The bad lines of both threads, in line order (a sort is stable).
          const problems = [...message.problems.map((problem) => new InputError(file, problem.reason, problem.line, problem.column)), ...lines.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
          return { format: message.format, spans, spanCount, problems, skipped: addSkipped(message.skipped, lines.skipped), mergedParts: message.mergedParts, bytes: message.rawBytes, compressed: message.compressed };
        }
        case 'error':
          throw new InputError(file, message.reason, message.line, message.column);
        case 'crash':
          throw new Error(`the reader worker failed: ${message.message}`);
      }
    }
  } finally {
    // What comes next (another input, read here) makes its own estimate or none.
    store.expect(0, 0);
    await worker.terminate();
  }
}
