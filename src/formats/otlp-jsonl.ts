import type { Span } from '../model/span.js';
import { attachPositions } from './decoder.js';
import { InputError } from './errors.js';
import { parsePrepared, prepareDocument, type PreparedDocument } from './json.js';
import { decodeOtlp, resourceSpansOf } from './otlp.js';

export interface JsonLinesResult {
  spans: Span[];
  /** Lines that could not be read; the other lines are still decoded. */
  problems: InputError[];
}

/**
 * OTLP JSON lines, as the Collector's file exporter writes them: one
 * ExportTraceServiceRequest per line. A bad line is reported with its line
 * number and the rest of the file is still read. (The streaming reader feeds
 * lines to decodeJsonLine as they arrive; this is the whole-text form.)
 */
export function decodeOtlpJsonLines(text: string, file: string): JsonLinesResult {
  const spans: Span[] = [];
  const problems: InputError[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      for (const span of decodeJsonLine(line, file, index + 1)) spans.push(span);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error);
    }
  });
  return { spans, problems };
}

/** One line: an OTLP/JSON request, its spans placed at this line. */
export function decodeJsonLine(text: string, file: string, lineNumber: number): Span[] {
  return decodePreparedLine(prepareDocument(text, lineNumber), file);
}

/** One line made ready by prepareDocument (here or in a reader worker). */
export function decodePreparedLine(prepared: PreparedDocument, file: string): Span[] {
  const lineNumber = prepared.firstLine;
  const { value, spanPositions } = parsePrepared(prepared, file);
  const list = resourceSpansOf(value);
  if (!list) throw new InputError(file, 'expected an OTLP/JSON request ({"resourceSpans": [...]}) on this line', lineNumber, 1);
  const spans = decodeOtlp(list, { file, format: 'otlp-jsonl', positions: spanPositions });
  attachPositions(spans, spanPositions);
  return spans;
}
