import { constants } from 'node:buffer';
import { columnsAfter, firstNonBlank, newlinesIn } from './blank.js';
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
 *
 * Memory is bounded by what is kept, never by padding: whitespace between
 * elements is dropped, a run of whitespace in the envelope is kept as its first
 * character, and a chunk is consumed whole (a token cut by a chunk's end is
 * carried as state, not as text to scan again). The envelope may hold at most
 * `maxEnvelope` characters and an element `maxElement` (the longest string V8
 * makes): beyond either, an InputError at the token, not an aborted process.
 */
export interface SplitElement {
  /** Object keys from the root to the array; [] for a root array. */
  path: readonly string[];
  text: string;
  /** Where the element starts in the input. */
  position: Position;
}

export interface SplitLimits {
  /** Longest element of a split array, in UTF-16 units: each is one string. */
  maxElement?: number;
  /** Most text kept outside the split arrays, in UTF-16 units. */
  maxEnvelope?: number;
}

/**
 * The envelope of every supported format is a few keys around its span arrays
 * (`{"resourceSpans": []}`, Jaeger's `processes`); 64 Mi characters is far
 * beyond any, and small enough that holding it is never the problem.
 */
export const MAX_ENVELOPE_CHARACTERS = 64 * 1024 * 1024;
export const MAX_ELEMENT_CHARACTERS = constants.MAX_STRING_LENGTH;

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

/** Text being read that a chunk's end may cut: an element of a split array, or a string or scalar of the envelope. */
interface OpenText {
  kind: 'container' | 'string' | 'scalar';
  /** An element's text is collected and handed over; an envelope token's goes to the envelope as it comes. */
  element: boolean;
  /** An envelope string where an object key goes: its text is collected to know the key. */
  key: boolean;
  path: readonly string[];
  position: Position;
  pieces: string[];
  length: number;
  /** Containers: open brackets. */
  depth: number;
  inString: boolean;
  /** Backslashes at the end of the text read so far inside the current string. */
  trailingBackslashes: number;
}

const MAX_SPLIT_DEPTH = 3;
/** Largest unfinished element checked for an earlier error (in UTF-16 units). */
const MAX_CHECKED_ELEMENT = 64 * 1024 * 1024;

const DELIMITERS = new Set([',', ']', '}', ':', ' ', '\t', '\r', '\n']);

export class JsonSplitter {
  private line = 1;
  private column = 1;
  private readonly frames: Frame[] = [];
  private open: OpenText | undefined;
  private readonly envelope: string[] = [];
  private envelopeLength = 0;
  /**
   * Where the envelope resumes after input that was not kept (split elements,
   * the rest of a whitespace run), as flat (envelope offset, line, column)
   * triples: between two of them the envelope is the input verbatim, so an
   * error's position is found by counting from the one before it.
   */
  private readonly resumes: number[] = [];
  /** Whether the envelope so far ends where the input read so far does. */
  private contiguous = false;
  /** The last envelope text kept is the first character of a whitespace run not yet ended. */
  private inBlankRun = false;
  private started = false;
  private readonly maxElement: number;
  private readonly maxEnvelope: number;
  /** Where the top-level value starts, once seen. */
  rootPosition: Position | undefined;

  constructor(
    private readonly file: string,
    private readonly onElement: (element: SplitElement) => void,
    limits: SplitLimits = {},
  ) {
    this.maxElement = limits.maxElement ?? MAX_ELEMENT_CHARACTERS;
    this.maxEnvelope = limits.maxEnvelope ?? MAX_ENVELOPE_CHARACTERS;
  }

  push(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = ` ${chunk.slice(1)}`;
    }
    let i = 0;
    while (i < chunk.length) i = this.open ? this.scanOpen(chunk, i) : this.scanEnvelope(chunk, i);
  }

  /** Ends the input; returns the parsed envelope (split arrays empty). */
  end(): unknown {
    if (this.open?.element) this.failInside(this.open);
    // An envelope scalar ends with the input (its text is already kept); a string is still open.
    if (this.open?.kind === 'scalar') this.open = undefined;
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

  /** Envelope text from i: one token, or a whole whitespace run; returns the offset after it. */
  private scanEnvelope(text: string, i: number): number {
    const c = text[i]!;
    const top = this.frames[this.frames.length - 1];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      const end = blankEnd(text, i);
      // One character keeps tokens apart; the rest of the run is not kept.
      if (top?.split || this.inBlankRun) this.contiguous = false;
      else {
        this.keep(c);
        this.inBlankRun = true;
        if (end - i > 1) this.contiguous = false;
      }
      this.line += newlinesIn(text, i, end);
      this.column = columnsAfter(this.column - 1, text, i, end) + 1;
      return end;
    }
    this.inBlankRun = false;
    if (top?.split) return this.splitArrayToken(text, i, top);
    if (c === '"' || !'{[}],:'.includes(c)) {
      const key = c === '"' && top?.kind === 'object' && top.expectKey;
      this.open = { kind: c === '"' ? 'string' : 'scalar', element: false, key, path: [], position: this.here(), pieces: [], length: 0, depth: 0, inString: false, trailingBackslashes: 0 };
      return this.scanOpen(text, i);
    }
    if (c === '{' || c === '[') {
      this.rootPosition ??= this.here();
      const path = this.keyPath();
      const split = c === '[' && path !== undefined && path.length <= MAX_SPLIT_DEPTH;
      this.frames.push({ kind: c === '{' ? 'object' : 'array', key: undefined, expectKey: c === '{', split, afterElement: false, needElement: false, path: path ?? [] });
    } else if (c === '}' || c === ']') {
      this.frames.pop();
    } else if (c === ',' && top?.kind === 'object') {
      top.expectKey = true;
      top.key = undefined;
    }
    this.keep(c);
    this.column++;
    return i + 1;
  }

  private splitArrayToken(text: string, i: number, frame: Frame): number {
    const c = text[i]!;
    if (c === ']') {
      if (frame.needElement) this.fail(VALUE, "']'");
      this.frames.pop();
      this.keep(c);
      this.column++;
      return i + 1;
    }
    this.contiguous = false;
    if (c === ',') {
      if (!frame.afterElement) this.fail(`${VALUE} or ']'`, "','");
      frame.afterElement = false;
      frame.needElement = true;
      this.column++;
      return i + 1;
    }
    if (frame.afterElement) this.fail("',' or ']'", describe(c));
    frame.afterElement = true;
    frame.needElement = false;
    const kind = c === '{' || c === '[' ? 'container' : c === '"' ? 'string' : 'scalar';
    this.open = { kind, element: true, key: false, path: frame.path, position: this.here(), pieces: [], length: 0, depth: 0, inString: false, trailingBackslashes: 0 };
    return this.scanOpen(text, i);
  }

  /** Reads the open element or token from i; returns where it stopped (its end, or the chunk's). */
  private scanOpen(text: string, i: number): number {
    const open = this.open!;
    const start = i;
    let j = i;
    let done = false;
    if (open.length === 0 && open.depth === 0 && !open.inString) {
      // First character.
      if (open.kind === 'container') open.depth = 1;
      else if (open.kind === 'string') open.inString = true;
      if (open.kind !== 'scalar') j++;
    }
    while (j < text.length && !done) {
      if (open.inString) {
        const quote = stringEnd(text, j, open.trailingBackslashes);
        if (quote === -1) {
          open.trailingBackslashes = countTrailingBackslashes(text, j, text.length, open.trailingBackslashes);
          j = text.length;
          break;
        }
        open.trailingBackslashes = 0;
        open.inString = false;
        j = quote + 1;
        if (open.kind === 'string') done = true;
        continue;
      }
      const c = text.charCodeAt(j);
      if (open.kind === 'scalar') {
        if (DELIMITERS.has(text[j]!)) {
          done = true;
          break;
        }
      } else if (c === 0x22) {
        open.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        open.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        open.depth--;
        if (open.depth === 0) done = true;
      }
      j++;
    }
    const piece = text.slice(start, j);
    if (open.element) {
      if (open.length + piece.length > this.maxElement) this.elementTooLong(open);
      open.pieces.push(piece);
    } else {
      if (this.envelopeLength + piece.length > this.maxEnvelope) this.envelopeTooLong(open.position, open.kind === 'scalar' ? 'value' : open.key ? 'property name' : 'string');
      this.keep(piece);
      if (open.key) open.pieces.push(piece);
    }
    open.length += piece.length;
    this.advance(text, start, j);
    if (done) this.close(open);
    return j;
  }

  private close(open: OpenText): void {
    this.open = undefined;
    const text = open.pieces.length === 1 ? open.pieces[0]! : open.pieces.join('');
    if (open.element) {
      this.onElement({ path: open.path, text, position: open.position });
      return;
    }
    const top = this.frames[this.frames.length - 1];
    if (open.key && top) {
      top.key = parseKey(text);
      top.expectKey = false;
    }
  }

  /** Envelope text; where input was skipped before it, a resume point. */
  private keep(text: string): void {
    if (this.envelopeLength + text.length > this.maxEnvelope) this.envelopeTooLong(this.here(), 'text');
    if (!this.contiguous) {
      this.resumes.push(this.envelopeLength, this.line, this.column);
      this.contiguous = true;
    }
    this.envelope.push(text);
    this.envelopeLength += text.length;
  }

  private here(): Position {
    return { line: this.line, column: this.column };
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

  /** Moves the position over text[from, to). */
  private advance(text: string, from: number, to: number): void {
    let newline = text.indexOf('\n', from);
    if (newline === -1 || newline >= to) {
      this.column += to - from;
      return;
    }
    let last = newline;
    while (newline !== -1 && newline < to) {
      this.line++;
      last = newline;
      newline = text.indexOf('\n', newline + 1);
    }
    this.column = to - last;
  }

  private envelopePosition(text: string, offset: number): Position {
    let at = -1;
    for (let k = 0; k < this.resumes.length && this.resumes[k]! <= offset; k += 3) at = k;
    let [from, line, column] = at === -1 ? [0, 1, 1] : [this.resumes[at]!, this.resumes[at + 1]!, this.resumes[at + 2]!];
    for (; from < offset; from++) {
      if (text[from] === '\n') {
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
  private failInside(element: OpenText): never {
    // A giant element is not joined into one string on this path: the end is blamed.
    const error = element.length <= MAX_CHECKED_ELEMENT ? findJsonSyntaxError(element.pieces.join('')) : undefined;
    if (error === undefined || error.offset >= element.length) this.fail('more input (the document ends too early)', 'end of input');
    const text = element.pieces.join('');
    const [at] = positionsOf(text, [error.offset], element.position.line);
    const column = at!.line === element.position.line ? at!.column + element.position.column - 1 : at!.column;
    throw new InputError(this.file, `invalid JSON: expected ${error.expected}, found ${error.found}`, at!.line, column);
  }

  /** An element past the longest string: said at its start. */
  private elementTooLong(open: OpenText): never {
    const { line, column } = open.position;
    const reason = `this element of the ${describeArray(open.path)} array is longer than ${this.maxElement} characters: each element of a span array is parsed as one string, and that is the most one can hold`;
    throw new InputError(this.file, reason, line, column);
  }

  /** The envelope past its limit: said at the token that passes it. */
  private envelopeTooLong({ line, column }: Position, what: string): never {
    const reason =
      `expected at most ${this.maxEnvelope} characters outside the span arrays (resourceSpans, batches, data, spans or a top-level array), ` +
      `found more with this ${what}: tracelint holds the rest of a document whole, and a trace export keeps little but its spans`;
    throw new InputError(this.file, reason, line, column);
  }

  private fail(expected: string, found: string): never {
    throw new InputError(this.file, `invalid JSON: expected ${expected}, found ${found}`, this.line, this.column);
  }
}


/** The end of the whitespace run that starts at `from`. */
function blankEnd(text: string, from: number): number {
  const end = firstNonBlank(text, from + 1);
  return end === -1 ? text.length : end;
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

function describeArray(path: readonly string[]): string {
  return path.length === 0 ? 'top-level' : `"${path.join('.')}"`;
}
