import { error, result, type HeaderProblem, type ParseResult } from './problem.js';
import { formatTraceparent } from './traceparent.js';

/**
 * The other trace-header families people meet in logs, explained and, where
 * the mapping is well defined, converted to a W3C traceparent: B3 (single
 * `b3` and the `X-B3-*` fields), Jaeger's `uber-trace-id`, and AWS X-Ray's
 * `X-Amzn-Trace-Id`.
 */
export interface ForeignContext {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  /** undefined when the header defers the decision. */
  sampled?: boolean;
  debug?: boolean;
  /** The equivalent traceparent, when trace id and span id are both known. */
  traceparent?: string;
}

const B3 = 'openzipkin/b3-propagation';
const HEX = /^[0-9a-f]+$/;

function contextOf(traceId: string, spanId: string | undefined, sampled: boolean | undefined, extra: Partial<ForeignContext> = {}): ForeignContext {
  const full = traceId.padStart(32, '0');
  const context: ForeignContext = { traceId: full, ...extra };
  if (spanId !== undefined) context.spanId = spanId.padStart(16, '0');
  if (sampled !== undefined) context.sampled = sampled;
  if (spanId !== undefined && !/^0+$/.test(full) && !/^0+$/.test(spanId)) context.traceparent = formatTraceparent(full, spanId.padStart(16, '0'), sampled === true);
  return context;
}

/** `b3: {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]`, or just a sampling state. */
export function parseB3Single(text: string): ParseResult<ForeignContext> {
  const fail = (offset: number, expected: string): ParseResult<ForeignContext> => ({ valid: false, problems: [error(text, offset, expected, `${B3} "Single Header"`)] });
  if (text === '0' || text === '1' || text === 'd') return result({ traceId: '', sampled: text !== '0', ...(text === 'd' ? { debug: true } : {}) }, []);
  const parts = text.split('-');
  const [traceId = '', spanId = '', state, parent] = parts;
  if (traceId.length !== 16 && traceId.length !== 32) return fail(0, 'a trace id of 16 or 32 lowercase hex digits');
  const badTrace = [...traceId].findIndex((c) => !/[0-9a-f]/.test(c));
  if (badTrace !== -1) return fail(badTrace, 'a lowercase hex digit in the trace id');
  if (parts.length < 2) return fail(traceId.length, "'-' and a span id");
  if (spanId.length !== 16 || !HEX.test(spanId)) return fail(traceId.length + 1, 'a span id of 16 lowercase hex digits');
  let offset = traceId.length + spanId.length + 2;
  if (state !== undefined && !['0', '1', 'd'].includes(state)) return fail(offset, 'a sampling state: 0, 1 or d');
  offset += (state?.length ?? 0) + 1;
  if (parent !== undefined && (parent.length !== 16 || !HEX.test(parent))) return fail(offset, 'a parent span id of 16 lowercase hex digits');
  if (parts.length > 4) return fail(text.length - (parts.slice(4).join('-').length + 1), 'end of value (at most four fields)');
  const sampled = state === undefined ? undefined : state !== '0';
  return result(contextOf(traceId, spanId, sampled, { ...(parent ? { parentSpanId: parent } : {}), ...(state === 'd' ? { debug: true } : {}) }), []);
}

/** The `X-B3-*` fields, given by name (case-insensitive). */
export function parseB3Multi(fields: Record<string, string>): ParseResult<ForeignContext> {
  const get = (name: string): string | undefined => Object.entries(fields).find(([key]) => key.toLowerCase() === name)?.[1]?.trim();
  const traceId = get('x-b3-traceid') ?? '';
  const spanId = get('x-b3-spanid') ?? '';
  const sampled = get('x-b3-sampled');
  const flags = get('x-b3-flags');
  const problems: HeaderProblem[] = [];
  const section = `${B3} "Multiple Headers"`;
  if ((traceId.length !== 16 && traceId.length !== 32) || !HEX.test(traceId)) problems.push(error(traceId, 0, 'X-B3-TraceId: 16 or 32 lowercase hex digits', section));
  if (spanId.length !== 16 || !HEX.test(spanId)) problems.push(error(spanId, 0, 'X-B3-SpanId: 16 lowercase hex digits', section));
  if (sampled !== undefined && !['0', '1', 'true', 'false'].includes(sampled)) problems.push(error(sampled, 0, 'X-B3-Sampled: 0 or 1', section));
  if (problems.length > 0) return { valid: false, problems };
  const isSampled = flags === '1' ? true : sampled === undefined ? undefined : sampled === '1' || sampled === 'true';
  const parent = get('x-b3-parentspanid');
  return result(contextOf(traceId, spanId, isSampled, { ...(parent ? { parentSpanId: parent } : {}), ...(flags === '1' ? { debug: true } : {}) }), []);
}

/** Jaeger: `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` (hex ids, leading zeros optional). */
export function parseUberTraceId(text: string): ParseResult<ForeignContext> {
  const section = 'Jaeger client propagation format (uber-trace-id)';
  const decoded = text.includes('%3A') || text.includes('%3a') ? decodeURIComponent(text) : text;
  const parts = decoded.split(':');
  if (parts.length !== 4) return { valid: false, problems: [error(text, decoded.length, `four ':'-separated fields (found ${parts.length})`, section)] };
  const [traceId, spanId, parent, flags] = parts as [string, string, string, string];
  let offset = 0;
  for (const [value, max, name] of [[traceId, 32, 'trace id'], [spanId, 16, 'span id'], [parent, 16, 'parent span id']] as const) {
    if (value.length === 0 || value.length > max || !/^[0-9a-fA-F]+$/.test(value)) return { valid: false, problems: [error(decoded, offset, `a ${name} of 1 to ${max} hex digits`, section)] };
    offset += value.length + 1;
  }
  if (!/^[0-9a-fA-F]{1,2}$/.test(flags)) return { valid: false, problems: [error(decoded, offset, 'flags as one or two hex digits (1 = sampled, 2 = debug)', section)] };
  if (/^0+$/.test(traceId)) return { valid: false, problems: [error(decoded, 0, 'a trace id that is not zero', section)] };
  const bits = parseInt(flags, 16);
  const parentId = /^0+$/.test(parent) ? undefined : parent.toLowerCase().padStart(16, '0');
  return result(contextOf(traceId.toLowerCase(), spanId.toLowerCase(), (bits & 1) === 1, { ...(parentId ? { parentSpanId: parentId } : {}), ...((bits & 2) === 2 ? { debug: true } : {}) }), []);
}

/** AWS X-Ray: `Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1|?}` (fields in any order). */
export function parseXRay(text: string): ParseResult<ForeignContext> {
  const section = 'AWS X-Ray tracing header';
  const fields = new Map<string, { value: string; offset: number }>();
  let offset = 0;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const lead = part.length - part.trimStart().length;
    if (eq !== -1) fields.set(part.slice(0, eq).trim(), { value: part.slice(eq + 1).trim(), offset: offset + eq + 1 + lead });
    offset += part.length + 1;
  }
  const root = fields.get('Root');
  if (!root) return { valid: false, problems: [error(text, 0, 'a Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx field', section)] };
  const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(root.value);
  if (!match) return { valid: false, problems: [error(text, root.offset, 'Root as 1-{8 hex digits}-{24 hex digits}', section)] };
  const parent = fields.get('Parent');
  if (parent && !/^[0-9a-f]{16}$/.test(parent.value)) return { valid: false, problems: [error(text, parent.offset, 'Parent as 16 lowercase hex digits', section)] };
  const sampledField = fields.get('Sampled')?.value;
  if (sampledField !== undefined && !['0', '1', '?'].includes(sampledField)) return { valid: false, problems: [error(text, fields.get('Sampled')!.offset, 'Sampled as 0, 1 or ?', section)] };
  const sampled = sampledField === '1' ? true : sampledField === '0' ? false : undefined;
  return result(contextOf(`${match[1]}${match[2]}`, parent?.value, sampled), []);
}
