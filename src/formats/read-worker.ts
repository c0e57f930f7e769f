import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from './errors.js';
import { prepareDocument } from './json.js';
import { FormatDecider } from './format-decider.js';
import { LineSplitter } from './line-splitter.js';
import { BATCH_CHARACTERS, MAX_BATCHES_IN_FLIGHT, toPreparedLine, type PreparedElement, type PreparedLine, type ReaderWorkerData, type ReaderWorkerMessage, type TooLongLine } from './read-in-worker.js';
import { JsonSplitter } from './split.js';
import { openFile } from './open-file.js';
import { decodedText, modeFor } from './stream-read.js';

/**
 * The reader worker's entry (started by read-in-worker.ts, imported by
 * nothing else). On its own thread it reads the file once, inflates it,
 * decodes UTF-8 and decides from the head, as readStreamed does, whether it is
 * JSON lines. JSON lines are cut into lines, a document into the elements
 * of its span arrays (JsonSplitter), and each is prepared for JSON.parse (long
 * integers quoted, span positions found). The main thread parses, decodes and
 * checks. A batch waits while the main thread has MAX_BATCHES_IN_FLIGHT not
 * yet taken, so the reader never runs far ahead.
 */
async function readFile({ path, file, maxBytes, forced, flow }: ReaderWorkerData, post: (message: ReaderWorkerMessage) => void): Promise<void> {
  const inFlight = new Int32Array(flow);
  const state = { rawBytes: 0, compressed: false };
  let lines: Array<PreparedLine | TooLongLine> = [];
  let elements: PreparedElement[] = [];
  let characters = 0;
  const send = (): void => {
    if (lines.length === 0 && elements.length === 0) return;
    for (let sent = Atomics.load(inFlight, 0); sent >= MAX_BATCHES_IN_FLIGHT; sent = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, sent);
    Atomics.add(inFlight, 0, 1);
    post(lines.length > 0 ? { kind: 'lines', lines, rawBytes: state.rawBytes } : { kind: 'elements', elements, rawBytes: state.rawBytes });
    lines = [];
    elements = [];
    characters = 0;
  };
  const counted = (size: number): void => {
    characters += size;
    if (characters >= BATCH_CHARACTERS) send();
  };
  const lineSplitter = new LineSplitter(
    ({ text, lineNumber, firstColumn, tail }) => {
      lines.push(toPreparedLine(prepareDocument(text, lineNumber, firstColumn, tail)));
      counted(text.length);
    },
    (lineNumber, maxLine) => lines.push({ tooLong: lineNumber, maxLine }),
  );
  const documentSplitter = new JsonSplitter(file, ({ path: keys, text, position }) => {
    elements.push({ path: keys, line: position.line, column: position.column, prepared: toPreparedLine(prepareDocument(text, position.line)) });
    counted(text.length);
  });
  const decider = new FormatDecider();
  let mode = modeFor(forced);
  const take = (text: string): void => (mode === 'lines' ? lineSplitter : documentSplitter).push(text);
  try {
    for await (const text of decodedText(await openFile(path, file), file, maxBytes, state)) {
      if (mode !== 'undecided') {
        take(text);
        continue;
      }
      const decided = decider.decide(text);
      if (decided === undefined) continue;
      mode = decided;
      decider.handOver(take);
    }
    if (mode === 'undecided') {
      mode = 'document';
      decider.handOver(take);
    }
    if (mode === 'lines') {
      lineSplitter.end();
      send();
      post({ kind: 'end', mode, rawBytes: state.rawBytes, compressed: state.compressed });
      return;
    }
    const envelope = documentSplitter.end();
    send();
    post({ kind: 'end', mode, rawBytes: state.rawBytes, compressed: state.compressed, envelope, root: documentSplitter.rootPosition });
  } catch (error) {
    // What was cut before the error is decoded first, as on one thread, where a bad element there is the error.
    if (error instanceof InputError) send();
    throw error;
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ReaderWorkerMessage): void => port.postMessage(message);
  readFile(workerData as ReaderWorkerData, post).catch((error: unknown) => {
    if (error instanceof InputError) post({ kind: 'error', reason: error.reason, line: error.line, column: error.column });
    else post({ kind: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}
