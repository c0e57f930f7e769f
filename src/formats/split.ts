import { InputError } from './errors.js';
import { findJsonSyntaxError, VALUE } from './json-syntax.js';
import { positionsOf, type Position } from './json.js';

/**
 * Splits one JSON document, fed as text chunks, into the elements of its big
 * arrays, so a document larger than V8's string limit (~512 MB) is never one
 * string. The arrays split are those reached from the root through object keys
 * alone, at most three keys deep (`[…]`, `{"resourceSpans": […]}`,
 * `{"data": […]}`, `{"result": {"resourceSpans": […]}}`): where every export
 * format keeps its spans. Each element is handed over as text with its position;
 * everything else (the envelope) is kept, with split arrays left empty, and
 * parsed at the end. Syntax errors name the line and column in the whole input.
 */
export interface SplitElement {
  /** Object keys from the root to the array; [] for a root array. */
  path: readonly string[];
  text: string;
  /** Where the element starts in the input. */
  position: Position;
}

interface Frame {
  kind: 'object' | 'array';
  /** Objects: the key whose value comes next. */
  key: string | undefined;
  expectKey: boolean;
  /** Arrays whose elements are split out. */
  split: boolean;
  /** Split arrays: an element was just read, a ',' or ']' must follow. */
  afterElement: boolean;
  /** Split arrays: a ',' was just read, an element must follow. */
  needElement: boolean;
  /** Split arrays: the keys from the root to this array. */
  path: readonly string[];
}

interface OpenElement {
  path: readonly string[];
  position: Position;
  pieces: string[];
  depth: number;
  inString: boolean;
  /** Backslashes at the end of the text read so far inside the current string. */
  trailingBackslashes: number;
  kind: 'container' | 'string' | 'scalar';
}

const MAX_SPLIT_DEPTH = 3;
/** Largest unfinished element checked for an earlier error (in UTF-16 units). */
const MAX_CHECKED_ELEMENT = 64 * 1024 * 1024;

const DELIMITERS = new Set([',', ']', '}', ':', ' ', '\t', '\r', '\n']);

export class JsonSplitter {
  private buffer = '';
  private line = 1;
  private column = 1;
  private readonly frames: Frame[] = [];
  private element: OpenElement | undefined;
  private readonly envelope: string[] = [];
  private envelopeLength = 0;
  /** Envelope offsets and the input positions they came from, to place envelope errors. */
  private readonly segments: Array<{ offset: number; position: Position }> = [];
  private started = false;
  /** Where the top-level value starts, once seen. */
  rootPosition: Position | undefined;

  constructor(
    private readonly file: string,
    private readonly onElement: (element: SplitElement) => void,
  ) {}

  push(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = ` ${chunk.slice(1)}`;
    }
    this.buffer = this.buffer === '' ? chunk : this.buffer + chunk;
    this.process(false);
  }

  /** Ends the input; returns the parsed envelope (split arrays empty). */
  end(): unknown {
    this.process(true);
    if (this.element) this.failInside(this.element);
    if (this.frames.length > 0) this.fail('more input (the document ends too early)', 'end of input');
    const text = this.envelope.join('');
    if (text.trim() === '') this.fail('a JSON document', 'an empty input');
    try {
      return JSON.parse(text);
    } catch {
      const error = findJsonSyntaxError(text) ?? { offset: 0, expected: 'valid JSON', found: 'something else' };
      const position = this.envelopePosition(text, error.offset);
      throw new InputError(this.file, `invalid JSON: expected ${error.expected}, found ${error.found}`, position.line, position.column);
    }
  }

  private process(final: boolean): void {
    const text = this.buffer;
    let i = 0;
    while (i < text.length) {
      if (this.element) {
        i = this.scanElement(text, i);
        continue;
      }
      const next = this.scanEnvelope(text, i, final);
      if (next === undefined) break; // an incomplete token: wait for more input
      i = next;
    }
    this.buffer = text.slice(i);
  }

  /** One envelope token at i; returns the offset after it, or undefined when it is cut off. */
  private scanEnvelope(text: string, i: number, final: boolean): number | undefined {
    const c = text[i]!;
    const top = this.frames[this.frames.length - 1];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (!top?.split) this.emitEnvelope(c);
      this.advance(c);
      return i + 1;
    }
    if (top?.split) return this.splitArrayToken(text, i, top);
    if (c === '"') {
      const end = stringEnd(text, i + 1, 0);
      if (end === -1) return final ? this.envelopeToken(text, i, text.length) : undefined;
      const token = text.slice(i, end + 1);
      if (top?.kind === 'object' && top.expectKey) {
        top.key = parseKey(token);
        top.expectKey = false;
      }
      return this.envelopeToken(text, i, end + 1);
    }
    if (c === '{' || c === '[') {
      this.rootPosition ??= { line: this.line, column: this.column };
      const path = this.keyPath();
      const split = c === '[' && path !== undefined && path.length <= MAX_SPLIT_DEPTH;
      this.frames.push({ kind: c === '{' ? 'object' : 'array', key: undefined, expectKey: c === '{', split, afterElement: false, needElement: false, path: path ?? [] });
      return this.envelopeToken(text, i, i + 1);
    }
    if (c === '}' || c === ']') {
      this.frames.pop();
      return this.envelopeToken(text, i, i + 1);
    }
    if (c === ',' && top?.kind === 'object') {
      top.expectKey = true;
      top.key = undefined;
    }
    if (c === ',' || c === ':') return this.envelopeToken(text, i, i + 1);
    let end = i + 1;
    while (end < text.length && !DELIMITERS.has(text[end]!)) end++;
    if (end === text.length && !final) return undefined;
    return this.envelopeToken(text, i, end);
  }

  private splitArrayToken(text: string, i: number, frame: Frame): number {
    const c = text[i]!;
    if (c === ']') {
      if (frame.needElement) this.fail(VALUE, "']'");
      this.frames.pop();
      return this.envelopeToken(text, i, i + 1);
    }
    if (c === ',') {
      if (!frame.afterElement) this.fail(`${VALUE} or ']'`, "','");
      frame.afterElement = false;
      frame.needElement = true;
      this.advance(c);
      return i + 1;
    }
    if (frame.afterElement) this.fail("',' or ']'", describe(c));
    frame.afterElement = true;
    frame.needElement = false;
    const kind = c === '{' || c === '[' ? 'container' : c === '"' ? 'string' : 'scalar';
    this.element = { path: frame.path, position: { line: this.line, column: this.column }, pieces: [], depth: 0, inString: false, trailingBackslashes: 0, kind };
    return this.scanElement(text, i);
  }

  /** Reads element text from i; returns where it stopped (the element's end, or the chunk's). */
  private scanElement(text: string, i: number): number {
    const element = this.element!;
    const start = i;
    let j = i;
    let done = false;
    if (element.pieces.length === 0 && element.depth === 0 && !element.inString) {
      // First character of the element.
      if (element.kind === 'container') element.depth = 1;
      else if (element.kind === 'string') element.inString = true;
      if (element.kind !== 'scalar') j++;
    }
    while (j < text.length && !done) {
      if (element.inString) {
        const quote = stringEnd(text, j, element.trailingBackslashes);
        if (quote === -1) {
          element.trailingBackslashes = countTrailingBackslashes(text, j, text.length, element.trailingBackslashes);
          j = text.length;
          break;
        }
        element.trailingBackslashes = 0;
        element.inString = false;
        j = quote + 1;
        if (element.kind === 'string') done = true;
        continue;
      }
      const c = text.charCodeAt(j);
      if (element.kind === 'scalar') {
        if (DELIMITERS.has(text[j]!)) {
          done = true;
          break;
        }
      } else if (c === 0x22) {
        element.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        element.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        element.depth--;
        if (element.depth === 0) done = true;
      }
      j++;
    }
    const piece = text.slice(start, j);
    element.pieces.push(piece);
    this.advance(piece);
    if (done) {
      this.element = undefined;
      this.onElement({ path: element.path, text: element.pieces.length === 1 ? piece : element.pieces.join(''), position: element.position });
    }
    return j;
  }

  private envelopeToken(text: string, start: number, end: number): number {
    this.emitEnvelope(text.slice(start, end));
    this.advance(text.slice(start, end));
    return end;
  }

  private emitEnvelope(token: string): void {
    this.segments.push({ offset: this.envelopeLength, position: { line: this.line, column: this.column } });
    this.envelope.push(token);
    this.envelopeLength += token.length;
  }

  /** Keys from the root to here when every open container is an object; else undefined. */
  private keyPath(): string[] | undefined {
    const path: string[] = [];
    for (let k = 0; k < this.frames.length; k++) {
      const frame = this.frames[k]!;
      if (frame.kind === 'array') return undefined;
      if (frame.key === undefined) return undefined;
      path.push(frame.key);
    }
    return path;
  }

  private advance(text: string): void {
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.column += text.length;
      return;
    }
    let last = newline;
    while (newline !== -1) {
      this.line++;
      last = newline;
      newline = text.indexOf('\n', newline + 1);
    }
    this.column = text.length - last;
  }

  private envelopePosition(text: string, offset: number): Position {
    let segment = this.segments[0] ?? { offset: 0, position: { line: 1, column: 1 } };
    for (const candidate of this.segments) {
      if (candidate.offset > offset) break;
      segment = candidate;
    }
    let { line, column } = segment.position;
    for (let k = segment.offset; k < offset; k++) {
      if (text[k] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    return { line, column };
  }

  /**
   * The input ended inside an element. Its depth was only counted, so a wrong
   * bracket or value earlier in it goes unseen until here: the element read so
   * far is checked for the first wrong character before blaming the end.
   */
  private failInside(element: OpenElement): never {
    const length = element.pieces.reduce((sum, piece) => sum + piece.length, 0);
    // A giant element is not joined into one string on this path: the end is blamed.
    const error = length <= MAX_CHECKED_ELEMENT ? findJsonSyntaxError(element.pieces.join('')) : undefined;
    if (error === undefined || error.offset >= length) this.fail('more input (the document ends too early)', 'end of input');
    const text = element.pieces.join('');
    const [at] = positionsOf(text, [error.offset], element.position.line);
    const column = at!.line === element.position.line ? at!.column + element.position.column - 1 : at!.column;
    throw new InputError(this.file, `invalid JSON: expected ${error.expected}, found ${error.found}`, at!.line, column);
  }

  private fail(expected: string, found: string): never {
    throw new InputError(this.file, `invalid JSON: expected ${expected}, found ${found}`, this.line, this.column);
  }
}

/** Offset of the closing quote at or after `from` (not escaped), or -1 if the text ends first. */
function stringEnd(text: string, from: number, carriedBackslashes: number): number {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    const backslashes = countTrailingBackslashes(text, from, quote, carriedBackslashes);
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/** Backslashes directly before `end` (down to `from`, then those carried from the previous chunk). */
function countTrailingBackslashes(text: string, from: number, end: number, carried: number): number {
  let count = 0;
  let k = end - 1;
  while (k >= from && text.charCodeAt(k) === 0x5c) {
    count++;
    k--;
  }
  return k < from ? count + carried : count;
}

function parseKey(token: string): string {
  try {
    return JSON.parse(token) as string;
  } catch {
    return token;
  }
}

function describe(c: string): string {
  return `'${c}'`;
}
