import { InputError } from '../formats/errors.js';
import { FieldReader, pick } from '../formats/fields.js';
import { parseDocument, type Position } from '../formats/json.js';
import { decodeOtlp, type SpanIndex } from '../formats/otlp.js';
import { protoToOtlpJson } from '../formats/otlp-proto.js';
import type { Encoding, PartialSuccess } from './protocol.js';

/**
 * What the receiver keeps of one request body: it is decoded with the same
 * decoder `check` uses (so what is stored will read back), spans whose fields
 * have the wrong type are rejected one by one (partial success), and the rest
 * becomes one OTLP JSON line — the request's own bytes when all is well.
 */
export interface Accepted {
  /** The request as one OTLP/JSON line (no newline), or undefined when it carried no spans. */
  line: string | undefined;
  spans: number;
  partial: PartialSuccess | undefined;
}

/** A body that cannot be accepted at all: 400, with the reason it is counted under. */
export class BadRequest extends Error {
  constructor(
    readonly reason: 'bad-json' | 'bad-protobuf' | 'bad-spans',
    message: string,
  ) {
    super(message);
  }
}

/** How request bodies are named in messages; they have no file. */
const BODY = 'request body';

export function acceptRequest(body: Buffer, encoding: Encoding): Accepted {
  return encoding === 'json' ? acceptJson(body) : acceptProtobuf(body);
}

function acceptJson(body: Buffer): Accepted {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new BadRequest('bad-json', 'the body is not valid UTF-8');
  }
  let value: unknown;
  let positions: Position[];
  try {
    ({ value, spanPositions: positions } = parseDocument(text, BODY));
  } catch (error) {
    throw new BadRequest('bad-json', located(error));
  }
  // A newline can only be whitespace between JSON tokens (in strings it is escaped): blanking it keeps the request one line.
  return accept(value, positions, 'json', () => text.replace(/[\r\n]/g, ' '));
}

function acceptProtobuf(body: Buffer): Accepted {
  let value: Record<string, unknown>;
  try {
    value = protoToOtlpJson(body, BODY);
  } catch (error) {
    throw new BadRequest('bad-protobuf', located(error));
  }
  return accept(value, [], 'protobuf', () => JSON.stringify(value));
}

/**
 * Decodes the request's spans, leaving out those that fail. `asLine` gives the
 * request as received; a request that lost spans is written from its parsed
 * value instead (exact: long integers were kept as strings).
 */
function accept(value: unknown, positions: Position[], encoding: Encoding, asLine: () => string): Accepted {
  let list: unknown[];
  try {
    const read = new FieldReader(BODY, undefined);
    list = read.array(pick(read.object(value, 'the body'), 'resourceSpans', 'resource_spans'), 'resourceSpans');
  } catch (error) {
    throw new BadRequest(encoding === 'json' ? 'bad-json' : 'bad-protobuf', `not an ExportTraceServiceRequest: ${located(error)}`);
  }
  const bad: SpanIndex[] = [];
  const messages: string[] = [];
  let spans: number;
  try {
    spans = decodeOtlp(list, { file: BODY, format: encoding === 'json' ? 'otlp-json' : 'otlp-proto', positions }, (error, at) => {
      bad.push(at);
      if (messages.length === 0) messages.push(located(error));
    }).length;
  } catch (error) {
    // A resource or scope that does not decode takes all its spans with it.
    throw new BadRequest('bad-spans', located(error));
  }
  if (bad.length === 0) return { line: spans > 0 ? asLine() : undefined, spans, partial: undefined };
  const errorMessage = `${bad.length} span(s) rejected; the first: ${messages[0]}`;
  if (spans === 0) throw new BadRequest('bad-spans', errorMessage);
  removeSpans(list, bad);
  return { line: JSON.stringify(value), spans, partial: { rejectedSpans: bad.length, errorMessage } };
}

/** Takes the rejected spans out of the parsed request, so the stored line holds only what was accepted. */
function removeSpans(list: unknown[], bad: readonly SpanIndex[]): void {
  const drop = new Set(bad.map((at) => at.join('/')));
  list.forEach((rs, r) => {
    const scopes = pick(rs as Record<string, unknown>, 'scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans');
    if (!Array.isArray(scopes)) return;
    (scopes as Array<Record<string, unknown>>).forEach((ss, s) => {
      if (Array.isArray(ss.spans)) ss.spans = ss.spans.filter((_span, k) => !drop.has(`${r}/${s}/${k}`));
    });
  });
}

/** An InputError's reason with its line and column (for JSON bodies), without the made-up file name. */
function located(error: unknown): string {
  if (!(error instanceof InputError)) throw error;
  if (error.line === undefined) return error.reason;
  return `${error.reason} (line ${error.line}${error.column === undefined ? '' : `, column ${error.column}`})`;
}
