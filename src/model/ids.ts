import type { FormatName, IdProblem } from './span.js';

export const TRACE_ID_HEX_LENGTH = 32;
export const SPAN_ID_HEX_LENGTH = 16;

const HEX = /^[0-9a-fA-F]+$/;
const ALL_ZERO = /^0+$/;

/**
 * Whether an id is already what normalising would make of it: `length` lowercase
 * hex digits, not all zero. Most ids in real exports are, and this check
 * allocates nothing (ids are read millions of times).
 */
export function isNormalHexId(raw: string, length: number): boolean {
  if (raw.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x61 /* a */ && c <= 0x66 /* f */) nonZero = true;
    else if (c > 0x30 /* 0 */ && c <= 0x39 /* 9 */) nonZero = true;
    else if (c !== 0x30) return false;
  }
  return nonZero;
}

export interface NormalisedId {
  id: string;
  problem?: IdProblem['problem'];
}

/**
 * Normalises a hex id to lowercase. A well-formed id of the right length only changes case.
 * `padShort` is for formats that write ids as numbers without leading zeros (Jaeger,
 * Zipkin): the id is padded, and noted as `padded` so the ids rule can still say so.
 * Anything else that is malformed is kept exactly as seen and its problem returned.
 */
export function normaliseHexId(raw: string, length: number, padShort = false): NormalisedId {
  if (!HEX.test(raw)) return { id: raw, problem: 'not-hex' };
  const lower = raw.toLowerCase();
  if (lower.length === length) {
    return ALL_ZERO.test(lower) ? { id: lower, problem: 'all-zero' } : { id: lower };
  }
  if (padShort && lower.length < length) {
    const padded = lower.padStart(length, '0');
    return ALL_ZERO.test(padded) ? { id: padded, problem: 'all-zero' } : { id: padded, problem: 'padded' };
  }
  return { id: raw, problem: 'wrong-length' };
}

/** Tempo's API and OTLP/protobuf carry ids as bytes; base64 in JSON. */
export function base64ToHex(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  return Buffer.from(base64, 'base64').toString('hex');
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function isValidTraceId(id: string): boolean {
  return id.length === TRACE_ID_HEX_LENGTH && /^[0-9a-f]+$/.test(id) && !ALL_ZERO.test(id);
}

export function isValidSpanId(id: string): boolean {
  return id.length === SPAN_ID_HEX_LENGTH && /^[0-9a-f]+$/.test(id) && !ALL_ZERO.test(id);
}

const SIXTEEN_ZEROS = '0000000000000000';

/**
 * A trace id as the input's own tools show it: Zipkin and Jaeger write 64-bit
 * trace ids as 16 hex digits, which the model pads to 32 for matching; their
 * UIs (and a user pasting from them) use the 16. Every other id is shown as stored.
 */
export function displayTraceIdOf(traceId: string, format: FormatName | undefined): string {
  if ((format === 'zipkin' || format === 'jaeger') && traceId.length === TRACE_ID_HEX_LENGTH && traceId.startsWith(SIXTEEN_ZEROS)) return traceId.slice(16);
  return traceId;
}

/**
 * Which of `n` shards a trace belongs to (0-based): FNV-1a of its id, so every
 * span of a trace lands in one shard whatever the input's format or order.
 */
export function shardOfTrace(traceId: string, n: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) hash = Math.imul(hash ^ traceId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % n;
}

/**
 * The number that 8 lowercase hex digits of `text` from `at` spell, or -1 when
 * any is not one: how the span store packs ids and the summary orders them
 * (for ids of one length, the numbers' order is the digits' order).
 */
export function hexDigits8(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Writes `chunks` numbers of 8 hex digits each (hexDigits8) at `at`; false unless the id is exactly that many lowercase hex digits. */
export function hexChunks(id: string, chunks: number, into: Uint32Array, at: number): boolean {
  if (id.length !== chunks * 8) return false;
  for (let c = 0; c < chunks; c++) {
    const value = hexDigits8(id, c * 8);
    if (value < 0) return false;
    into[at + c] = value;
  }
  return true;
}
