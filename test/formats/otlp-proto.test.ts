import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeOtlpProto, protoToOtlpJson, traceServiceType } from '../../src/formats/otlp-proto.js';
import { readTraces } from '../../src/formats/read.js';
import type { Span } from '../../src/model/span.js';
import { runTracelint } from '../support/cli.js';
import { decodeSdk, richTrace, toOtlpJson, toOtlpProto } from '../support/sdk.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const PB_FIXTURE = path.join(FIXTURES, 'checkout.otlp.pb');
const REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';

/** A span without where it was read from: what must agree between encodings. */
function withoutSource(spans: readonly Span[]): unknown[] {
  return spans.map(({ source: _source, ...rest }) => rest);
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tracelint-proto-'));
}

/** A binary request made by protobufjs from an OTLP object (for inputs the SDK never makes). */
function encode(request: object): Uint8Array {
  const type = traceServiceType(REQUEST);
  return type.encode(type.fromObject(request)).finish();
}

const ONE_SPAN = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
      scopeSpans: [{ spans: [{ traceId: Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex'), spanId: Buffer.from('00f067aa0ba902b7', 'hex'), name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000100000002' }] }],
    },
  ],
};

describe('OTLP protobuf decodes to the same model as OTLP/JSON', () => {
  it('the SDK serializers: protobuf and JSON of the same spans, field by field', async () => {
    const sdk = await richTrace();
    const fromProto = decodeOtlpProto(toOtlpProto(sdk), 'sdk.pb');
    const fromJson = decodeSdk(toOtlpJson(sdk));
    expect(fromProto).toHaveLength(sdk.length);
    expect(withoutSource(fromProto)).toEqual(withoutSource(fromJson));
    expect(fromProto.every((span) => span.source.format === 'otlp-proto' && span.source.file === 'sdk.pb')).toBe(true);
  });

  it('the bundled fixture checkout.otlp.pb reads as checkout.otlp.json does', async () => {
    const pb = await readTraces([PB_FIXTURE]);
    const json = await readTraces([path.join(FIXTURES, 'checkout.otlp.json')]);
    expect(pb.inputs).toEqual([{ name: PB_FIXTURE, format: 'otlp-proto', bytes: readFileSync(PB_FIXTURE).length, compressed: false, spanCount: 14, skipped: {}, mergedParts: 0 }]);
    expect(withoutSource(pb.spans)).toEqual(withoutSource(json.spans));
  });

  it('ids become hex, 64-bit times stay exact, the request keeps the OTLP/JSON shape', () => {
    const request = protoToOtlpJson(encode(ONE_SPAN), 'one.pb');
    const span = ((request.resourceSpans as any[])[0].scopeSpans[0].spans[0]) as Record<string, unknown>;
    expect(span).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', kind: 2, startTimeUnixNano: '1700000000000000001' });
    const [decoded] = decodeOtlpProto(encode(ONE_SPAN), 'one.pb');
    expect(decoded!.endTimeUnixNano).toBe(1_700_000_000_100_000_002n);
    expect(decoded!.parentSpanId).toBeUndefined();
  });

  it('an empty message is an empty request: no spans, no error', () => {
    expect(decodeOtlpProto(new Uint8Array(0), 'empty.pb')).toEqual([]);
  });
});

describe('reading .pb inputs', () => {
  it('by extension (.pb, .binpb, .pb.gz), in directories, and from stdin with --format otlp-proto', async () => {
    const dir = tempDir();
    const bytes = readFileSync(PB_FIXTURE);
    writeFileSync(path.join(dir, 'a.pb'), bytes);
    writeFileSync(path.join(dir, 'b.binpb'), bytes);
    writeFileSync(path.join(dir, 'c.pb.gz'), gzipSync(bytes));
    const read = await readTraces([dir]);
    expect(read.inputs.map((input) => [path.basename(input.name), input.format, input.compressed, input.spanCount])).toEqual([
      ['a.pb', 'otlp-proto', false, 14],
      ['b.binpb', 'otlp-proto', false, 14],
      ['c.pb.gz', 'otlp-proto', true, 14],
    ]);
    const stdin = await runTracelint(['stats', '--json', '--format', 'otlp-proto', '-'], { stdin: bytes });
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.stdout)).toMatchObject([{ name: '<stdin>', format: 'otlp-proto', spans: 14 }]);
  });

  it('check reads the fixture: the healthy checkout has no finding', async () => {
    const run = await runTracelint(['check', PB_FIXTURE]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('no problems in 2 traces, 14 spans');
  });

  const fixture = (): Buffer => readFileSync(PB_FIXTURE);
  it.each([
    ['truncated', () => fixture().subarray(0, 100), /^trunc\.pb: invalid protobuf at byte 3: a field runs past the end of its message: truncated, or not an ExportTraceServiceRequest$/],
    ['a length beyond the end', () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), /^trunc\.pb: invalid protobuf at byte 5: a field runs past the end of its message: truncated, or not an ExportTraceServiceRequest$/],
    ['a wire type protobuf does not have', () => Buffer.from([0x0f]), /^trunc\.pb: invalid protobuf at byte 1: invalid wire type 7$/],
    ['JSON named .pb', () => readFileSync(path.join(FIXTURES, 'checkout.otlp.json')), /^trunc\.pb: invalid protobuf at byte \d+: invalid wire type \d \(this looks like JSON: name the file \.json or use --format otlp-json\)$/],
    ['a span kind the schema does not define', () => Buffer.from(encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...ONE_SPAN.resourceSpans[0]!.scopeSpans[0]!.spans[0], kind: 9 }] }] }] })), /^trunc\.pb: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.kind: expected one of 0\/SPAN_KIND_UNSPECIFIED.*found number 9$/],
  ])('%s: an InputError naming the file and the byte, exit 2 without a stack', async (_name, bytes, message) => {
    expect(() => decodeOtlpProto(bytes(), 'trunc.pb')).toThrow(InputError);
    expect(() => decodeOtlpProto(bytes(), 'trunc.pb')).toThrow(message);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'trunc.pb'), bytes());
    const run = await runTracelint(['check', 'trunc.pb'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^tracelint: ${message.source.slice(1).replace(/\$$/, "")}\\n`));
    expect(run.stderr).not.toContain('    at ');
  });

  it('nesting deeper than protobufjs allows is an error, not a stack overflow', () => {
    // AnyValue{kvlist_value: KeyValueList{values: [KeyValue{key, value: AnyValue{…}}]}}, 1000 deep, written field by field.
    const field = (tag: number, bytes: Uint8Array): Uint8Array => protobuf.Writer.create().uint32((tag << 3) | 2).bytes(bytes).finish();
    const cat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts);
    let any = field(1, Buffer.from('x'));
    for (let i = 0; i < 1000; i++) any = field(6, field(1, cat(field(1, Buffer.from('k')), field(2, any))));
    const span = cat(field(1, Buffer.alloc(16, 1)), field(2, Buffer.alloc(8, 2)), field(5, Buffer.from('n')), field(9, cat(field(1, Buffer.from('deep')), field(2, any))));
    expect(() => decodeOtlpProto(field(1, field(2, field(2, span))), 'deep.pb')).toThrow(/^deep\.pb: invalid protobuf at byte \d+: max depth exceeded$/);
  });

  it('a .pb larger than --max-input-bytes (after gunzip) is refused', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'big.pb.gz'), gzipSync(fixture()));
    const run = await runTracelint(['check', '--max-input-bytes', '1000', 'big.pb.gz'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('big.pb.gz: input is larger than the limit of 1000 bytes after decompression');
  });
});
