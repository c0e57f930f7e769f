import type { FormatName } from '../model/span.js';
import type { Decoder } from './decoder.js';
import { InputError } from './errors.js';
import { otherSignalOf } from './signals.js';
import { jaegerDecoder } from './jaeger.js';
import { otlpJsonDecoder, tempoDecoder } from './otlp.js';
import { zipkinDecoder } from './zipkin.js';

/** Whole-document formats, in the order detection tries them. */
export const DOCUMENT_DECODERS: readonly Decoder[] = [otlpJsonDecoder, tempoDecoder, jaegerDecoder, zipkinDecoder];

export const FORMAT_NAMES: readonly FormatName[] = ['otlp-json', 'otlp-jsonl', 'jaeger', 'zipkin', 'tempo', 'otlp-proto'];

/**
 * The format a file's name says, where the bytes cannot: binary protobuf has no
 * magic number (and may start with a newline byte), so `.pb`/`.binpb` (and
 * their .gz) are protobuf. Everything else is detected from its content.
 */
export function formatFromName(name: string): FormatName | undefined {
  return /\.(pb|binpb)(\.gz)?$/i.test(name) ? 'otlp-proto' : undefined;
}

/**
 * Documents people point the tool at that are not trace exports, each with
 * what it is and what to read instead: said plainly rather than listing formats.
 */
function notATrace(value: unknown): string | undefined {
  const signal = otherSignalOf(value);
  if (signal) return `this is an OTLP ${signal} export, not traces: give the traces of the same pipeline (resourceSpans)`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const traces = (value as Record<string, unknown>).traces;
  const first: unknown = Array.isArray(traces) ? traces[0] : undefined;
  if (typeof first === 'object' && first !== null && 'traceID' in first && ('rootServiceName' in first || 'spanSet' in first || 'spanSets' in first)) {
    return 'this is a Tempo search response (a summary per trace: traceID, rootServiceName, spanSets), not the traces themselves: fetch each trace by id (GET /api/traces/<traceID>) and check that';
  }
  return undefined;
}

/** The decoder for a parsed document, or an InputError that says what it is instead or lists what was tried. */
export function detectDecoder(value: unknown, file: string): Decoder {
  const decoder = DOCUMENT_DECODERS.find((candidate) => candidate.matches(value));
  if (decoder) return decoder;
  const known = notATrace(value);
  if (known) throw new InputError(file, `not a trace export: ${known}`);
  const tried = DOCUMENT_DECODERS.map((candidate) => `  ${candidate.format}: ${candidate.shape}`).join('\n');
  throw new InputError(file, `unknown trace format; tried:\n${tried}\n  otlp-jsonl: one OTLP/JSON request per line\n(use --format to force one)`);
}

export function decoderFor(format: FormatName): Decoder | undefined {
  return DOCUMENT_DECODERS.find((candidate) => candidate.format === format);
}

/**
 * JSON lines: the first non-blank line is a whole JSON value on its own and more
 * non-blank lines follow. A pretty-printed document never has that shape.
 */
export function looksLikeJsonLines(text: string): boolean {
  let start = 0;
  while (start < text.length && /\s/.test(text[start]!)) start++;
  const end = text.indexOf('\n', start);
  if (end === -1 || text[start] !== '{') return false;
  if (text.slice(end).trim() === '') return false;
  try {
    JSON.parse(text.slice(start, end));
    return true;
  } catch {
    return false;
  }
}
