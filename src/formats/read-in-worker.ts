import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { FormatName, Span } from '../model/span.js';
import { InputError } from './errors.js';
import type { Position, PreparedDocument } from './json.js';
import { JsonLines } from './otlp-jsonl.js';
import { DocumentReader, type StreamedInput, type StreamReadOptions } from './stream-read.js';

/**
 * Big files are read with both cores: a worker (read-worker.ts) reads the
 * file, inflates it, decodes UTF-8, cuts it into lines or span-array elements
 * and prepares each for JSON.parse; this thread parses, decodes and checks
 * them in order as they arrive.
 * The spans, problems and errors are those of readStreamed on the same file.
 * Only text crosses between the threads: decoded spans would cost more to
 * copy than to parse (docs/architecture.md).
 */
export interface ReaderWorkerData {
  path: string;
  /** The input's name in messages. */
  file: string;
  maxBytes: number;
  forced: FormatName | undefined;
  /** One Int32: batches sent and not yet taken. */
  flow: SharedArrayBuffer;
}

/** A prepared line as sent: span positions flattened to (line, column) pairs, which copy far faster than objects. */
export interface PreparedLine {
  json: string;
  source: string | undefined;
  firstLine: number;
  positions: Int32Array;
}

/** An element of a document's span array, prepared: where it sits and where it starts. */
export interface PreparedElement {
  path: readonly string[];
  line: number;
  column: number;
  prepared: PreparedLine;
}

export type ReaderWorkerMessage =
  | { kind: 'lines'; lines: PreparedLine[]; rawBytes: number }
  | { kind: 'elements'; elements: PreparedElement[]; rawBytes: number }
  | { kind: 'end'; mode: 'lines'; rawBytes: number; compressed: boolean }
  | { kind: 'end'; mode: 'document'; rawBytes: number; compressed: boolean; envelope: unknown; root: Position | undefined }
  | { kind: 'error'; reason: string; line: number | undefined; column: number | undefined }
  | { kind: 'crash'; message: string };

/** Batches in flight at most, and their size: enough to keep both threads busy, with little memory. */
export const MAX_BATCHES_IN_FLIGHT = 4;
export const BATCH_CHARACTERS = 1 << 20;

export function toPreparedLine({ json, source, firstLine, spanPositions }: PreparedDocument): PreparedLine {
  const positions = new Int32Array(spanPositions.length * 2);
  spanPositions.forEach((position, i) => {
    positions[2 * i] = position.line;
    positions[2 * i + 1] = position.column;
  });
  return { json, source, firstLine, positions };
}

export function fromPreparedLine({ json, source, firstLine, positions }: PreparedLine): PreparedDocument {
  const spanPositions = [];
  for (let i = 0; i < positions.length; i += 2) spanPositions.push({ line: positions[i]!, column: positions[i + 1]! });
  return { json, source, firstLine, spanPositions, rootPosition: undefined };
}

/** The worker's script, built beside this one; absent when running from TypeScript sources (then files are read on this thread). */
const WORKER_SCRIPT = fileURLToPath(new URL('./read-worker.js', import.meta.url));
export const readerWorkerAvailable = (): boolean => existsSync(WORKER_SCRIPT);

/** Reader workers started in this process: how a test knows the worker read the file. */
export const workerStats = { started: 0 };

export async function readInWorker(path: string, file: string, options: StreamReadOptions & { maxBytes: number }): Promise<StreamedInput> {
  const flow = new SharedArrayBuffer(4);
  const inFlight = new Int32Array(flow);
  const data: ReaderWorkerData = { path, file, maxBytes: options.maxBytes, forced: options.format, flow };
  const worker = new Worker(WORKER_SCRIPT, { workerData: data });
  workerStats.started++;
  const spans: Span[] = [];
  const lines = new JsonLines(file, spans);
  const document = new DocumentReader(file, spans, options.format);
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
        case 'lines':
        case 'elements': {
          if (message.kind === 'lines') for (const line of message.lines) lines.line(fromPreparedLine(line));
          else for (const { path: keys, line, column, prepared } of message.elements) document.preparedElement(keys, { line, column }, fromPreparedLine(prepared));
          Atomics.sub(inFlight, 0, 1);
          Atomics.notify(inFlight, 0);
          options.onProgress?.(message.rawBytes, spans.length);
          options.checkMemory?.(spans.length);
          break;
        }
        case 'end': {
          const read = { bytes: message.rawBytes, compressed: message.compressed };
          if (message.mode === 'lines') return { format: 'otlp-jsonl', spans, problems: lines.problems, skipped: lines.skipped, mergedParts: 0, ...read };
          document.finish(message.envelope, message.root);
          return { format: document.format(), spans, problems: [], skipped: {}, mergedParts: document.mergedParts, ...read };
        }
        case 'error':
          throw new InputError(file, message.reason, message.line, message.column);
        case 'crash':
          throw new Error(`the reader worker failed: ${message.message}`);
      }
    }
  } finally {
    await worker.terminate();
  }
}
