import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import type { Span } from '../model/span.js';
import { InputError } from './errors.js';
import { decodeOtlp } from './otlp.js';
import { DEFAULT_MAX_BYTES, inflated, tooLargeError, type StreamedInput } from './stream-read.js';

/**
 * OTLP protobuf: a binary ExportTraceServiceRequest, decoded by protobufjs with
 * the official opentelemetry-proto definitions (vendored under proto/), then
 * given the object shape of OTLP/JSON — hex ids, 64-bit integers as decimal
 * strings, enums as numbers, bytes as base64, NaN as "NaN" — so the one OTLP
 * decoder builds the model for both encodings, and a request can be stored as
 * an OTLP JSON line.
 */

/** The vendored .proto files: proto/ at the package root, from src/formats or dist/formats. */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

const TRACE_SERVICE = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';
const REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';

/** Protobuf caps a message at 2 GiB; protobufjs cannot read more. */
const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/** protobufjs, loaded on first use: most runs read no protobuf, and loading it adds ~20 ms to every start. */
let protobufModule: typeof Protobuf | undefined;
function protobuf(): typeof Protobuf {
  return (protobufModule ??= createRequire(import.meta.url)('protobufjs') as typeof Protobuf);
}

const roots = new Map<string, Protobuf.Root>();

/**
 * A protobufjs Root with one vendored file and its imports loaded, parsed once
 * per process. Imports are resolved under proto/ (as protoc's -I would), and
 * google/protobuf/* come bundled with protobufjs.
 */
export function loadProto(file: string): Protobuf.Root {
  let root = roots.get(file);
  if (!root) {
    root = new (protobuf().Root)();
    root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    root.loadSync(file);
    roots.set(file, root);
  }
  return root;
}

export function traceServiceType(name: string): Protobuf.Type {
  return loadProto(TRACE_SERVICE).lookupType(name);
}

/** What toObject gives: the OTLP/JSON shape (ids still base64 until hexIds). */
type Json = Record<string, unknown>;

/**
 * Decodes a binary ExportTraceServiceRequest to the OTLP/JSON object shape.
 * Throws an InputError naming `file` and, where protobufjs knows it, the byte.
 */
export function protoToOtlpJson(bytes: Uint8Array, file: string): Json {
  const type = traceServiceType(REQUEST);
  // Our own reader, so its position says where decoding stopped.
  const reader = protobuf().Reader.create(bytes);
  let request: Json;
  try {
    request = type.toObject(type.decode(reader), { longs: String, enums: Number, bytes: String, json: true });
  } catch (error) {
    throw new InputError(file, `invalid protobuf at byte ${reader.pos}: ${describeProtoError(error, bytes)}`);
  }
  hexIds(request);
  return request;
}

/** Spans of a binary ExportTraceServiceRequest. */
export function decodeOtlpProto(bytes: Uint8Array, file: string): Span[] {
  const request = protoToOtlpJson(bytes, file);
  return decodeOtlp((request.resourceSpans as unknown[] | undefined) ?? [], { file, format: 'otlp-proto', positions: [] });
}

/**
 * Reads a .pb input whole (protobuf has no framing to stream by), gzip
 * included, within the size limit; then decodes it.
 */
export async function readProtoStream(source: Readable, file: string, options: { maxBytes?: number } = {}): Promise<StreamedInput> {
  const maxBytes = Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, MAX_MESSAGE_BYTES);
  const state = { rawBytes: 0, compressed: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of inflated(source, file, state)) {
    size += chunk.length;
    if (size > maxBytes) throw tooLargeError(file, maxBytes);
    chunks.push(chunk);
  }
  const spans = decodeOtlpProto(Buffer.concat(chunks, size), file);
  return { format: 'otlp-proto', spans, spanCount: spans.length, problems: [], skipped: {}, mergedParts: 0, bytes: state.rawBytes, compressed: state.compressed };
}

/** Span and link ids are bytes in protobuf and hex in OTLP/JSON. */
function hexIds(request: Json): void {
  for (const rs of list(request.resourceSpans)) {
    for (const ss of list(rs.scopeSpans)) {
      for (const span of list(ss.spans)) {
        hex(span, 'traceId');
        hex(span, 'spanId');
        hex(span, 'parentSpanId');
        for (const link of list(span.links)) {
          hex(link, 'traceId');
          hex(link, 'spanId');
        }
      }
    }
  }
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function hex(object: Json, key: string): void {
  const value = object[key];
  if (typeof value === 'string') object[key] = Buffer.from(value, 'base64').toString('hex');
}

/** protobufjs's reader errors in words; and a hint when the input is JSON. */
function describeProtoError(error: unknown, bytes: Uint8Array): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = bytes.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
  const hint = first === 0x7b || first === 0x5b ? ' (this looks like JSON: name the file .json or use --format otlp-json)' : '';
  const wire = /invalid wire type (\d+)/.exec(message);
  if (wire) return `invalid wire type ${wire[1]}${hint}`;
  if (message.startsWith('index out of range')) return `a field runs past the end of its message: truncated, or not an ExportTraceServiceRequest${hint}`;
  return `${message}${hint}`;
}
