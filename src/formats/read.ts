import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { glob } from 'tinyglobby';
import type { FormatName, Span } from '../model/span.js';
import { TraceSet } from '../model/trace.js';
import { attachPositions } from './decoder.js';
import { decoderFor, detectDecoder, looksLikeJsonLines } from './detect.js';
import { InputError } from './errors.js';
import { parseDocument } from './json.js';
import { decodeOtlpJsonLines } from './otlp-jsonl.js';

export interface ReadOptions {
  /** Skip detection and decode every input as this format. */
  format?: FormatName;
  /** Where `-` reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Resolves relative paths and globs (default process.cwd()). */
  cwd?: string;
}

export interface InputSummary {
  /** The path as given (or `<stdin>`). */
  name: string;
  format: FormatName;
  bytes: number;
  compressed: boolean;
  spanCount: number;
}

export interface ReadResult {
  spans: Span[];
  traces: TraceSet;
  inputs: InputSummary[];
  /** Parts of inputs that could not be read (bad JSON lines); the rest was read. */
  problems: InputError[];
}

export interface DecodedText {
  format: FormatName;
  spans: Span[];
  problems: InputError[];
}

/** Files in a directory that look like trace exports. */
const TRACE_FILE = /\.(json|jsonl|ndjson|txt)(\.gz)?$|\.gz$/i;
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads traces from files, directories, globs and `-` (stdin), gzip included,
 * detecting each input's format. Each input is read exactly once.
 */
export async function readTraces(inputs: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
  const cwd = options.cwd ?? process.cwd();
  const names = await expandInputs(inputs, cwd);
  const spans: Span[] = [];
  const summaries: InputSummary[] = [];
  const problems: InputError[] = [];
  for (const name of names) {
    const raw = name === '-' ? await readStream(options.stdin ?? process.stdin) : await readFileBytes(name, cwd);
    const displayName = name === '-' ? '<stdin>' : name;
    const compressed = raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1];
    const bytes = compressed ? gunzip(raw, displayName) : raw;
    const decoded = decodeText(decodeUtf8(bytes, displayName), displayName, options.format);
    for (const span of decoded.spans) spans.push(span);
    problems.push(...decoded.problems);
    summaries.push({ name: displayName, format: decoded.format, bytes: raw.length, compressed, spanCount: decoded.spans.length });
  }
  return { spans, traces: new TraceSet(spans), inputs: summaries, problems };
}

/** Decodes one input's text: JSON lines, or one JSON document of any supported format. */
export function decodeText(text: string, file: string, format?: FormatName): DecodedText {
  if (format === 'otlp-jsonl' || (format === undefined && looksLikeJsonLines(text))) {
    const { spans, problems } = decodeOtlpJsonLines(text, file);
    return { format: 'otlp-jsonl', spans, problems };
  }
  if (text.trim() === '') throw new InputError(file, 'empty input: expected a JSON trace export');
  const { value, spanPositions } = parseDocument(text, file);
  const decoder = format === undefined ? detectDecoder(value, file) : decoderFor(format);
  if (!decoder) throw new InputError(file, `format ${format} cannot be read from a JSON document`);
  if (!decoder.matches(value)) throw new InputError(file, `not ${decoder.format}: expected ${decoder.shape}`);
  const spans = decoder.decode(value, { file, format: decoder.format, positions: spanPositions });
  attachPositions(spans, spanPositions);
  return { format: decoder.format, spans, problems: [] };
}

/** Files, directories (their trace files, sorted), globs and `-`, each once, in the order given. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (name: string): void => {
    const key = name === '-' ? '-' : path.resolve(cwd, name);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(name);
  };
  for (const input of inputs) {
    if (input === '-') {
      add(input);
      continue;
    }
    const info = await stat(path.resolve(cwd, input)).catch(() => undefined);
    if (info?.isDirectory()) {
      for (const file of await listTraceFiles(path.resolve(cwd, input))) add(path.relative(cwd, file) || file);
    } else if (info === undefined && /[*?[\]{}]/.test(input)) {
      const matches = (await glob(input, { cwd, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) throw new InputError(input, 'no files match this pattern');
      matches.forEach(add);
    } else {
      add(input);
    }
  }
  return out;
}

async function listTraceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && TRACE_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? dir, entry.name))
    .sort();
}

async function readFileBytes(name: string, cwd: string): Promise<Buffer> {
  try {
    return await readStream(createReadStream(path.resolve(cwd, name)));
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${(error as Error).message}`;
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function gunzip(bytes: Buffer, file: string): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new InputError(file, `invalid gzip data: ${(error as Error).message}`);
  }
}

/** UTF-8 only (as every exporter writes); a UTF-16 file is named as such rather than misread. */
function decodeUtf8(bytes: Buffer, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(file, 'the file is UTF-16; tracelint reads UTF-8 (convert it with iconv -f UTF-16 -t UTF-8)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new InputError(file, `invalid UTF-8 at byte ${offset}`);
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // The longest valid prefix, by bisection; `stream` lets a prefix end mid-character.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}
