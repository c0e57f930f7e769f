import { loadProto, traceServiceType } from '../formats/otlp-proto.js';

/**
 * OTLP/HTTP as the specification (opentelemetry-proto docs/specification.md,
 * "OTLP/HTTP") has it: what a request's headers mean, and the bodies of the
 * answers — an ExportTraceServiceResponse on success, a google.rpc.Status on
 * failure — in the encoding the request used.
 */

export const TRACES_PATH = '/v1/traces';

/** The two payload encodings; the response uses the request's. */
export type Encoding = 'json' | 'protobuf';

export const MEDIA_TYPES: Record<Encoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

/** The encoding a Content-Type names (parameters such as charset ignored), or undefined. */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  const media = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (media === MEDIA_TYPES.json) return 'json';
  if (media === MEDIA_TYPES.protobuf) return 'protobuf';
  return undefined;
}

/** Content-Encoding: none or gzip (the only compression the spec names); undefined for others. */
export function compressionOf(contentEncoding: string | undefined): 'none' | 'gzip' | undefined {
  const value = (contentEncoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'none';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  return undefined;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** The spec asks servers to keep responses under 4 MiB; our messages stay far below. */
const MAX_MESSAGE_CHARS = 2000;

/**
 * 200 with an ExportTraceServiceResponse: empty on full success (partial_success
 * MUST be left unset), partial_success with the rejected count otherwise.
 */
export function exportReply(encoding: Encoding, partial?: PartialSuccess): Reply {
  const response = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: clip(partial.errorMessage) } } : {};
  if (encoding === 'json') return reply(200, encoding, JSON.stringify(response));
  const type = traceServiceType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
  return reply(200, encoding, type.encode(type.fromObject(response)).finish());
}

/**
 * The google.rpc.Code that goes with each HTTP status we send (the mapping in
 * google/rpc/code.proto); OTLP clients go by the HTTP status, the code is for people.
 */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 3, // INVALID_ARGUMENT: the body is too large to accept
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** A 4xx or 5xx whose body is a google.rpc.Status with a developer-facing message. */
export function statusReply(encoding: Encoding, status: number, message: string, headers: Record<string, string> = {}): Reply {
  const value = { code: RPC_CODES[status] ?? 2 /* UNKNOWN */, message: clip(message) };
  if (encoding === 'json') return reply(status, encoding, JSON.stringify(value), headers);
  const type = loadProto('google/rpc/status.proto').lookupType('google.rpc.Status');
  return reply(status, encoding, type.encode(type.fromObject(value)).finish(), headers);
}

function reply(status: number, encoding: Encoding, body: string | Uint8Array, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': MEDIA_TYPES[encoding], ...headers }, body };
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}
