import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadProto, traceServiceType } from '../../src/formats/otlp-proto.js';
import { richTrace, toOtlpJson, toOtlpProto } from '../support/sdk.js';
import { send, storedSpanIds, testReceiver, type RequestOptions, type Response } from '../support/receiver.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const PROTO_TYPE = { 'content-type': 'application/x-protobuf' };
const RESPONSE = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse';

const sdkSpans = await richTrace();
const JSON_BODY = toOtlpJson(sdkSpans);
const PROTO_BODY = toOtlpProto(sdkSpans);
const SPAN_IDS = sdkSpans.map((span) => span.spanContext().spanId).sort();

function decodeStatus(body: Buffer): Record<string, unknown> {
  const type = loadProto('google/rpc/status.proto').lookupType('google.rpc.Status');
  return type.toObject(type.decode(body)) as Record<string, unknown>;
}

function decodeResponse(body: Buffer): Record<string, unknown> {
  const type = traceServiceType(RESPONSE);
  return type.toObject(type.decode(body), { longs: Number }) as Record<string, unknown>;
}

/** A JSON request with two spans, the second with a trace id of the wrong type. */
const HALF_BAD = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
      scopeSpans: [
        {
          spans: [
            { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' },
            { traceId: 42, spanId: '00f067aa0ba902b8', name: 'bad', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' },
          ],
        },
      ],
    },
  ],
});

describe('OTLP/HTTP answers', () => {
  it.each([
    ['JSON', JSON_TYPE, JSON_BODY],
    ['protobuf', PROTO_TYPE, PROTO_BODY],
    ['gzipped JSON', { ...JSON_TYPE, 'content-encoding': 'gzip' }, gzipSync(JSON_BODY)],
    ['gzipped protobuf', { ...PROTO_TYPE, 'content-encoding': 'gzip' }, gzipSync(PROTO_BODY)],
    ['JSON with a charset, sent in chunks', { 'content-type': 'application/json; charset=utf-8' }, [JSON_BODY.slice(0, 100), JSON_BODY.slice(100)]],
  ] as const)('%s: 200 with an empty ExportTraceServiceResponse in the same encoding, every span stored', async (_name, headers, body) => {
    const { url, finish } = await testReceiver();
    const response = await send(url, { headers, body: body as RequestOptions['body'] });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(headers['content-type'].startsWith('application/json') ? 'application/json' : 'application/x-protobuf');
    if (response.headers['content-type'] === 'application/json') expect(JSON.parse(response.body.toString())).toEqual({});
    else expect(response.body).toHaveLength(0); // an empty message: partial_success unset
    expect(storedSpanIds(await finish()).sort()).toEqual(SPAN_IDS);
  });

  it('a protobuf request is stored as an OTLP/JSON line that decodes as the JSON request does', async () => {
    const { url, finish } = await testReceiver();
    await send(url, { headers: PROTO_TYPE, body: PROTO_BODY });
    await send(url, { headers: JSON_TYPE, body: JSON_BODY });
    const [fromProto, fromJson] = await finish();
    // Same spans, same ids (hex), same exact times; the JSON exporter writes zero-valued fields the protobuf omits.
    const spans = (line: Record<string, any>) => line.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => [s.traceId, s.spanId, s.parentSpanId ?? '', s.startTimeUnixNano, s.endTimeUnixNano, s.name])));
    expect(spans(fromProto!)).toEqual(spans(fromJson!));
  });

  it('an empty request is a success and stores nothing', async () => {
    const { url, finish, receiver } = await testReceiver();
    expect((await send(url, { headers: JSON_TYPE, body: '{}' })).status).toBe(200);
    expect((await send(url, { headers: PROTO_TYPE, body: new Uint8Array(0) })).status).toBe(200);
    expect(await finish()).toEqual([]);
    expect(receiver.stats).toMatchObject({ requests: { json: 1, protobuf: 1 }, spans: 0 });
  });
});

describe('partial success', () => {
  it('JSON: the span with a field of the wrong type is rejected and counted, the other stored', async () => {
    const { url, finish, receiver } = await testReceiver();
    const response = await send(url, { headers: JSON_TYPE, body: HALF_BAD });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: '1 span(s) rejected; the first: resourceSpans[0].scopeSpans[0].spans[1].traceId: expected a string, found number 42 (line 1, column 311)' },
    });
    expect(storedSpanIds(await finish())).toEqual(['00f067aa0ba902b7']);
    expect(receiver.stats).toMatchObject({ spans: 1, rejectedSpans: 1 });
  });

  it('protobuf: a span kind the schema does not define is rejected, with partial_success in protobuf', async () => {
    const { url, finish } = await testReceiver();
    const type = traceServiceType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    const good = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' };
    const body = type.encode(type.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [good, { ...good, spanId: Buffer.alloc(8, 3), kind: 9 }] }] }] })).finish();
    const response = await send(url, { headers: PROTO_TYPE, body });
    expect(response.status).toBe(200);
    expect(decodeResponse(response.body)).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringMatching(/^1 span\(s\) rejected; the first: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.kind: expected one of .* found number 9$/) } });
    expect(storedSpanIds(await finish())).toEqual(['0202020202020202']);
  });
});

const GOOD_JSON: RequestOptions = { headers: JSON_TYPE, body: JSON_BODY };

describe('refusals: the exact status, a Status body, counted, and the receiver keeps working', () => {
  const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
  it.each<[string, RequestOptions, number, RegExp, string, Record<string, string>?]>([
    ['another path', { path: '/v1/metrics', headers: PROTO_TYPE, body: 'x' }, 404, /^nothing at \/v1\/metrics: tracelint receives traces only, at POST \/v1\/traces$/, 'not-found'],
    ['GET', { method: 'GET', headers: JSON_TYPE }, 405, /^GET is not allowed: send POST$/, 'method-not-allowed', { allow: 'POST' }],
    ['text/plain', { headers: { 'content-type': 'text/plain' }, body: JSON_BODY }, 415, /^Content-Type "text\/plain" is not supported: send application\/json or application\/x-protobuf$/, 'unsupported-media-type'],
    ['no Content-Type', { body: JSON_BODY }, 415, /^Content-Type "" is not supported/, 'unsupported-media-type'],
    ['brotli', { headers: { ...JSON_TYPE, 'content-encoding': 'br' }, body: JSON_BODY }, 415, /^Content-Encoding "br" is not supported: send gzip or no encoding$/, 'unsupported-encoding'],
    ['bad JSON', { headers: JSON_TYPE, body: '{"resourceSpans": [' }, 400, /^invalid JSON: expected a value \(object, array, string, number, true, false or null\) or '\]', found end of input \(line 1, column 20\)$/, 'bad-json'],
    ['JSON that is not a request', { headers: JSON_TYPE, body: '[1, 2]' }, 400, /^not an ExportTraceServiceRequest: the body: expected an object, found an array$/, 'bad-json'],
    ['invalid UTF-8', { headers: JSON_TYPE, body: Buffer.from([0x7b, 0xff, 0x7d]) }, 400, /^the body is not valid UTF-8$/, 'bad-json'],
    ['no valid span at all', { headers: JSON_TYPE, body: HALF_BAD.replace('"4bf92f3577b34da6a3ce929d0e0e4736"', '7') }, 400, /^2 span\(s\) rejected; the first: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected a string, found number 7/, 'bad-spans'],
    ['bad protobuf', { headers: PROTO_TYPE, body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]) }, 400, /^invalid protobuf at byte 5: a field runs past the end of its message: truncated, or not an ExportTraceServiceRequest$/, 'bad-protobuf'],
    ['JSON sent as protobuf', { headers: PROTO_TYPE, body: JSON_BODY }, 400, /^invalid protobuf at byte \d+: .*\(this looks like JSON/, 'bad-protobuf'],
    ['bad gzip', { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') }, 400, /^invalid gzip body: incorrect header check$/, 'bad-gzip'],
    ['too large by Content-Length', { headers: JSON_TYPE, body: Buffer.alloc(2 * 1024 * 1024, 0x20) }, 413, /^Content-Length is larger than the limit of 1048576 bytes \(--max-body-bytes\); send smaller batches$/, 'too-large', { connection: 'close' }],
    ['too large in chunks (no Content-Length)', { headers: JSON_TYPE, body: Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x20)) }, 413, /^the body is larger than the limit of 1048576 bytes/, 'too-large', { connection: 'close' }],
    ['a gzip bomb (8 MiB from 8 KiB)', { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: bomb }, 413, /^the body is, after gunzip, larger than the limit of 1048576 bytes/, 'too-large'],
  ])('%s', async (_name, request, status, message, reason, headers = {}) => {
    const { url, finish, receiver } = await testReceiver({ maxBodyBytes: 1024 * 1024 });
    const response = await send(url, request);
    expect(response.status).toBe(status);
    expect(response.headers).toMatchObject(headers);
    const protobuf = response.headers['content-type'] === 'application/x-protobuf';
    const body = protobuf ? decodeStatus(response.body) : (JSON.parse(response.body.toString()) as Record<string, unknown>);
    expect(body.message).toMatch(message);
    expect(body.code).toBeGreaterThan(0);
    // The next request is served as if nothing had happened.
    expect((await send(url, GOOD_JSON)).status).toBe(200);
    expect(storedSpanIds(await finish()).sort()).toEqual(SPAN_IDS);
    expect(receiver.stats.refused).toEqual({ [reason]: 1 });
    expect(receiver.stats.requests.json).toBe(1);
  });

  it('overload: past --max-in-flight, 503 with Retry-After; the request in flight and later ones are served', async () => {
    const { url, finish, receiver } = await testReceiver({ maxInFlight: 1 });
    // Hold one request in flight: its body is never finished until we say so.
    const { request: httpRequest } = await import('node:http');
    const held = httpRequest(new URL('/v1/traces', url), { method: 'POST', headers: { ...JSON_TYPE, 'content-length': String(JSON_BODY.length) } });
    const heldResponse = new Promise<number>((resolve) => held.on('response', (response) => resolve(response.statusCode!)));
    held.write(JSON_BODY.slice(0, 10));
    while (receiver.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const busy: Response = await send(url, { headers: PROTO_TYPE, body: PROTO_BODY });
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(decodeStatus(busy.body).message).toBe('busy: 1 requests in flight (the limit, --max-in-flight); retry after 1s');

    held.end(JSON_BODY.slice(10));
    expect(await heldResponse).toBe(200);
    expect((await send(url, { headers: PROTO_TYPE, body: PROTO_BODY })).status).toBe(200);
    expect(storedSpanIds(await finish())).toHaveLength(2 * SPAN_IDS.length);
    expect(receiver.stats.refused).toEqual({ busy: 1 });
  });

  it('past --max-connections a new connection is dropped and counted; once one closes, requests are served', async () => {
    const { url, finish, receiver } = await testReceiver({ maxConnections: 2 });
    const { port } = new URL(url);
    const open = async (): Promise<Socket> => {
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      return socket;
    };
    const kept = [await open(), await open()];
    const third = await open();
    await once(third, 'close'); // the server closed it at once
    expect(receiver.stats.refused).toEqual({ 'too-many-connections': 1 });
    kept[0]!.destroy();
    // Once the server has seen that close, a new connection fits again (a retry covers the moment before).
    let served: Response | undefined;
    for (let attempt = 0; attempt < 50 && served?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      served = await send(url, GOOD_JSON).catch(() => undefined);
    }
    expect(served?.status).toBe(200);
    kept[1]!.destroy();
    expect(storedSpanIds(await finish()).sort()).toEqual(SPAN_IDS);
  });

  it('a client that goes away mid-body is counted, and the receiver keeps working', async () => {
    const { url, finish, receiver } = await testReceiver();
    const { request: httpRequest } = await import('node:http');
    const gone = httpRequest(new URL('/v1/traces', url), { method: 'POST', headers: { ...JSON_TYPE, 'content-length': '100000' } });
    gone.on('error', () => undefined);
    gone.write('{"resourceSpans": [');
    while (receiver.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    gone.destroy();
    while (receiver.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await send(url, GOOD_JSON)).status).toBe(200);
    expect(storedSpanIds(await finish()).sort()).toEqual(SPAN_IDS);
    expect(receiver.stats.refused).toEqual({ aborted: 1 });
  });
});
