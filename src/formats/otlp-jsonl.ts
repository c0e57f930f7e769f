import type { Span } from '../model/span.js';
import { attachPositions, type SpanTarget } from './decoder.js';
import { InputError } from './errors.js';
import { parsePrepared, prepareDocument, type PreparedDocument } from './json.js';
import { decodeOtlp, resourceSpansOf } from './otlp.js';
import { otherSignalOf, type OtherSignal, type SkippedSignals } from './signals.js';
import type { SplitLine } from './line-splitter.js';
import { decodePlainLine } from './otlp-plain.js';

/**
 * What the lines of one input gave: spans, the lines that could not be read
 * (the other lines are still decoded), and the lines of other OTLP signals
 * that were skipped. Every reader of JSON lines (whole text, stream, reader
 * worker) hands its lines to one of these.
 */
export class JsonLines<Target extends SpanTarget = Span[]> {
  readonly problems: InputError[] = [];
  readonly skipped: SkippedSignals = {};

  /** Spans are added to `spans` (a reader's own list or store, so nothing is copied). */
  constructor(
    readonly file: string,
    readonly spans: Target = [] as unknown as Target,
  ) {}

  /**
   * One line as read: written into the target's columns straight when it is
   * plain (otlp-plain) and the target keeps columns, else made ready for
   * JSON.parse and decoded.
   */
  text({ text, lineNumber, firstColumn, tail }: SplitLine): void {
    const columns = this.spans.columns?.();
    if (columns) {
      const written = decodePlainLine(text, lineNumber, firstColumn, this.file, columns);
      if (written !== undefined) {
        this.spans.wrote!(written);
        return;
      }
    }
    this.line(prepareDocument(text, lineNumber, firstColumn, tail));
  }

  /** One line made ready by prepareDocument. */
  line(prepared: PreparedDocument): void {
    try {
      const result = decodePreparedLine(prepared, this.file);
      if (Array.isArray(result)) for (const span of result) this.spans.push(span);
      else this.skipped[result.skipped] = (this.skipped[result.skipped] ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problems.push(error);
    }
  }

  /** A line too long to hold as one string: a problem, and the other lines are still read. */
  lineTooLong(lineNumber: number, maxLine: number): void {
    this.problems.push(new InputError(this.file, `expected a line of at most ${maxLine} characters (the longest string JavaScript holds), found a longer one; it was skipped`, lineNumber, 1));
  }
}

/**
 * OTLP JSON lines, as the Collector's file exporter writes them: one
 * ExportTraceServiceRequest per line (and, from an exporter that serves other
 * pipelines too, requests of logs and metrics, skipped). A bad line is
 * reported with its line number and the rest of the file is still read. (The
 * streaming reader feeds lines as they arrive; this is the whole-text form.)
 */
export function decodeOtlpJsonLines(text: string, file: string): JsonLines {
  const lines = new JsonLines(file);
  text.split('\n').forEach((line, index) => {
    if (line.trim() !== '') lines.line(prepareDocument(line, index + 1));
  });
  return lines;
}

/** One line: its spans placed at this line, or which other signal it holds. */
export function decodePreparedLine(prepared: PreparedDocument, file: string): Span[] | { skipped: OtherSignal } {
  const lineNumber = prepared.firstLine;
  const { value, spanPositions } = parsePrepared(prepared, file);
  const list = resourceSpansOf(value);
  if (!list) {
    const signal = otherSignalOf(value);
    if (signal) return { skipped: signal };
    throw new InputError(file, 'expected an OTLP/JSON request ({"resourceSpans": [...]}, or resourceLogs/resourceMetrics to skip) on this line', lineNumber, 1);
  }
  const spans = decodeOtlp(list, { file, format: 'otlp-jsonl', positions: spanPositions });
  attachPositions(spans, spanPositions);
  return spans;
}
