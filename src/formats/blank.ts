/**
 * Whitespace that a reader counts instead of keeping. Padding between the
 * parts of an input (blank lines, indentation, a gigabyte of spaces after a
 * record) must cost nothing held, whatever its length: where its characters
 * cannot matter it is kept as a count, and where text is needed again it is
 * made in pieces, never as one long string. Runs are found with regular
 * expressions (a character class, so linear): V8 scans them in native code,
 * about five times as fast as a loop over the characters.
 */

/** Whitespace in JSON within one line: space, tab, carriage return. */
export function isLineBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

const NON_BLANK = /[^ \t\r\n]/g;
const NON_LINE_BLANK = /[^ \t\r]/g;
const NON_SPACE = /[^ ]/g;

function search(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

/** Offset of the first character at or after `from` that is not JSON whitespace, or -1. */
export function firstNonBlank(text: string, from = 0): number {
  return search(NON_BLANK, text, from);
}

/** Offset of the first character at or after `from` that is not whitespace within a line (a newline is not), or -1. */
export function firstNonLineBlank(text: string, from = 0): number {
  return search(NON_LINE_BLANK, text, from);
}

/** Offset of the first character at or after `from` that is not a space, or -1. */
export function firstNonSpace(text: string, from = 0): number {
  return search(NON_SPACE, text, from);
}

/**
 * Whitespace as a count: `newlines` newlines, then `columns` copies of `char`.
 * Outside strings that is all that matters of it (where a line ends, where
 * the next token stands); within a line, a chunk of one repeated character
 * is exactly this with no newline.
 */
export interface Blank {
  newlines: number;
  columns: number;
  char: string;
}

/**
 * Newlines in text[from, to). A loop over the characters: a run of blank lines
 * has a newline every character or two, where indexOf would be called once each.
 */
export function newlinesIn(text: string, from: number, to: number): number {
  let newlines = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x0a) newlines++;
  return newlines;
}

/** Columns after the last newline of text[from, to) (or all of it when there is none), added to those before. */
export function columnsAfter(columns: number, text: string, from: number, to: number): number {
  const last = to > from ? text.lastIndexOf('\n', to - 1) : -1;
  return last < from ? columns + (to - from) : to - last - 1;
}

/** Adds text[from, to), all whitespace, to a count. */
export function countBlank(blank: Blank, text: string, from: number, to: number): void {
  blank.newlines += newlinesIn(text, from, to);
  blank.columns = columnsAfter(blank.columns, text, from, to);
}

const OTHER_THAN: Record<string, RegExp> = { ' ': /[^ ]/g, '\t': /[^\t]/g, '\r': /[^\r]/g };

/** The character `text` repeats throughout, when it is one whitespace character (not a newline) repeated; else undefined. */
export function repeatedBlank(text: string): string | undefined {
  const char = text[0];
  const other = char === undefined ? undefined : OTHER_THAN[char];
  return other !== undefined && search(other, text, 1) === -1 ? char : undefined;
}

/** Text made again from pieces of at most this many characters. */
const PIECE = 1 << 20;

/** The whitespace a count stands for, in pieces of at most a mebibyte. */
export function* blankText({ newlines, columns, char }: Blank): Generator<string> {
  for (let left = newlines; left > 0; left -= PIECE) yield '\n'.repeat(Math.min(left, PIECE));
  for (let left = columns; left > 0; left -= PIECE) yield char.repeat(Math.min(left, PIECE));
}
