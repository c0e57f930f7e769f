import { percentDecode } from './percent.js';
import { describeAt, error, note, result, type HeaderProblem, type ParseResult } from './problem.js';
import { formatTraceparent } from './traceparent.js';

/**
 * The other trace-header families people meet in logs, explained and, where
 * the mapping is well defined, converted to a W3C traceparent: B3 (single
 * `b3` and the `X-B3-*` fields), Jaeger's `uber-trace-id`, and AWS X-Ray's
 * `X-Amzn-Trace-Id`.
 */
export interface ForeignContext {
  /** Empty when only a sampling state was sent (B3). */
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
const B3_SECTION = {
  single: `${B3} "Single Header"`,
  multi: `${B3} "Multiple Headers"`,
  debug: `${B3} "Multiple Headers" Debug Flag`,
  sampled: `${B3} "Multiple Headers" Sampling State`,
};
/**
 * The B3 text says nothing of all-zero ids; its authors' own library and the
 * OpenTelemetry SDKs refuse them, as W3C Trace Context does, so a receiver
 * starts a new trace.
 */
const B3_ZERO = "that is not all zeros (the B3 text is silent, but Brave, by the specification's authors, and the OpenTelemetry SDKs reject an all-zero id and start a new trace)";

function contextOf(traceId: string, spanId: string | undefined, sampled: boolean | undefined, extra: Partial<ForeignContext> = {}): ForeignContext {
  const full = traceId.padStart(32, '0');
  const context: ForeignContext = { traceId: full, ...extra };
  if (spanId !== undefined) context.spanId = spanId.padStart(16, '0');
  if (sampled !== undefined) context.sampled = sampled;
  if (spanId !== undefined && !isAllZeros(full) && !isAllZeros(spanId)) context.traceparent = formatTraceparent(full, spanId.padStart(16, '0'), sampled === true);
  return context;
}

function isAllZeros(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

function isLowerHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66);
}

/** Where and why `value` is not an id of one of `lengths` lowercase hex digits; undefined when it is one. */
function idShape(value: string, lengths: readonly number[]): { at: number; found: string } | undefined {
  for (let i = 0; i < value.length; i++) if (!isLowerHex(value.charCodeAt(i))) return { at: i, found: describeAt(value, i) };
  if (lengths.includes(value.length)) return undefined;
  return { at: Math.min(value.length, Math.max(...lengths)), found: `${value.length} hex digits` };
}

const invalid = (problem: HeaderProblem): ParseResult<ForeignContext> => ({ valid: false, problems: [problem] });

/** `b3: {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]`, or just a sampling state. */
export function parseB3Single(text: string): ParseResult<ForeignContext> {
  const fail = (offset: number, expected: string, found?: string): ParseResult<ForeignContext> => {
    const problem = error(text, offset, expected, B3_SECTION.single);
    return invalid(found === undefined ? problem : { ...problem, found });
  };
  if (text === '0' || text === '1' || text === 'd') return result({ traceId: '', sampled: text !== '0', ...(text === 'd' ? { debug: true } : {}) }, []);
  const parts = text.split('-');
  const [traceId = '', spanId = '', state, parent] = parts;
  const traceShape = idShape(traceId, [16, 32]);
  if (traceShape) return fail(traceShape.at, 'a trace id of 16 or 32 lowercase hex digits', traceShape.found);
  if (parts.length < 2) return fail(traceId.length, "'-' and a span id");
  const spanShape = idShape(spanId, [16]);
  if (spanShape) return fail(traceId.length + 1 + spanShape.at, 'a span id of 16 lowercase hex digits', spanShape.found);
  let offset = traceId.length + spanId.length + 2;
  if (state !== undefined && !['0', '1', 'd'].includes(state)) return fail(offset, 'a sampling state: 0, 1 or d');
  offset += (state?.length ?? 0) + 1;
  const parentShape = parent === undefined ? undefined : idShape(parent, [16]);
  if (parentShape) return fail(offset + parentShape.at, 'a parent span id of 16 lowercase hex digits', parentShape.found);
  if (parts.length > 4) return fail(text.length - (parts.slice(4).join('-').length + 1), 'end of value (at most four fields)');
  if (isAllZeros(traceId)) return fail(0, `a trace id ${B3_ZERO}`, 'an all-zero trace id');
  if (isAllZeros(spanId)) return fail(traceId.length + 1, `a span id ${B3_ZERO}`, 'an all-zero span id');
  const sampled = state === undefined ? undefined : state !== '0';
  return result(contextOf(traceId, spanId, sampled, { ...(parent ? { parentSpanId: parent } : {}), ...(state === 'd' ? { debug: true } : {}) }), []);
}

/** One X-B3-* field as received: its name as sent and its value without surrounding whitespace. */
interface B3Field {
  name: string;
  value: string;
}

const B3_NAMES = { traceId: 'X-B3-TraceId', spanId: 'X-B3-SpanId', parentSpanId: 'X-B3-ParentSpanId', sampled: 'X-B3-Sampled', flags: 'X-B3-Flags' } as const;

/**
 * The `X-B3-*` fields, given by name (case-insensitive; "when extracting
 * state headers, the first value wins"). Ids may be sent without a sampling
 * state and a sampling state without ids: "It is also valid to send sampling
 * state independently, such as a deny decision `X-B3-Sampled: 0`." Problems
 * name the field they are in; offsets are within its value.
 */
export function parseB3Multi(fields: Record<string, string>): ParseResult<ForeignContext> {
  const entries = Object.entries(fields);
  const get = (name: string): B3Field | undefined => {
    const found = entries.find(([key]) => key.toLowerCase() === name.toLowerCase());
    return found && { name: found[0], value: String(found[1]).trim() };
  };
  const traceId = get(B3_NAMES.traceId);
  const spanId = get(B3_NAMES.spanId);
  const parent = get(B3_NAMES.parentSpanId);
  const sampled = get(B3_NAMES.sampled);
  const flags = get(B3_NAMES.flags);
  const problems: HeaderProblem[] = [];
  const inField = (field: B3Field, problem: HeaderProblem): number => problems.push({ ...problem, field: field.name });
  const missing = (name: string, why: string): number => problems.push({ offset: 0, found: `no ${name} header`, expected: `${name}: ${why}`, section: B3_SECTION.multi, severity: 'error', field: name });

  const debug = flags?.value === '1';
  if (flags && !debug) inField(flags, note(0, flags.value === '' ? 'an empty value' : `'${flags.value}'`, "1 for debug; absent or any other value can be ignored, and is", B3_SECTION.debug));
  let isSampled: boolean | undefined;
  if (sampled) {
    const { value } = sampled;
    if (value === '1' || value === '0') isSampled = value === '1';
    else if (value === 'true' || value === 'false') {
      isSampled = value === 'true';
      inField(sampled, note(0, `'${value}'`, "1 or 0: true and false predate the specification, which says not to send them (a lenient receiver may accept them, as here)", B3_SECTION.sampled));
    } else inField(sampled, error(value, 0, value === '' ? 'X-B3-Sampled: 1 or 0 (an empty header is malformed)' : 'X-B3-Sampled: 1 or 0', B3_SECTION.sampled));
    if (debug) inField(sampled, note(0, 'X-B3-Sampled with X-B3-Flags: 1', "X-B3-Flags: 1 alone: debug implies an accept decision, so don't also send the X-B3-Sampled header", B3_SECTION.debug));
  }

  const anyId = traceId ?? spanId ?? parent;
  if (!anyId) {
    // "Unless propagating only the Sampling State, the X-B3-TraceId header is required."
    if (isSampled === undefined && !debug && problems.every((problem) => problem.severity !== 'error')) missing(B3_NAMES.traceId, 'required with X-B3-SpanId, unless only a sampling state (X-B3-Sampled or X-B3-Flags: 1) is sent');
    return result({ traceId: '', ...(isSampled !== undefined || debug ? { sampled: debug || isSampled === true } : {}), ...(debug ? { debug: true } : {}) }, problems);
  }
  const checkId = (field: B3Field | undefined, name: string, lengths: readonly number[], what: string): boolean => {
    if (!field) {
      missing(name, `${what}, required unless only a sampling state is sent`);
      return false;
    }
    const shape = idShape(field.value, lengths);
    if (shape) inField(field, { ...error(field.value, shape.at, `${name}: ${what}`, B3_SECTION.multi), found: shape.found });
    else if (name !== B3_NAMES.parentSpanId && isAllZeros(field.value)) inField(field, { ...error(field.value, 0, `${name}: an id ${B3_ZERO}`, B3_SECTION.multi), found: 'an all-zero id' });
    else return true;
    return false;
  };
  const traceOk = checkId(traceId, B3_NAMES.traceId, [16, 32], '16 or 32 lowercase hex digits');
  const spanOk = checkId(spanId, B3_NAMES.spanId, [16], '16 lowercase hex digits');
  // Absent on a root span; when present, an id like the others ("an arbitrary nonsense value (ex X-B3-ParentSpanId: -)" is malformed).
  if (parent) checkId(parent, B3_NAMES.parentSpanId, [16], '16 lowercase hex digits');
  if (!traceOk || !spanOk) return result<ForeignContext>({ traceId: '' }, problems);
  return result(contextOf(traceId!.value, spanId!.value, debug || isSampled, { ...(parent ? { parentSpanId: parent.value } : {}), ...(debug ? { debug: true } : {}) }), problems);
}

const JAEGER = 'Jaeger client libraries, Propagation Format: uber-trace-id';

/**
 * Jaeger: `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` (hex
 * ids, leading zeros optional; "Value of 0 is not valid" for trace and span
 * ids, while a parent of 0 means a root span). Clients URL-encode the value
 * (`%3A` for ':'), so escapes are decoded first; offsets are in the value as sent.
 */
export function parseUberTraceId(text: string): ParseResult<ForeignContext> {
  const decoded = text.includes('%') ? percentDecode(text) : undefined;
  if (decoded && !decoded.ok) return invalid(error(text, decoded.badEscape, "'%' followed by two hex digits (the value is URL-encoded)", JAEGER));
  const value = decoded ? decoded.units : text;
  /** Offset in the text as sent of the decoded value's character at `i`. */
  const sent = (i: number): number => (decoded ? (decoded.origins[i] ?? text.length) : i);
  const fail = (at: number, expected: string, found?: string): ParseResult<ForeignContext> => {
    const problem = error(text, sent(at), expected, JAEGER, decoded && value.charCodeAt(at) !== text.charCodeAt(sent(at)) ? 3 : 1);
    return invalid(found === undefined ? problem : { ...problem, found });
  };
  const parts = value.split(':');
  if (parts.length !== 4) return fail(parts.length > 4 ? parts.slice(0, 4).join(':').length : value.length, `four ':'-separated fields (found ${parts.length})`);
  const [traceId, spanId, parent, flags] = parts as [string, string, string, string];
  let offset = 0;
  for (const [id, max, name] of [[traceId, 32, 'trace id'], [spanId, 16, 'span id'], [parent, 16, 'parent span id']] as const) {
    const bad = firstNonHex(id);
    if (bad !== -1) return fail(offset + bad, `a ${name} of 1 to ${max} hex digits`);
    if (id.length === 0 || id.length > max) return fail(offset + Math.min(id.length, max), `a ${name} of 1 to ${max} hex digits`, `${id.length} hex digits`);
    offset += id.length + 1;
  }
  if (flags.length === 0 || flags.length > 2 || firstNonHex(flags) !== -1) return fail(offset, 'flags as one or two hex digits (1 = sampled, 2 = debug)');
  if (isAllZeros(traceId)) return fail(0, 'a trace id that is not 0 ("Value of 0 is not valid")', 'trace id 0');
  if (isAllZeros(spanId)) return fail(traceId.length + 1, 'a span id that is not 0 ("Value of 0 is not valid")', 'span id 0');
  const bits = parseInt(flags, 16);
  const parentId = isAllZeros(parent) ? undefined : parent.toLowerCase().padStart(16, '0');
  return result(contextOf(traceId.toLowerCase(), spanId.toLowerCase(), (bits & 1) === 1, { ...(parentId ? { parentSpanId: parentId } : {}), ...((bits & 2) === 2 ? { debug: true } : {}) }), []);
}

/** The first character that is not a hex digit of either case (Jaeger's ids are "base16"), or -1. */
function firstNonHex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isLowerHex(code) && !(code >= 0x41 && code <= 0x46)) return i;
  }
  return -1;
}

/** AWS X-Ray: `Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1|?}` (fields in any order). */
export function parseXRay(text: string): ParseResult<ForeignContext> {
  const section = 'AWS X-Ray tracing header';
  const fields = new Map<string, { value: string; offset: number }>();
  let offset = 0;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1) {
      const raw = part.slice(eq + 1);
      fields.set(part.slice(0, eq).trim(), { value: raw.trim(), offset: offset + eq + 1 + (raw.length - raw.trimStart().length) });
    }
    offset += part.length + 1;
  }
  const root = fields.get('Root');
  if (!root) return invalid(error(text, 0, 'a Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx field', section));
  const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(root.value);
  if (!match) return invalid(error(text, root.offset, 'Root as 1-{8 hex digits}-{24 hex digits}', section));
  const parent = fields.get('Parent');
  if (parent && !/^[0-9a-f]{16}$/.test(parent.value)) return invalid(error(text, parent.offset, 'Parent as 16 lowercase hex digits', section));
  const sampledField = fields.get('Sampled');
  if (sampledField !== undefined && !['0', '1', '?'].includes(sampledField.value)) return invalid(error(text, sampledField.offset, 'Sampled as 0, 1 or ?', section));
  const sampled = sampledField?.value === '1' ? true : sampledField?.value === '0' ? false : undefined;
  return result(contextOf(`${match[1]}${match[2]}`, parent?.value, sampled), []);
}
