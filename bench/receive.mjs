#!/usr/bin/env node
// Receive throughput: tracelint's OTLP/HTTP receiver against a reference in the same run — a bare
// node:http server that only reads each body and answers 200 — on loopback, with the same clients
// and the same SDK-made request bodies (100 spans each, protobuf and JSON). Each server runs in its
// own process; the clients (8 keep-alive connections) in this one. Rounds alternate the two servers,
// and the median of each is reported, as spans/s and as the ratio ours / bare. Also printed: the
// in-process cost of only decoding the same bodies (protobufjs decode, JSON.parse), for scale, and
// a check that our receiver stored every span it was sent.
//
//   npm run build && node bench/receive.mjs [requests per round, default 1000] [rounds, default 5]
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** A server in this (child) process: `ours` or `bare`; tells the parent its port, stops on 'stop'. */
async function serve(kind) {
  let close;
  if (kind === 'ours') {
    const { startReceiver, JsonlStore } = await import('../dist/index.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-bench-receive-'));
    const file = path.join(dir, 'received.jsonl');
    const store = await JsonlStore.open(file);
    const receiver = await startReceiver({ port: 0, store });
    process.send({ port: Number(new URL(receiver.url).port) });
    close = async () => {
      await receiver.close();
      await store.finish();
      const stored = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      rmSync(dir, { recursive: true, force: true });
      return { stats: receiver.stats, storedLines: stored };
    };
  } else {
    let bytes = 0;
    const server = createServer((req, res) => {
      req.on('data', (chunk) => (bytes += chunk.length));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': req.headers['content-type'], 'content-length': 2 });
        res.end('{}');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.send({ port: server.address().port });
    close = async () => {
      await new Promise((resolve) => server.close(resolve).closeAllConnections());
      return { bytes };
    };
  }
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    process.send({ done: await close() });
    process.exit(0);
  });
}

/** SDK-made spans in requests of 100, serialized by the SDK's own serializers. */
async function bodies(count) {
  const { JsonTraceSerializer, ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let i = 0; i < count * 100; i++) {
    tracer.startSpan(`GET /item/${i % 20}`, { kind: 1, attributes: { 'http.request.method': 'GET', 'http.route': '/item/:id', 'http.response.status_code': 200, 'item.index': i } }).end();
  }
  const spans = memory.getFinishedSpans();
  const batches = Array.from({ length: count }, (_, i) => spans.slice(i * 100, (i + 1) * 100));
  return {
    protobuf: batches.map((batch) => Buffer.from(ProtobufTraceSerializer.serializeRequest(batch))),
    json: batches.map((batch) => Buffer.from(JsonTraceSerializer.serializeRequest(batch))),
  };
}

function start(kind) {
  const child = fork(here, ['--serve', kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ child, port })));
}

async function stop(child) {
  const done = new Promise((resolve) => child.once('message', resolve));
  child.send('stop');
  return (await done).done;
}

/** Sends every body over `clients` keep-alive connections; seconds taken. */
async function blast(port, list, contentType, clients = 8) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (next < list.length) {
        const body = list[next++];
        const status = await new Promise((resolve, reject) => {
          const req = request({ port, host: '127.0.0.1', path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          });
          req.on('error', reject);
          req.end(body);
        });
        if (status !== 200) throw new Error(`status ${status}`);
      }
      agent.destroy();
    }),
  );
  return (performance.now() - started) / 1000;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(count, rounds) {
  const made = await bodies(count);
  const spans = count * 100;
  console.log(`receive benchmark: ${count} requests of 100 spans per round, ${rounds} rounds, 8 keep-alive clients, Node ${process.version}\n`);
  console.log('| encoding | bare node:http (reads bodies) | tracelint receive | ratio | bytes per request |');
  console.log('| --- | --- | --- | --- | --- |');
  const summary = {};
  for (const [encoding, contentType] of [['protobuf', 'application/x-protobuf'], ['json', 'application/json']]) {
    const list = made[encoding];
    const times = { bare: [], ours: [] };
    let stored = 0;
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['bare', 'ours']) {
        const { child, port } = await start(kind);
        await blast(port, list.slice(0, Math.min(50, list.length)), contentType); // warm-up, not timed
        times[kind].push(await blast(port, list, contentType));
        const done = await stop(child);
        if (kind === 'ours') {
          stored = done.stats.spans;
          if (done.stats.spans !== spans + Math.min(50, list.length) * 100) throw new Error(`lost spans: stored ${done.stats.spans}`);
        }
      }
    }
    const bare = spans / median(times.bare);
    const ours = spans / median(times.ours);
    const bytes = Math.round(list.reduce((sum, body) => sum + body.length, 0) / list.length);
    summary[encoding] = { bare, ours, ratio: ours / bare, stored };
    console.log(`| ${encoding} | ${Math.round(bare).toLocaleString('en')} spans/s | ${Math.round(ours).toLocaleString('en')} spans/s | ${(ours / bare).toFixed(2)}x | ${bytes.toLocaleString('en')} |`);
  }

  // For scale: decoding alone, in process, no HTTP.
  const { traceServiceType } = await import('../dist/formats/otlp-proto.js');
  const type = traceServiceType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  const time = (fn) => {
    fn();
    const started = performance.now();
    fn();
    return spans / ((performance.now() - started) / 1000);
  };
  const decodeOnly = time(() => made.protobuf.forEach((body) => type.decode(body)));
  const parseOnly = time(() => made.json.forEach((body) => JSON.parse(body.toString())));
  console.log(`\nfor scale, in process without HTTP: protobufjs decode ${Math.round(decodeOnly).toLocaleString('en')} spans/s, JSON.parse ${Math.round(parseOnly).toLocaleString('en')} spans/s`);
  console.log('every span sent to tracelint receive was stored (checked each round)');
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]);
} else {
  await main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
}
