import { InputError } from './errors.js';
import { findJsonSyntaxError, type BlankTail } from './json-syntax.js';
import { quoteLongIntegers, scanJson } from './scan.js';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  value: unknown;
  /** Line and column of each span-shaped object, in document order. */
  spanPositions: Position[];
  /** Where the top-level object or array starts. */
  rootPosition: Position | undefined;
}

/**
 * A JSON text ready for JSON.parse: long integers quoted, span positions found.
 * Made apart from the parse so a reader worker can do this part (see read-worker).
 */
export interface PreparedDocument {
  /** The text with long integers quoted: what JSON.parse reads. */
  json: string;
  /** The text as read (BOM made a space), when it differs from `json`: syntax errors are placed in it. */
  source: string | undefined;
  firstLine: number;
  /** Column of the text's first character on its first line (a JSON line's leading whitespace is not kept). */
  firstColumn: number;
  /** Whitespace after the text on its line that was not kept, for placing an error at the end. */
  tail: BlankTail | undefined;
  spanPositions: Position[];
  rootPosition: Position | undefined;
}

export function prepareDocument(text: string, firstLine = 1, firstColumn = 1, tail?: BlankTail): PreparedDocument {
  // A byte order mark is one only where a line starts.
  const source = firstColumn === 1 && text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const scan = scanJson(source);
  const json = quoteLongIntegers(source, scan.longIntegers);
  const rootPosition = scan.rootOffset === -1 ? undefined : positionsOf(source, [scan.rootOffset], firstLine, firstColumn)[0];
  return { json, source: json === source ? undefined : source, firstLine, firstColumn, tail, spanPositions: positionsOf(source, scan.spanOffsets, firstLine, firstColumn), rootPosition };
}

/** Malformed JSON throws an InputError naming file, line, column and what was expected. */
export function parsePrepared(prepared: PreparedDocument, file: string): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(prepared.json);
  } catch {
    throw syntaxError(prepared, file);
  }
  return { value, spanPositions: prepared.spanPositions, rootPosition: prepared.rootPosition };
}

/**
 * Parses one JSON document exactly: long integers are kept as strings, and the
 * position of every span object is known. `firstLine` places a JSON-lines record.
 * Malformed JSON throws an InputError naming file, line, column and what was expected.
 */
export function parseDocument(text: string, file: string, firstLine = 1): ParsedDocument {
  return parsePrepared(prepareDocument(text, firstLine), file);
}

function syntaxError(prepared: PreparedDocument, file: string): InputError {
  const text = prepared.source ?? prepared.json;
  const error = findJsonSyntaxError(text, prepared.tail) ?? { offset: 0, expected: 'valid JSON', found: 'something else' };
  const [position] = positionsOf(text, [error.offset], prepared.firstLine, prepared.firstColumn);
  return new InputError(file, `invalid JSON: expected ${error.expected}, found ${error.found}`, position!.line, position!.column);
}

/** 1-based line and column (UTF-16 units) for increasing offsets, in one forward pass; the text starts at firstLine, firstColumn. */
export function positionsOf(text: string, offsets: readonly number[], firstLine = 1, firstColumn = 1): Position[] {
  const positions: Position[] = [];
  let line = firstLine;
  let lineStart = 0;
  // The next newline not yet passed; searched again only once an offset lies beyond it,
  // so a one-line document with many spans costs one scan, not one per span.
  let nextNewline = text.indexOf('\n');
  for (const offset of offsets) {
    while (nextNewline !== -1 && nextNewline < offset) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
    }
    positions.push({ line, column: offset - lineStart + (line === firstLine ? firstColumn : 1) });
  }
  return positions;
}
