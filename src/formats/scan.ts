/**
 * One pass over a JSON text that JSON.parse cannot do for us:
 *  - the offsets of span objects, so each span can say which line it came from;
 *  - the integer literals too long for a double (16+ digits), so they can be
 *    read as strings and stay exact (nanosecond times exceed 2^53).
 * Strings are skipped with indexOf, so the pass costs little next to JSON.parse.
 */
export interface JsonScan {
  /** Offsets of '{' of objects that sit where spans sit in any supported format. */
  spanOffsets: number[];
  /** [start, end) of integer literals with 16 or more digits. */
  longIntegers: Array<[number, number]>;
  /** Offset of the first '{' or '[' (the top-level value), or -1. */
  rootOffset: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What each open container's next child sits under: an array, the key "spans", or any other key. */
const IN_ARRAY = 0;
const UNDER_SPANS = 1;
const UNDER_OTHER_KEY = 2;

export function scanJson(text: string): JsonScan {
  const spanOffsets: number[] = [];
  const longIntegers: Array<[number, number]> = [];
  // One entry per open container; keys are compared in place, never sliced out.
  const path: number[] = [];
  const inObject: boolean[] = [];
  let expectKey = false;
  let rootOffset = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        path[path.length - 1] = end - i === 6 && text.startsWith('spans', i + 1) ? UNDER_SPANS : UNDER_OTHER_KEY;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      if (rootOffset === -1) rootOffset = i;
      if (isSpanPath(path)) spanOffsets.push(i);
      path.push(UNDER_OTHER_KEY);
      inObject.push(true);
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      if (rootOffset === -1) rootOffset = i;
      path.push(IN_ARRAY);
      inObject.push(false);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      path.pop();
      inObject.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = inObject[inObject.length - 1] === true;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d /* - */) {
      let end = i + 1;
      while (end < n && isNumberChar(text.charCodeAt(end))) end++;
      if (end - i >= 16 && isPlainInteger(text, i, end)) longIntegers.push([i, end]);
      i = end - 1;
    }
  }
  return { spanOffsets, longIntegers, rootOffset };
}

/** Where spans sit: `…spans[i]` (OTLP, Tempo, Jaeger) or a top-level array (Zipkin, Jaeger dumps). */
function isSpanPath(path: readonly number[]): boolean {
  const depth = path.length;
  if (depth === 1) return path[0] === IN_ARRAY;
  return depth >= 2 && path[depth - 1] === IN_ARRAY && path[depth - 2] === UNDER_SPANS;
}

/** Offset of the closing quote of the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function isPlainInteger(text: string, start: number, end: number): boolean {
  for (let i = text.charCodeAt(start) === 0x2d ? start + 1 : start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The text with the given integer literals wrapped in quotes. */
export function quoteLongIntegers(text: string, ranges: ReadonlyArray<[number, number]>): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const [start, end] of ranges) {
    parts.push(text.slice(last, start), '"', text.slice(start, end), '"');
    last = end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}
