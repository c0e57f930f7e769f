import { isAscii } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FormatName, Span } from '../model/span.js';
import { attachPositions, type Decoder, type SpanTarget } from './decoder.js';
import { decoderFor, detectDecoder } from './detect.js';
import { InputError } from './errors.js';
import { parsePrepared, prepareDocument, type Position, type PreparedDocument } from './json.js';
import { JsonLines } from './otlp-jsonl.js';
import type { SkippedSignals } from './signals.js';
import { JsonSplitter, type SplitElement } from './split.js';
import { finishDocument } from './zipkin-merge.js';
import { FormatDecider } from './format-decider.js';
import { LineSplitter } from './line-splitter.js';

/**
 * Reads one input as a stream: gzip is detected by its magic bytes and inflated
 * on the fly, UTF-8 is decoded incrementally, JSON lines are decoded line by
 * line, and a JSON document is split into the elements of its span arrays
 * (see JsonSplitter), each decoded as soon as it is complete. No input is ever
 * held as one string, so size is bounded by the spans kept, not by V8's
 * string limit.
 */
export interface StreamedInput {
  format: FormatName;
  /** The spans, when no `into` was given (else they went there). */
  spans: Span[];
  /** How many spans the input gave. */
  spanCount: number;
  /** Bad JSON lines; the other lines were read. */
  problems: InputError[];
  /** JSON lines of other OTLP signals (logs, metrics) that were skipped. */
  skipped: SkippedSignals;
  /** Zipkin: parts of spans sent in pieces, merged into their spans. */
  mergedParts: number;
  /** Bytes read from the source (compressed size for gzip). */
  bytes: number;
  compressed: boolean;
}

export interface StreamReadOptions {
  format?: FormatName;
  /** Largest decompressed size accepted, against gzip bombs. */
  maxBytes?: number;
  /** Called as bytes are read, for progress display. */
  onProgress?: (bytesRead: number, spans: number) => void;
  /** Called after each chunk with the spans read so far; throws to stop reading (the heap is full). */
  checkMemory?: (spans: number) => void;
  /** Where the spans go, in order (a span store); by default a new list, the result's `spans`. */
  into?: SpanTarget;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 ** 3;

export async function readStreamed(source: Readable, file: string, options: StreamReadOptions = {}): Promise<StreamedInput> {
  const state = { rawBytes: 0, compressed: false };
  const spans: Span[] = [];
  const target = options.into ?? spans;
  const before = target.length;
  const sink = new SpanSink(file, options.format, target);
  for await (const text of decodedText(source, file, options.maxBytes ?? DEFAULT_MAX_BYTES, state)) {
    sink.push(text);
    options.onProgress?.(state.rawBytes, target.length - before);
    options.checkMemory?.(target.length - before);
  }
  sink.end();
  return { format: sink.format(), spans, spanCount: target.length - before, problems: sink.problems, skipped: sink.skipped(), mergedParts: sink.mergedParts(), bytes: state.rawBytes, compressed: state.compressed };
}

/**
 * The source's text, chunk by chunk: inflated when gzip, UTF-8 decoded
 * incrementally, refused when UTF-16, invalid UTF-8 or larger than maxBytes.
 * Empty chunks are skipped.
 */
export async function* decodedText(source: Readable, file: string, maxBytes: number, state: { rawBytes: number; compressed: boolean }): AsyncGenerator<string> {
  let decodedBytes = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  // Whether the decoder may hold the first bytes of a character cut by the last chunk's end.
  let pending = false;
  for await (const bytes of inflated(source, file, state)) {
    decodedBytes += bytes.length;
    if (decodedBytes > maxBytes) throw tooLargeError(file, maxBytes);
    if (decodedBytes === bytes.length) rejectUtf16(bytes, file);
    // ASCII is its own UTF-8: copied as Latin-1 at memory speed (a fifth of the reader worker's time
    // went to UTF-8), once the decoder has seen the start (a byte order mark) and holds nothing.
    if (decodedBytes > bytes.length && !pending && isAscii(bytes)) {
      if (bytes.length > 0) yield bytes.toString('latin1');
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes, { stream: true });
      pending = endsInsideCharacter(bytes);
    } catch {
      throw new InputError(file, `invalid UTF-8 in the bytes ${decodedBytes - bytes.length}..${decodedBytes}`);
    }
    if (text !== '') yield text;
  }
  let rest: string;
  try {
    rest = utf8.decode();
  } catch {
    throw new InputError(file, 'invalid UTF-8: the input ends inside a character');
  }
  if (rest !== '') yield rest;
}

/** Whether UTF-8 bytes end in the middle of a character (a lead byte whose continuation bytes have not all come). */
export function endsInsideCharacter(bytes: Uint8Array): boolean {
  for (let back = 1; back <= 4 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return false;
    if (byte >= 0xc0) return back < (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return true;
}

export function tooLargeError(file: string, maxBytes: number): InputError {
  return new InputError(file, `input is larger than the limit of ${maxBytes} bytes after decompression (a gzip bomb?); raise it with --max-input-bytes if it is genuine`);
}

/** The source's bytes, inflated when they start with the gzip magic bytes. */
export async function* inflated(source: Readable, file: string, state: { rawBytes: number; compressed: boolean }): AsyncGenerator<Buffer> {
  const counted = (async function* () {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      state.rawBytes += buffer.length;
      yield buffer;
    }
  })();
  const first = await counted.next();
  if (first.done) return;
  if (first.value[0] !== 0x1f || first.value[1] !== 0x8b) {
    yield first.value;
    yield* counted;
    return;
  }
  state.compressed = true;
  const gunzip = createGunzip();
  const feed = (async () => {
    gunzip.write(first.value);
    for await (const chunk of counted) {
      if (!gunzip.write(chunk)) await new Promise((resolve) => gunzip.once('drain', resolve));
    }
    gunzip.end();
  })();
  feed.catch((error: unknown) => gunzip.destroy(error as Error));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    throw new InputError(file, `invalid gzip data: ${(error as Error).message}`);
  }
  await feed;
}

function rejectUtf16(bytes: Buffer, file: string): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(file, 'the file is UTF-16; tracelint reads UTF-8 (convert it with iconv -f UTF-16 -t UTF-8)');
  }
}

/**
 * Receives text and decides once, from the first line, whether it is JSON lines
 * or one document; then decodes as it goes.
 */
class SpanSink {
  private readonly decider = new FormatDecider();
  private lines: LineReader | undefined;
  private document: DocumentReader | undefined;
  private mode: ReadingMode;

  constructor(
    private readonly file: string,
    private readonly forced: FormatName | undefined,
    private readonly spans: SpanTarget,
  ) {
    this.mode = modeFor(forced);
  }

  push(text: string): void {
    if (this.mode !== 'undecided') return this.reader().push(text);
    const decided = this.decider.decide(text);
    if (decided === undefined) return;
    this.mode = decided;
    const reader = this.reader();
    this.decider.handOver((head) => reader.push(head));
  }

  end(): void {
    if (this.mode === 'undecided') {
      this.mode = 'document';
      const reader = this.reader();
      this.decider.handOver((head) => reader.push(head));
    }
    this.reader().end();
  }

  format(): FormatName {
    return this.mode === 'lines' ? 'otlp-jsonl' : this.document!.format();
  }

  get problems(): InputError[] {
    return this.lines?.lines.problems ?? [];
  }

  skipped(): SkippedSignals {
    return this.lines?.lines.skipped ?? {};
  }

  mergedParts(): number {
    return this.document?.mergedParts ?? 0;
  }

  private reader(): LineReader | DocumentReader {
    if (this.mode === 'lines') return (this.lines ??= new LineReader(this.file, this.spans));
    return (this.document ??= new DocumentReader(this.file, this.spans, this.forced));
  }
}

export type ReadingMode = 'undecided' | 'lines' | 'document';

/** How a forced format is read; without one, the head of the input decides. */
export function modeFor(forced: FormatName | undefined): ReadingMode {
  if (forced === undefined) return 'undecided';
  return forced === 'otlp-jsonl' ? 'lines' : 'document';
}

/** OTLP JSON lines: each complete line decoded on its own; a bad line is a problem, not the end. */
class LineReader {
  readonly lines: JsonLines<SpanTarget>;
  private readonly splitter = new LineSplitter(
    (line) => this.lines.text(line),
    (lineNumber, maxLine) => this.lines.lineTooLong(lineNumber, maxLine),
  );

  constructor(file: string, spans: SpanTarget) {
    this.lines = new JsonLines(file, spans);
  }

  push(text: string): void {
    this.splitter.push(text);
  }

  end(): void {
    this.splitter.end();
  }
}

/**
 * One JSON document, split into span-array elements. Each element is wrapped
 * back into the document's shape (`{"resourceSpans": [element]}`) and decoded
 * at once, so its raw JSON can be dropped. A shape whose elements do not decode
 * on their own (a bare Jaeger trace keeps `processes` beside its spans) is
 * assembled whole at the end instead.
 */
export class DocumentReader {
  private readonly splitter: JsonSplitter;
  private decoder: Decoder | undefined;
  /** The array (keys joined) whose elements hold the spans, once known. */
  private spanPath: string | undefined;
  /** Zipkin: parts of spans merged into their spans when the document ended. */
  mergedParts = 0;
  /** Elements not decoded alone: other arrays of the envelope, or all when the shape needs assembly. */
  private readonly held: Array<{ path: readonly string[]; value: unknown; positions: Position[]; position: Position }> = [];
  /** Zipkin spans, held until the document ends: parts of one span are merged then. */
  private readonly parts: Span[] = [];

  constructor(
    private readonly file: string,
    private readonly spans: SpanTarget,
    private readonly forced: FormatName | undefined,
  ) {
    this.splitter = new JsonSplitter(file, (element) => this.element(element));
  }

  push(text: string): void {
    this.splitter.push(text);
  }

  end(): void {
    const envelope = this.splitter.end();
    this.finish(envelope, this.splitter.rootPosition);
  }

  /** The end of the document: its envelope, and where its root value starts. */
  private finish(envelope: unknown, root: Position | undefined): void {
    this.decodeRest(envelope, root);
    // Spans that need the whole document (Zipkin's parts of one span) go out now, finished.
    const { spans, merged } = finishDocument(this.format(), this.parts);
    for (const span of spans) this.spans.push(span);
    this.parts.length = 0;
    this.mergedParts = merged;
  }

  private decodeRest(envelope: unknown, root: Position | undefined): void {
    if (this.decoder !== undefined) {
      const stray = this.held.find((element) => element.path.join('\u0000') === this.spanPath);
      if (stray) throw new InputError(this.file, `not ${this.decoder.format}: expected ${this.decoder.shape}`, stray.position.line, stray.position.column);
      return;
    }
    // No element decoded alone: decode the reassembled document as a whole.
    const positions: Position[] = [];
    for (const element of this.held) {
      let target: unknown = envelope;
      for (const key of element.path) target = (target as Record<string, unknown>)[key];
      (target as unknown[]).push(element.value);
      positions.push(...element.positions);
    }
    const decoder = this.forced ? decoderFor(this.forced) : detectDecoder(envelope, this.file);
    if (!decoder) throw new InputError(this.file, `format ${this.forced} cannot be read from a JSON document`);
    if (!decoder.matches(envelope)) throw new InputError(this.file, `not ${decoder.format}: expected ${decoder.shape}`);
    this.decoder = decoder;
    this.emit(decoder.decode(envelope, { file: this.file, format: decoder.format, positions, ...(root ? { rootPosition: root } : {}) }), positions);
  }

  format(): FormatName {
    return this.decoder?.format ?? this.forced ?? 'otlp-json';
  }

  private element(element: SplitElement): void {
    this.preparedElement(element.path, element.position, prepareDocument(element.text, element.position.line));
  }

  /** An element of a split array, made ready for JSON.parse. */
  private preparedElement(path: readonly string[], position: Position, prepared: PreparedDocument): void {
    const element = { path, position };
    const { value, positions } = parseElement(element, prepared, this.file);
    const pathKey = element.path.join('\u0000');
    const wrapped = wrap(element.path, value);
    if (this.spanPath === undefined) {
      const decoder = this.chooseDecoder(wrapped);
      if (decoder !== undefined && decoder.matches(wrapped)) {
        this.decoder = decoder;
        this.spanPath = pathKey;
      }
    }
    if (this.decoder === undefined || pathKey !== this.spanPath || !this.decoder.matches(wrapped)) {
      this.held.push({ path: element.path, value, positions, position: element.position });
      return;
    }
    this.emit(this.decoder.decode(wrapped, { file: this.file, format: this.decoder.format, positions }), positions);
  }

  private emit(spans: Span[], positions: Position[]): void {
    attachPositions(spans, positions);
    const target = this.decoder?.format === 'zipkin' ? this.parts : this.spans;
    for (const span of spans) target.push(span);
  }

  /** The decoder for a wrapped element, or undefined when the element alone says nothing. */
  private chooseDecoder(wrapped: unknown): Decoder | undefined {
    if (this.forced) return decoderFor(this.forced);
    try {
      return detectDecoder(wrapped, this.file);
    } catch {
      return undefined;
    }
  }
}

/** The element inside the document's shape: [el], {"k": [el]}, {"a": {"b": [el]}}. */
function wrap(path: readonly string[], value: unknown): unknown {
  let wrapped: unknown = [value];
  for (let k = path.length - 1; k >= 0; k--) wrapped = { [path[k]!]: wrapped };
  return wrapped;
}

/** Parses an element; positions and errors are placed in the whole input. */
function parseElement(element: Omit<SplitElement, 'text'>, prepared: PreparedDocument, file: string): { value: unknown; positions: Position[] } {
  const { line, column } = element.position;
  const place = (position: Position): Position => (position.line === line ? { line, column: position.column + column - 1 } : position);
  try {
    const { value, spanPositions } = parsePrepared(prepared, file);
    // An element of a root array or of a `spans` array is itself a span (Zipkin, Jaeger).
    const isSpan = element.path.length === 0 || element.path[element.path.length - 1] === 'spans';
    const positions = isSpan ? [element.position] : spanPositions.map(place);
    return { value, positions };
  } catch (error) {
    if (!(error instanceof InputError) || error.line === undefined) throw error;
    const at = place({ line: error.line, column: error.column ?? 1 });
    throw new InputError(file, error.reason, at.line, at.column);
  }
}
