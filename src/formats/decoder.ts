import type { FormatName, Span } from '../model/span.js';
import type { Position } from './json.js';

/** What a decoder knows of where its spans come from. */
export interface SpanSource {
  file: string;
  format: FormatName;
  /** Positions of span objects in document order (see scanJson); may be empty. */
  positions: readonly Position[];
  /** Where the document's top-level value starts (a Zipkin file may be one span object). */
  rootPosition?: Position;
}

export type { SpanTarget } from '../model/store.js';

/** One export format: recognises its parsed JSON and turns it into spans. */
export interface Decoder {
  format: FormatName;
  /** What the format looks like, for the "unknown format" message. */
  shape: string;
  /** A cheap structural test on the parsed document. */
  matches(value: unknown): boolean;
  /** Spans in document order. Throws InputError for fields of the wrong type. */
  decode(value: unknown, source: SpanSource): Span[];
}

/**
 * Gives each span the line and column of its object, when the scan found exactly
 * one object per span; otherwise positions are left out rather than guessed.
 */
export function attachPositions(spans: readonly Span[], positions: readonly Position[]): void {
  if (positions.length !== spans.length) return;
  spans.forEach((span, i) => {
    span.source.line = positions[i]!.line;
    span.source.column = positions[i]!.column;
  });
}
