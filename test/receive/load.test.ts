import { Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { send, storedSpanIds, testReceiver, type RequestOptions } from '../support/receiver.js';

/**
 * Load on loopback, bounded in count and time: 20 000 SDK-made spans in 200
 * requests (protobuf and JSON, a third gzipped) from concurrent keep-alive
 * clients. Every span must be stored; the rate is printed, not asserted.
 */
const SPANS = 20_000;
const PER_REQUEST = 100;

function sdkSpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'load' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('load-test');
  for (let i = 0; i < count; i++) tracer.startSpan(`op ${i % 50}`, { attributes: { 'load.index': i, 'http.route': `/r/${i % 7}` } }).end();
  return memory.getFinishedSpans();
}

const spans = sdkSpans(SPANS);
const ALL_IDS = spans.map((span) => span.spanContext().spanId).sort();
const REQUESTS: RequestOptions[] = Array.from({ length: SPANS / PER_REQUEST }, (_, i) => {
  const batch = spans.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST);
  const proto = i % 2 === 0;
  const body = proto ? ProtobufTraceSerializer.serializeRequest(batch)! : JsonTraceSerializer.serializeRequest(batch)!;
  const gzip = i % 3 === 0;
  return { headers: { 'content-type': proto ? 'application/x-protobuf' : 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) }, body: gzip ? gzipSync(body) : body };
});

/** `clients` keep-alive clients share the requests; a 503 is retried after its Retry-After. */
async function blast(url: string, clients: number): Promise<{ statuses: number[]; retries: number; seconds: number }> {
  const queue = [...REQUESTS];
  const statuses: number[] = [];
  let retries = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let request = queue.shift(); request; request = queue.shift()) {
        let response = await send(url, { ...request, agent });
        while (response.status === 503) {
          retries++;
          await new Promise((resolve) => setTimeout(resolve, Number(response.headers['retry-after']) * 1000 + 2));
          response = await send(url, { ...request, agent });
        }
        statuses.push(response.status);
      }
      agent.destroy();
    }),
  );
  return { statuses, retries, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

describe('load (loopback)', () => {
  it('20 000 spans from 8 concurrent clients: every request 200, every span stored', { timeout: 10_000 }, async () => {
    const { url, finish, receiver } = await testReceiver();
    const { statuses, seconds } = await blast(url, 8);
    const stored = storedSpanIds(await finish()).sort();
    console.log(`receive load: ${SPANS} spans in ${REQUESTS.length} requests from 8 clients in ${seconds.toFixed(2)}s = ${Math.round(SPANS / seconds)} spans/s`);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(stored).toEqual(ALL_IDS);
    expect(receiver.stats).toMatchObject({ requests: { json: 100, protobuf: 100 }, spans: SPANS, rejectedSpans: 0, refused: {} });
  });

  it('16 clients against 4 slots: throttled with 503, retried, none lost', { timeout: 10_000 }, async () => {
    const { url, finish, receiver } = await testReceiver({ maxInFlight: 4, retryAfterSeconds: 0 });
    const { statuses, retries, seconds } = await blast(url, 16);
    const stored = storedSpanIds(await finish()).sort();
    console.log(`receive load, throttled: ${SPANS} spans in ${seconds.toFixed(2)}s = ${Math.round(SPANS / seconds)} spans/s after ${retries} retries`);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(stored).toEqual(ALL_IDS);
    expect(receiver.stats.refused.busy).toBe(retries);
    expect(retries).toBeGreaterThan(0);
  });
});
