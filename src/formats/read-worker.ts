import { parentPort, workerData } from 'node:worker_threads';
import type { Span } from '../model/span.js';
import { ObjectTables, SpanColumns, batchBuffers } from '../model/store.js';
import type { SpanTarget } from './decoder.js';
import { InputError } from './errors.js';
import { openFile } from './open-file.js';
import { JsonLines } from './otlp-jsonl.js';
import { BATCH_CHARACTERS, BATCH_SPANS, LINES_AHEAD, MAIN_LINES, MAX_BATCHES_IN_FLIGHT, type ReaderWorkerData, type ReaderWorkerMessage } from './read-in-worker.js';
import { FormatDecider } from './format-decider.js';
import { LineSplitter, type SplitLine } from './line-splitter.js';
import { decodedText, DocumentReader, modeFor } from './stream-read.js';

/**
 * The reader worker's entry (started by read-in-worker.ts, imported by
 * nothing else). On its own thread it reads the file once, inflates it,
 * decodes UTF-8 and decides from the head, as readStreamed does, whether it is
 * JSON lines; then it parses and decodes with the same readers readStreamed
 * uses (JsonLines, DocumentReader), into a span store of BATCH_SPANS spans at
 * a time, sent with its buffers transferred. JSON lines go to the main thread
 * as read, to decode there, while it has fewer than LINES_AHEAD handovers. A batch waits while the main
 * thread has MAX_BATCHES_IN_FLIGHT not yet taken, so the reader never runs far
 * ahead.
 */
async function readFile({ path, file, maxBytes, forced, flow }: ReaderWorkerData, post: (message: ReaderWorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  // [0]: messages sent and not yet taken; [MAIN_LINES]: line handovers the main thread has not decoded yet.
  const inFlight = new Int32Array(flow);
  const state = { rawBytes: 0, compressed: false };
  /** Waits while the main thread has MAX_BATCHES_IN_FLIGHT not taken, then counts one more. */
  const wait = (): void => {
    for (let sent = Atomics.load(inFlight, 0); sent >= MAX_BATCHES_IN_FLIGHT; sent = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, sent);
    Atomics.add(inFlight, 0, 1);
  };
  const batches = new Batches((batch) => {
    wait();
    post({ kind: 'spans', batch, rawBytes: state.rawBytes }, batchBuffers(batch));
  });
  const lines = new JsonLines(file, batches);
  // Lines for the main thread, while it has fewer than LINES_AHEAD handovers; each kind of batch is
  // sent before the other begins, so the spans stay in input order. The two threads take turns about
  // every BATCH_CHARACTERS.
  let handedOver: SplitLine[] = [];
  let handedCharacters = 0;
  const handOver = (): void => {
    if (handedOver.length === 0) return;
    Atomics.add(inFlight, MAIN_LINES, 1);
    wait();
    post({ kind: 'lines', lines: handedOver, rawBytes: state.rawBytes });
    handedOver = [];
    handedCharacters = 0;
  };
  const lineSplitter = new LineSplitter(
    (line) => {
      if (handedOver.length > 0 || Atomics.load(inFlight, MAIN_LINES) < LINES_AHEAD) {
        batches.flush();
        handedOver.push(line);
        handedCharacters += line.text.length;
        if (handedCharacters >= BATCH_CHARACTERS) handOver();
      } else lines.text(line);
    },
    // A problem of this thread's lines; the problems of both threads are put in line order at the end.
    (lineNumber, maxLine) => lines.lineTooLong(lineNumber, maxLine),
  );
  const document = new DocumentReader(file, batches, forced);
  const decider = new FormatDecider();
  let mode = modeFor(forced);
  const take = (text: string): void => (mode === 'lines' ? lineSplitter : document).push(text);
  for await (const text of decodedText(await openFile(path, file), file, maxBytes, state)) {
    if (mode === 'undecided') {
      const decided = decider.decide(text);
      if (decided === undefined) continue;
      mode = decided;
      decider.handOver(take);
      continue;
    }
    take(text);
  }
  if (mode === 'undecided') {
    mode = 'document';
    decider.handOver(take);
  }
  const end = { rawBytes: state.rawBytes, compressed: state.compressed };
  if (mode === 'lines') {
    lineSplitter.end();
    handOver();
    batches.flush();
    const problems = lines.problems.map((problem) => ({ reason: problem.reason, line: problem.line, column: problem.column }));
    post({ kind: 'end', format: 'otlp-jsonl', problems, skipped: lines.skipped, mergedParts: 0, ...end });
    return;
  }
  document.end();
  batches.flush();
  post({ kind: 'end', format: document.format(), problems: [], skipped: {}, mergedParts: document.mergedParts, ...end });
}

/** Spans into a store of BATCH_SPANS (or BATCH_CHARACTERS of text) at a time, each full store sent as a batch; one numbering of resources for all. */
class Batches implements SpanTarget {
  private readonly tables = new ObjectTables();
  private store = new SpanColumns(this.tables);
  private sent = { resources: 0, scopes: 0 };
  length = 0;
  /** Spans already sent: while `length` is more, a batch is being filled. */
  sentLength = 0;

  constructor(private readonly send: (batch: ReturnType<SpanColumns['toBatch']>) => void) {}

  push(span: Span): void {
    this.store.add(span);
    this.wrote(1);
  }

  /** The store being filled: a decoder may write into it, then say how many it wrote. */
  columns(): SpanColumns {
    return this.store;
  }

  wrote(spans: number): void {
    this.length += spans;
    if (this.store.spanCount >= BATCH_SPANS || this.store.characters >= BATCH_CHARACTERS) this.flush();
  }

  flush(): void {
    if (this.store.spanCount === 0) return;
    const batch = this.store.toBatch(this.sent);
    this.sent = { resources: this.tables.resources.length, scopes: this.tables.scopes.length };
    this.store = new SpanColumns(this.tables);
    this.sentLength = this.length;
    this.send(batch);
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ReaderWorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
  readFile(workerData as ReaderWorkerData, post).catch((error: unknown) => {
    if (error instanceof InputError) post({ kind: 'error', reason: error.reason, line: error.line, column: error.column });
    else post({ kind: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}
