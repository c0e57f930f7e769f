import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench generator is plain JavaScript
import { encode, generateShape, mulberry32 } from '../../bench/generate.mjs';
import { prepareDocument } from '../../src/formats/json.js';
import { JsonLines } from '../../src/formats/otlp-jsonl.js';
import { decodePlainLine } from '../../src/formats/otlp-plain.js';
import { SpanColumns } from '../../src/model/store.js';
import { richTrace, sdkSystem, SpanKind, ms, toOtlpJson } from '../support/sdk.js';

/**
 * The plain path must give, line for line, what the general path (scan,
 * JSON.parse, decoder, store) gives: the same spans, field for field, with the
 * same places; and for any line it does not take, nothing added. Every case
 * is decoded both ways and compared.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.resolve(here, '../../../shared/fixtures');
const TID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Both {
  /** Spans the plain path added, or undefined when it did not take the line. */
  plain: number | undefined;
  general: { spans: number; problems: string[] };
}

/** One line both ways, each into a store of its own; throws when they disagree. */
function bothWays(line: string, lineNumber = 1, firstColumn = 1): Both {
  const generalStore = new SpanColumns();
  const general = new JsonLines('f.jsonl', generalStore);
  general.line(prepareDocument(line, lineNumber, firstColumn));
  const plainStore = new SpanColumns();
  const before = { attributes: plainStore.attributeCount, events: plainStore.eventCount };
  const plain = decodePlainLine(line, lineNumber, firstColumn, 'f.jsonl', plainStore);
  const result = { plain, general: { spans: generalStore.spanCount, problems: general.problems.map((p) => p.message) } };
  if (plain === undefined) {
    // Nothing added, so the general path can take the line after it.
    if (plainStore.spanCount !== 0 || plainStore.attributeCount !== before.attributes || plainStore.eventCount !== before.events) throw new Error(`not plain, yet it left spans: ${line.slice(0, 200)}`);
    return result;
  }
  if (general.problems.length > 0) throw new Error(`plain took a line the general path refuses (${general.problems[0]!.message}): ${line.slice(0, 200)}`);
  if (plain !== generalStore.spanCount || plainStore.spanCount !== plain) throw new Error(`plain added ${plain} spans, the general path ${generalStore.spanCount}: ${line.slice(0, 200)}`);
  for (let row = 0; row < plain; row++) {
    const a = generalStore.span(row);
    const b = plainStore.span(row);
    if (!isDeepStrictEqual(a, b)) throw new Error(`span ${row} differs:\n${show(a)}\n${show(b)}`);
  }
  return result;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)).slice(0, 2000);
}

function request(spans: unknown[], resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scope: unknown = { name: 's', version: '1' }): string {
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] });
}

function span(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TID,
    spanId: '00f067aa0ba902b7',
    parentSpanId: '53995c3f42cd8ad8',
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    attributes: [
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'http.response.status_code', value: { intValue: '200' } },
    ],
    events: [],
    status: {},
    ...over,
  };
}

describe('plain OTLP JSON lines', () => {
  it('takes the lines of the bench generator, the OpenTelemetry JS SDK and real exporters, with the general path\'s spans', async () => {
    const bench = [...encode('otlp-jsonl', generateShape('default', 3000, 7))].join('').split('\n').filter(Boolean);
    const scheduled = [...encode('otlp-jsonl', generateShape('scheduled', 2000, 3))].join('').split('\n').filter(Boolean);
    const sdk = [toOtlpJson(await richTrace())];
    const { svc, spans } = sdkSystem(['shop']);
    const root = svc.shop!.start('GET /shop', { kind: SpanKind.SERVER, at: 0, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'retry.ratio': 0.25, 'feature.on': true } });
    root.addEvent('cache.miss', { 'cache.key': 'k', 'cache.size': 3 }, ms(1));
    root.end(ms(2));
    const sdkPlain = toOtlpJson(await spans());
    let taken = 0;
    for (const [i, line] of [...bench, ...scheduled, ...sdk].entries()) if (bothWays(line, i + 1).plain !== undefined) taken++;
    // Every line is plain: the generated ones and the SDK's, with its links, arrays, events and statuses.
    expect(taken).toBe(bench.length + scheduled.length + sdk.length);
    expect(bothWays(sdkPlain).plain).toBe(1);
  });

  it('agrees with the general path on every line of the real exports', () => {
    const files = ['external/otlp-jsonl', 'real-world/otlp-jsonl'].flatMap((dir) => readdirSync(path.join(shared, dir)).map((name) => path.join(shared, dir, name)));
    expect(files.length).toBeGreaterThanOrEqual(4);
    let lines = 0;
    let plain = 0;
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim() === '') return;
          lines++;
          if (bothWays(line, i + 1).plain !== undefined) plain++;
        });
    }
    expect(lines).toBeGreaterThan(100);
    expect(plain).toBeGreaterThan(20);
  });

  // Each line is decoded both ways (bothWays throws when they disagree); `plain` says whether the plain path takes it.
  const cases: Array<[string, string, boolean]> = [
    ['a span with the usual fields', request([span()]), true],
    ['spaces between every token', JSON.stringify(JSON.parse(request([span()])), null, 1).replace(/\n/g, ''), true],
    ['a root: parentSpanId ""', request([span({ parentSpanId: '' })]), true],
    ['no parentSpanId', request([span({ parentSpanId: undefined })]), true],
    ['events with attributes and times', request([span({ events: [{ timeUnixNano: '1700000000050000000', name: 'retry', attributes: [{ key: 'n', value: { intValue: 2 } }], droppedAttributesCount: 1 }, { name: 'no time' }] })]), true],
    ['events before attributes, no attributes key', request([span({ attributes: undefined, events: [{ timeUnixNano: '1', name: 'e' }] })]), true],
    ['events before attributes', `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TID}","spanId":"00f067aa0ba902b7","events":[{"name":"e"}],"attributes":[]}]}]}]}`, false],
    ['status with code and message', request([span({ status: { code: 2, message: 'boom' } })]), true],
    ['status with an empty message', request([span({ status: { code: 1, message: '' } })]), true],
    ['flags from a JavaScript SDK', request([span({ flags: 256 })], { attributes: [{ key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } }] }), true],
    ['flags from an unknown SDK', request([span({ flags: 769 })]), true],
    ['time 0 is unknown', request([span({ startTimeUnixNano: '0' })]), true],
    ['times with leading zeros', request([span({ startTimeUnixNano: '0001700000000000000000'.slice(3) })]), true],
    ['a time past 64 bits', request([span({ endTimeUnixNano: '9223372036854775808' })]), false],
    ['a time as a number', request([span({ startTimeUnixNano: 1700000000 })]), false],
    ['int, double, bool and string values', request([span({ attributes: [{ key: 'a', value: { intValue: 7 } }, { key: 'b', value: { doubleValue: -0 } }, { key: 'c', value: { boolValue: false } }, { key: 'd', value: { doubleValue: 1e300 } }, { key: 'e', value: { intValue: 2e2 } }, { key: 'f', value: { stringValue: '' } }] })]), true],
    ['an intValue with leading zeros', request([span({ attributes: [{ key: 'a', value: { intValue: '007' } }] })]), false],
    ['a long integer literal', request([span({ attributes: [{ key: 'a', value: { intValue: 0 } }] })]).replace('"intValue":0', '"intValue":12345678901234567'), false],
    ['array, kvlist and bytes values', request([span({ attributes: [{ key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '9' }] } } }, { key: 'k', value: { kvlistValue: { values: [{ key: 'in', value: { boolValue: true } }] } } }, { key: 'b', value: { bytesValue: 'AQID' } }] })], { attributes: [{ key: 'process.command_args', value: { arrayValue: { values: [{ stringValue: '/usr/bin/java' }, { stringValue: '-jar' }] } } }] }), true],
    ['snake_case value kinds', request([span({ attributes: [{ key: 'a', value: { string_value: 'x' } }] })]), true],
    ['a long integer inside an array', request([span({ attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 0 }] } } }] })]).replace('"intValue":0', '"intValue":12345678901234567'), false],
    ['bytes that are not base64', request([span({ attributes: [{ key: 'a', value: { bytesValue: '!!' } }] })]), false],
    ['an array nested too deep', request([span({ attributes: [{ key: 'a', value: JSON.parse('{"arrayValue":{"values":['.repeat(40) + ']}}'.repeat(40)) }] })]), false],
    ['a value with two kinds', request([span({ attributes: [{ key: 'a', value: { stringValue: 'x', intValue: '1' } }] })]), false],
    ['an empty value', request([span({ attributes: [{ key: 'a', value: {} }] })]), false],
    ['a value missing', request([span({ attributes: [{ key: 'a' }] })]), false],
    ['a key given twice', request([span({ attributes: [{ key: 'a', value: { stringValue: '1' } }, { key: 'a', value: { stringValue: '2' } }] })]), false],
    ['a resource key given twice', request([span()], { attributes: [{ key: 'a', value: { stringValue: '1' } }, { key: 'a', value: { stringValue: '2' } }] }), false],
    ['an index-like key', request([span({ attributes: [{ key: 'b', value: { stringValue: '1' } }, { key: '7', value: { stringValue: '2' } }] })]), false],
    ['the key __proto__', request([span({ attributes: [{ key: '__proto__', value: { stringValue: '1' } }] })]), false],
    ['an empty key', request([span({ attributes: [{ key: '', value: { stringValue: '1' } }] })]), false],
    ['escapes in names and values', request([span({ name: 'say "hi"\\', attributes: [{ key: 'q', value: { stringValue: 'tab\there \u0001 \u2028 é' } }], status: { code: 2, message: 'a\nb' } })]), true],
    ['escapes in a value long enough to be kept apart', request([span({ attributes: [{ key: 'sql', value: { stringValue: `SELECT "x" FROM t WHERE y = 'z' ${'-'.repeat(80)}` } }] })]), true],
    ['an escape in a resource value and a scope name', request([span()], { attributes: [{ key: 'service.name', value: { stringValue: 'a"b' } }] }, { name: 'lib\\x' }), true],
    ['an escape in a key', request([span({ attributes: [{ key: 'a"b', value: { stringValue: '1' } }] })]), false],
    ['an escaped value written before its key', request([span({ name: 'n' })]).replace('{"key":"http.request.method","value":{"stringValue":"GET"}}', '{"value":{"stringValue":"G\\"E\\u0054"},"key":"http.request.method"}'), true],
    ['an escaped span field name', request([span()]).replace('"name":', '"n\\u0061me":'), false],
    ['an escape in an id', request([span()]).replace(`"traceId":"${TID}"`, `"traceId":"\\u0034${TID.slice(1)}"`), false],
    ['a bad escape', request([span({ name: 'x' })]).replace('"name":"x"', '"name":"\\x"'), false],
    ['a raw tab beside an escape', request([span({ name: 'x' })]).replace('"name":"x"', '"name":"\\n\t"'), false],
    ['a raw tab in a name', request([span({ name: 'a' })]).replace('"name":"a"', '"name":"a\tb"'), false],
    ['a raw control character in a value', request([span()]).replace('"GET"', '"G\u0001ET"'), false],
    ['a raw control character in a long value', request([span({ name: 'x'.repeat(80) })]).replace('x'.repeat(80), `${'x'.repeat(70)}\u0002${'x'.repeat(9)}`), false],
    ['a byte order mark', `\ufeff${request([span()])}`, false],
    ['uppercase hex ids', request([span({ spanId: '00F067AA0BA902B7' })]), false],
    ['an all-zero trace id', request([span({ traceId: '0'.repeat(32) })]), false],
    ['a short span id', request([span({ spanId: 'abc' })]), false],
    ['no span id', request([span({ spanId: undefined })]), false],
    ['kind as a name', request([span({ kind: 'SPAN_KIND_SERVER' })]), false],
    ['kind out of range', request([span({ kind: 6 })]), false],
    ['status code out of range', request([span({ status: { code: 3 } })]), false],
    ['links, with attributes and trace state', request([span({ links: [{ traceId: TID, spanId: '53995c3f42cd8ad8' }, { traceId: 'abcdef0123456789abcdef0123456789', spanId: 'abcdef0123456789', traceState: 'k=v', attributes: [{ key: 'why', value: { stringValue: 'batch' } }], droppedAttributesCount: 1 }] })]), true],
    ['a link with an id to report', request([span({ links: [{ traceId: TID, spanId: 'abc' }] })]), false],
    ['a link with an uppercase id', request([span({ links: [{ traceId: TID.toUpperCase(), spanId: '53995c3f42cd8ad8' }] })]), true],
    ['a link that is not an object', request([span({ links: [1] })]), false],
    ['no links', request([span({ links: [] })]), true],
    ['a trace state', request([span({ traceState: 'k=v' })]), false],
    ['dropped counts of zero', request([span({ droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0 })]), true],
    ['a dropped count', request([span({ droppedEventsCount: 2 })]), false],
    ['an unknown span field', request([span({ foo: 1 })]), false],
    ['snake_case fields', request([span({ traceId: undefined, trace_id: TID })]), false],
    ['a null', request([span({ status: null })]), false],
    ['a span field given twice', request([span()]).replace('"name":"GET /cart"', '"name":"a","name":"b"'), false],
    ['the resource after its spans', `{"resourceSpans":[{"scopeSpans":[{"spans":[${JSON.stringify(span())}]}],"resource":{"attributes":[]}}]}`, false],
    ['the scope after its spans', `{"resourceSpans":[{"scopeSpans":[{"spans":[${JSON.stringify(span())}],"scope":{"name":"s"}}]}]}`, false],
    ['no resource and no scope', `{"resourceSpans":[{"scopeSpans":[{"spans":[${JSON.stringify(span())}]}]}]}`, true],
    ['schema URLs', `{"resourceSpans":[{"resource":{"attributes":[]},"schemaUrl":"https://opentelemetry.io/schemas/1.21.0","scopeSpans":[{"scope":{"name":"s","attributes":[]},"schemaUrl":"u","spans":[${JSON.stringify(span())}]}]}]}`, true],
    ['several resources and scopes', JSON.stringify({ resourceSpans: [0, 1].map((r) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: `s${r}` } }], droppedAttributesCount: r }, scopeSpans: [0, 1].map((s) => ({ scope: { name: `lib${s}` }, spans: [span({ spanId: `00f067aa0ba902b${r}`, name: `op${s}` })] })) })) }), true],
    ['no spans', '{"resourceSpans":[]}', true],
    ['empty scopeSpans', '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"s"},"spans":[]}]}]}', true],
    ['a metrics request', '{"resourceMetrics":[]}', false],
    ['another top-level key', `{"resourceSpans":[],"x":1}`, false],
    ['a span that is not an object', request([1]), false],
    ['trailing text', `${request([span()])} x`, false],
    ['trailing spaces', `${request([span()])}   `, true],
    ['a trailing comma', request([span()]).replace(']}]}]}', '],}]}]}'), false],
    ['cut short', request([span()]).slice(0, -3), false],
    ['a number with a leading zero', request([span({ kind: 2 })]).replace('"kind":2', '"kind":02'), false],
    ['non-ASCII text', request([span({ name: 'café ☃ 𝄞', attributes: [{ key: 'ü', value: { stringValue: 'ÿ'.repeat(70) } }] })]), true],
  ];

  it.each(cases)('%s', (_, line, plain) => {
    const result = bothWays(line, 3, 5);
    expect(result.plain !== undefined).toBe(plain);
  });

  it('reads every time exactly, without a bigint: edges of 32 and 64 bits, of 10^9, and random ones of every length', () => {
    const random = mulberry32(5) as () => number;
    const edges = ['1', '9', '999999999', '1000000000', '4294967295', '4294967296', '4294967297', '131071999999999', '131072000000000', '9007199254740993', '18446744073709551615', '9223372036854775807', '9223372036854775808', '9999999999999999999', '1700000000123456789', '0000000000000000001'];
    const randoms = Array.from({ length: 400 }, (_, i) => Array.from({ length: 1 + (i % 19) }, () => Math.floor(random() * 10)).join(''));
    let plain = 0;
    for (const time of [...edges, ...randoms]) {
      const line = request([span({ startTimeUnixNano: time, endTimeUnixNano: time, events: [{ timeUnixNano: time, name: 'e' }] })]);
      const result = bothWays(line);
      // Within int64 and not zero, plain; past it, the general path's (wide times).
      const expected = BigInt(time) <= 9223372036854775807n;
      expect(result.plain !== undefined, time).toBe(expected);
      if (expected) plain++;
    }
    expect(plain).toBeGreaterThan(300);
  });

  it('gives nothing away under random edits of plain lines: each edit is either refused or read as the general path reads it', () => {
    const random = mulberry32(19) as () => number;
    const seeds = [request([span(), span({ spanId: '1111111111111111', events: [{ timeUnixNano: '5', name: 'e', attributes: [{ key: 'k', value: { boolValue: true } }] }], status: { code: 2, message: 'm' }, flags: 1 })])];
    const pieces = ['{', '}', '[', ']', ',', ':', '"', ' ', '\t', '\\', '0', '9', '-', 'e', '.', 'a', 'null', 'true', '"x"', '\u0000', '\ufeff', '"key":"a"', '{"key":"z","value":{"stringValue":"1"}},'];
    let taken = 0;
    let refused = 0;
    for (let n = 0; n < 4000; n++) {
      let line = seeds[n % seeds.length]!;
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * line.length);
        const kind = random();
        if (kind < 0.4) line = line.slice(0, at) + line.slice(at + 1 + Math.floor(random() * 3));
        else if (kind < 0.8) line = line.slice(0, at) + pieces[Math.floor(random() * pieces.length)]! + line.slice(at);
        else line = line.slice(0, at) + line.slice(at, at + 20) + line.slice(at);
      }
      if (bothWays(line).plain === undefined) refused++;
      else taken++;
    }
    // Both outcomes occur, so the comparison above was made on lines the plain path took.
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  });
});
