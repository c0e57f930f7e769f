import { constants } from 'node:buffer';
import { blankText, columnsAfter, firstNonBlank, firstNonLineBlank, firstNonSpace, isLineBlank, newlinesIn } from './blank.js';
import type { BlankTail } from './json-syntax.js';

/** One line handed over: its text from the first non-blank character, where that stands, and the whitespace after it that was not kept. */
export interface SplitLine {
  text: string;
  lineNumber: number;
  firstColumn: number;
  tail: BlankTail | undefined;
}

/** Whitespace after a line's text kept verbatim up to this length; beyond it, counted. */
const KEPT_BLANK = 64 * 1024;

/**
 * Text cut into lines as it arrives; each non-blank line is handed over with
 * its number. Whitespace costs nothing held: a line's leading whitespace and
 * blank lines are counted, and whitespace after a line's text is kept up to
 * 64 KiB and then counted (with its first tab or CR, for errors), so a line
 * padded with a gigabyte of spaces holds its text alone. Whitespace followed
 * by more text on the line is part of the record and is made again. A line
 * longer than `maxLine` (the longest string, by default) cannot be read: it
 * is reported to `onTooLong` and skipped, and reading goes on.
 */
export class LineSplitter {
  private lineNumber = 1;
  /** Whitespace before the line's first non-blank character. */
  private leading = 0;
  /** The line's text from its first non-blank character to its last. */
  private pieces: string[] = [];
  private length = 0;
  /** Whitespace after the last non-blank text: the first KEPT_BLANK characters, then a count. */
  private blank: string[] = [];
  private blankLength = 0;
  private tail: BlankTail | undefined;
  private tooLong = false;

  constructor(
    private readonly onLine: (line: SplitLine) => void,
    private readonly onTooLong: (lineNumber: number, maxLine: number) => void = () => {},
    private readonly maxLine = constants.MAX_STRING_LENGTH,
  ) {}

  push(text: string): void {
    let start = 0;
    while (start < text.length) {
      if (this.length === 0 && !this.tooLong) {
        // Blank lines, and the whitespace before the next line's text, counted in one pass.
        const first = firstNonBlank(text, start);
        const end = first === -1 ? text.length : first;
        this.lineNumber += newlinesIn(text, start, end);
        this.leading = columnsAfter(this.leading, text, start, end);
        start = end;
        if (start === text.length) return;
      }
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      if (!this.tooLong) this.take(text, start, end);
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  end(): void {
    if (this.length > 0 || this.tooLong) this.endLine();
  }

  /** text[start, end) of the current line, from its first non-blank character. */
  private take(text: string, start: number, end: number): void {
    let last = end;
    if (isLineBlank(text.charCodeAt(last - 1))) {
      // A whole stretch of whitespace is found at native speed; only the end of text is walked back.
      const first = firstNonLineBlank(text, start);
      if (first === -1 || first >= end) last = start;
      else while (isLineBlank(text.charCodeAt(last - 1))) last--;
    }
    if (last > start) {
      this.flushBlank();
      this.append(start === 0 && last === text.length ? text : text.slice(start, last));
    }
    if (last < end) this.addBlank(text, last, end);
  }

  private append(piece: string): void {
    if (this.tooLong) return;
    if (this.length + piece.length > this.maxLine) return this.markTooLong();
    this.pieces.push(piece);
    this.length += piece.length;
  }

  /** The line cannot be held: the rest of it is passed over. */
  private markTooLong(): void {
    this.tooLong = true;
    this.pieces = [];
    this.length = 0;
    this.clearBlank();
  }

  /** Whitespace after the text so far: kept while short, then counted. */
  private addBlank(text: string, from: number, to: number): void {
    if (this.tooLong) return;
    const kept = Math.min(to - from, KEPT_BLANK - this.blankLength);
    if (kept > 0) {
      this.blank.push(text.slice(from, from + kept));
      this.blankLength += kept;
      from += kept;
    }
    if (from === to) return;
    this.tail ??= { length: 0, control: -1, controlChar: '' };
    const other = this.tail.control === -1 ? firstNonSpace(text, from) : -1;
    if (other !== -1 && other < to) {
      this.tail.control = this.tail.length + other - from;
      this.tail.controlChar = text[other]!;
    }
    this.tail.length += to - from;
  }

  /** More text follows the whitespace on this line: the whitespace is the record's, made again. */
  private flushBlank(): void {
    if (this.blankLength === 0) return;
    const { blank, blankLength, tail } = this;
    this.clearBlank();
    if (this.length + blankLength + (tail?.length ?? 0) > this.maxLine) return this.markTooLong();
    for (const piece of blank) this.append(piece);
    if (tail === undefined) return;
    // Spaces for what was counted, with its first tab or CR in place: the same to JSON outside
    // a string, and inside one the same first error.
    const spaces = (count: number): void => {
      for (const piece of blankText({ newlines: 0, columns: count, char: ' ' })) this.append(piece);
    };
    if (tail.control === -1) spaces(tail.length);
    else {
      spaces(tail.control);
      this.append(tail.controlChar);
      spaces(tail.length - tail.control - 1);
    }
  }

  private clearBlank(): void {
    this.blank = [];
    this.blankLength = 0;
    this.tail = undefined;
  }

  private endLine(): void {
    if (this.tooLong) this.onTooLong(this.lineNumber, this.maxLine);
    else if (this.length > 0) {
      const text = this.pieces.length === 1 && this.blankLength === 0 ? this.pieces[0]! : [...this.pieces, ...this.blank].join('');
      // As String.prototype.trim sees blank: a line of other white space (no-break spaces) is skipped too.
      if (text.trim() !== '') this.onLine({ text, lineNumber: this.lineNumber, firstColumn: this.leading + 1, tail: this.tail });
    }
    this.lineNumber++;
    this.leading = 0;
    this.pieces = [];
    this.length = 0;
    this.tooLong = false;
    this.clearBlank();
  }
}
