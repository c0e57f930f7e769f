import type { Span } from '../model/span.js';
import { attachPositions } from './decoder.js';
import { InputError } from './errors.js';
import { parseDocument } from './json.js';
import { decodeOtlp, resourceSpansOf } from './otlp.js';

export interface JsonLinesResult {
  spans: Span[];
  /** Lines that could not be read; the other lines are still decoded. */
  problems: InputError[];
}

/**
 * OTLP JSON lines, as the Collector's file exporter writes them: one
 * ExportTraceServiceRequest per line. A bad line is reported with its line
 * number and the rest of the file is still read.
 */
export function decodeOtlpJsonLines(text: string, file: string): JsonLinesResult {
  const spans: Span[] = [];
  const problems: InputError[] = [];
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lineNumber++;
    const line = text.slice(start, end);
    if (line.trim() !== '') {
      try {
        const { value, spanPositions } = parseDocument(line, file, lineNumber);
        const list = resourceSpansOf(value);
        if (!list) throw new InputError(file, 'expected an OTLP/JSON request ({"resourceSpans": [...]}) on this line', lineNumber, 1);
        const decoded = decodeOtlp(list, { file, format: 'otlp-jsonl', positions: spanPositions });
        attachPositions(decoded, spanPositions);
        for (const span of decoded) spans.push(span);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push(error);
      }
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return { spans, problems };
}
