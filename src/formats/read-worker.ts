import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from './errors.js';
import { prepareDocument } from './json.js';
import { BATCH_CHARACTERS, MAX_BATCHES_IN_FLIGHT, toPreparedLine, type PreparedElement, type PreparedLine, type ReaderWorkerData, type ReaderWorkerMessage } from './read-in-worker.js';
import { JsonSplitter } from './split.js';
import { openFile } from './open-file.js';
import { decodedText, FormatDecider, LineSplitter, modeFor } from './stream-read.js';

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
  let lines: PreparedLine[] = [];
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
  const lineSplitter = new LineSplitter((text, lineNumber) => {
    lines.push(toPreparedLine(prepareDocument(text, lineNumber)));
    counted(text.length);
  });
  const documentSplitter = new JsonSplitter(file, ({ path: keys, text, position }) => {
    elements.push({ path: keys, line: position.line, column: position.column, prepared: toPreparedLine(prepareDocument(text, position.line)) });
    counted(text.length);
  });
  const decider = new FormatDecider();
  let mode = modeFor(forced);
  const take = (text: string): void => (mode === 'lines' ? lineSplitter : documentSplitter).push(text);
  for await (let text of decodedText(await openFile(path, file), file, maxBytes, state)) {
    if (mode === 'undecided') {
      const decided = decider.decide(text);
      if (decided === undefined) continue;
      mode = decided;
      text = decider.takeHead();
    }
    take(text);
  }
  if (mode === 'undecided') {
    mode = 'document';
    take(decider.takeHead());
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
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ReaderWorkerMessage): void => port.postMessage(message);
  readFile(workerData as ReaderWorkerData, post).catch((error: unknown) => {
    if (error instanceof InputError) post({ kind: 'error', reason: error.reason, line: error.line, column: error.column });
    else post({ kind: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}
