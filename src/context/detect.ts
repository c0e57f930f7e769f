import { parseBaggage, type BaggageMember } from './baggage.js';
import { parseB3Multi, parseB3Single, parseUberTraceId, parseXRay, type ForeignContext } from './other-families.js';
import type { ParseResult } from './problem.js';
import { parseTraceparent, type Traceparent } from './traceparent.js';
import { parseTracestate, type TracestateMember, type TracestateOptions } from './tracestate.js';

export type HeaderKind = 'traceparent' | 'tracestate' | 'baggage' | 'b3' | 'b3-multi' | 'uber-trace-id' | 'x-amzn-trace-id';
/** Kinds carried by one header value (B3's multi form spans several). */
export type SingleHeaderKind = Exclude<HeaderKind, 'b3-multi'>;
export const HEADER_KINDS: readonly HeaderKind[] = ['traceparent', 'tracestate', 'baggage', 'b3', 'b3-multi', 'uber-trace-id', 'x-amzn-trace-id'];

export type ExplainedHeader =
  | { kind: 'traceparent'; result: ParseResult<Traceparent> }
  | { kind: 'tracestate'; result: ParseResult<TracestateMember[]> }
  | { kind: 'baggage'; result: ParseResult<BaggageMember[]> }
  | { kind: 'b3' | 'b3-multi' | 'uber-trace-id' | 'x-amzn-trace-id'; result: ParseResult<ForeignContext> };

/** Header names and the kind each carries (lowercase). */
/** A Map, so a name such as `constructor` is not found on Object.prototype. */
const NAMES: ReadonlyMap<string, HeaderKind> = new Map([
  ['traceparent', 'traceparent'],
  ['tracestate', 'tracestate'],
  ['baggage', 'baggage'],
  ['b3', 'b3'],
  ['uber-trace-id', 'uber-trace-id'],
  ['x-amzn-trace-id', 'x-amzn-trace-id'],
]);

export function kindOfHeaderName(name: string): HeaderKind | undefined {
  const lower = name.toLowerCase();
  return NAMES.get(lower) ?? (lower.startsWith('x-b3-') ? 'b3-multi' : undefined);
}

/** A tracestate key under Level 2's rule (which takes in Level 1's keys). */
const TRACESTATE_KEY = /^[a-z0-9][a-z0-9_\-*/@]*$/;

/** The kind of a bare value, from its shape; undefined when it looks like none. */
export function detectKind(value: string): HeaderKind | undefined {
  const text = value.trim();
  if (/(?:^|;)\s*Root=/.test(text)) return 'x-amzn-trace-id';
  if (/^[0-9a-fA-F]{2}-[^-]{20,}-/.test(text)) return 'traceparent';
  if (/^(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-fA-F]{16}/.test(text) || /^[01d]$/.test(text)) return 'b3';
  if (/^[0-9a-fA-F]{1,32}(?::|%3[aA])[0-9a-fA-F]{1,16}(?::|%3[aA])/.test(text)) return 'uber-trace-id';
  if (text.includes('=')) {
    if (text.includes(';') || text.includes('%')) return 'baggage';
    const keys = text.split(',').map((member) => member.trim()).filter(Boolean).map((member) => member.slice(0, member.indexOf('=')));
    return keys.every((key) => TRACESTATE_KEY.test(key)) ? 'tracestate' : 'baggage';
  }
  return undefined;
}

/** `options.level` is the W3C Trace Context level whose tracestate grammar decides (2 by default). */
export function explainHeader(kind: SingleHeaderKind, value: string, options?: TracestateOptions): ExplainedHeader {
  switch (kind) {
    case 'traceparent':
      // Senders may surround the value with optional whitespace (RFC 7230 OWS).
      return { kind, result: parseTraceparent(value.trim()) };
    case 'tracestate':
      return { kind, result: parseTracestate(value, options) };
    case 'baggage':
      return { kind, result: parseBaggage(value) };
    case 'b3':
      return { kind, result: parseB3Single(value.trim()) };
    case 'uber-trace-id':
      return { kind, result: parseUberTraceId(value.trim()) };
    case 'x-amzn-trace-id':
      return { kind, result: parseXRay(value.trim()) };
  }
}

export function explainB3Multi(fields: Record<string, string>): ExplainedHeader {
  return { kind: 'b3-multi', result: parseB3Multi(fields) };
}
