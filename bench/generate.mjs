#!/usr/bin/env node
// Seeded generator of realistic traces for benchmarks: services calling each other
// (SERVER/CLIENT pairs, PRODUCER/CONSUMER, INTERNAL work), depth and fan-out,
// HTTP/DB attributes, events, and a few of each failure mode (orphans, skewed
// clocks, PII, deprecated attributes, errors without details).
//
//   node bench/generate.mjs --spans 100000 --format otlp-jsonl --seed 1 --out /tmp/t.jsonl
//   node bench/generate.mjs --spans 1000000 --shape one-trace --format otlp-jsonl   # other shapes: bench/shapes.mjs
//
// Writes in chunks to a temporary name and renames, so multi-GB outputs never sit in one string.
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { SHAPES } from './shapes.mjs';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'shipping', 'email', 'recommendation', 'ad', 'currency'];
const ROUTES = ['/api/cart', '/api/checkout', '/api/products/{id}', '/api/orders', '/healthz', '/api/recommendations'];

function hex(rand, length) {
  let out = '';
  while (out.length < length) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** One trace as plain span records (times in ns as bigint). */
export function* generateTraces(totalSpans, seed = 1) {
  const rand = mulberry32(seed);
  let made = 0;
  let t0 = 1_700_000_000_000_000_000n;
  let traceNumber = 0;
  while (made < totalSpans) {
    traceNumber++;
    const size = Math.min(totalSpans - made, 5 + Math.floor(rand() * 60));
    const traceId = hex(rand, 32);
    const spans = [];
    const skewedService = traceNumber % 50 === 0 ? SERVICES[1 + Math.floor(rand() * 9)] : undefined;
    const root = { traceId, spanId: hex(rand, 16), parent: undefined, service: 'frontend', kind: 2, name: `GET ${ROUTES[Math.floor(rand() * ROUTES.length)]}`, start: t0, end: t0 + BigInt(5_000_000 + Math.floor(rand() * 200_000_000)), depth: 0 };
    spans.push(root);
    while (spans.length < size) {
      const parent = spans[Math.floor(rand() * spans.length)];
      if (parent.depth > 12) continue;
      const window = parent.end - parent.start;
      const start = parent.start + BigInt(Math.floor(Number(window) * rand() * 0.5));
      const end = start + BigInt(Math.floor(Number(parent.end - start) * (0.2 + rand() * 0.75)));
      const remote = rand() < 0.3 && spans.length + 2 <= size;
      if (remote) {
        const target = SERVICES[1 + Math.floor(rand() * 9)];
        const client = { traceId, spanId: hex(rand, 16), parent: parent.spanId, service: parent.service, kind: 3, name: `POST /${target}`, start, end, depth: parent.depth + 1, peer: target };
        const server = { traceId, spanId: hex(rand, 16), parent: client.spanId, service: target, kind: 2, name: `POST /${target}`, start: start + (end - start) / 10n, end: end - (end - start) / 10n, depth: parent.depth + 2 };
        spans.push(client, server);
      } else {
        spans.push({ traceId, spanId: hex(rand, 16), parent: parent.spanId, service: parent.service, kind: rand() < 0.2 ? 3 : 1, name: rand() < 0.3 ? 'SELECT orders' : 'process', start, end, depth: parent.depth + 1, db: rand() < 0.3 });
      }
    }
    for (const span of spans) {
      span.attributes = attributesFor(span, rand, traceNumber);
      span.events = rand() < 0.1 ? [{ time: span.start + (span.end - span.start) / 2n, name: 'cache.miss' }] : [];
      span.error = rand() < 0.02;
      if (skewedService && span.service === skewedService) {
        span.start -= 300_000_000n;
        span.end -= 300_000_000n;
      }
    }
    // Failure modes: every 40th trace loses a parent (orphaned subtree).
    if (traceNumber % 40 === 0 && spans.length > 3) spans.splice(1, 1);
    made += spans.length;
    t0 += 1_000_000_000n;
    yield spans;
  }
}

function attributesFor(span, rand, traceNumber) {
  const a = { 'http.request.method': 'GET', 'url.path': '/api/x', 'http.response.status_code': 200, 'server.address': span.peer ?? 'localhost', 'thread.id': Math.floor(rand() * 64) };
  if (span.db) Object.assign(a, { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = ?', 'db.namespace': 'shop' });
  if (traceNumber % 97 === 0) a['user.email'] = 'jane.doe@acmecorp.eu';
  if (traceNumber % 89 === 0) a['http.method'] = 'GET';
  return a;
}

// ---- encoders: each yields text chunks --------------------------------------

function otlpValue(v) {
  return typeof v === 'number' ? (Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v }) : typeof v === 'boolean' ? { boolValue: v } : { stringValue: String(v) };
}

function otlpAttrs(obj) {
  return Object.entries(obj).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

function otlpRequest(spans) {
  const byService = new Map();
  for (const s of spans) (byService.get(s.service) ?? byService.set(s.service, []).get(s.service)).push(s);
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: otlpAttrs({ 'service.name': service, 'host.name': `${service}-7f9c`, 'telemetry.sdk.language': 'nodejs' }) },
      scopeSpans: [{
        scope: { name: '@opentelemetry/instrumentation-http', version: '0.200.0' },
        spans: list.map((s) => ({
          traceId: s.traceId, spanId: s.spanId, ...(s.parent ? { parentSpanId: s.parent } : {}), flags: 1, name: s.name, kind: s.kind,
          startTimeUnixNano: String(s.start), endTimeUnixNano: String(s.end), attributes: otlpAttrs(s.attributes),
          events: s.events.map((e) => ({ timeUnixNano: String(e.time), name: e.name, attributes: [] })),
          status: s.error ? { code: 2, message: 'upstream failed' } : {},
        })),
      }],
    })),
  };
}

const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

function jaegerSpan(s) {
  return {
    traceID: s.traceId, spanID: s.spanId, operationName: s.name, flags: 1,
    references: s.parent ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parent }] : [],
    startTime: Number(s.start / 1000n), duration: Number((s.end - s.start) / 1000n),
    tags: [...Object.entries(s.attributes).map(([key, value]) => ({ key, type: typeof value === 'number' ? 'int64' : 'string', value })), { key: 'span.kind', type: 'string', value: KIND_NAMES[s.kind] }, ...(s.error ? [{ key: 'error', type: 'bool', value: true }] : [])],
    logs: s.events.map((e) => ({ timestamp: Number(e.time / 1000n), fields: [{ key: 'event', type: 'string', value: e.name }] })),
    processID: `p-${s.service}`, warnings: null,
  };
}

function zipkinSpan(s) {
  const kind = { 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' }[s.kind];
  return {
    traceId: s.traceId, id: s.spanId, ...(s.parent ? { parentId: s.parent } : {}), name: s.name, ...(kind ? { kind } : {}),
    timestamp: Number(s.start / 1000n), duration: Number((s.end - s.start) / 1000n), localEndpoint: { serviceName: s.service },
    tags: Object.fromEntries([...Object.entries(s.attributes).map(([k, v]) => [k, String(v)]), ...(s.error ? [['error', 'upstream failed']] : [])]),
    annotations: s.events.map((e) => ({ timestamp: Number(e.time / 1000n), value: e.name })),
  };
}

/** Text chunks of the whole export in the given format. */
export function* encode(format, traces) {
  if (format === 'otlp-jsonl') {
    for (const spans of traces) yield `${JSON.stringify(otlpRequest(spans))}\n`;
    return;
  }
  if (format === 'otlp-json' || format === 'otlp-json-min') {
    // One request, with one ResourceSpans entry per trace and service; -min writes it on one line, as JSON.stringify does.
    const newline = format === 'otlp-json' ? '\n' : '';
    yield '{"resourceSpans":[';
    let first = true;
    for (const spans of traces) {
      for (const rs of otlpRequest(spans).resourceSpans) {
        yield `${first ? '' : ','}${newline}${JSON.stringify(rs)}`;
        first = false;
      }
    }
    yield `${newline}]}\n`;
    return;
  }
  if (format === 'jaeger') {
    yield '{"data":[';
    let first = true;
    for (const spans of traces) {
      const processes = Object.fromEntries([...new Set(spans.map((s) => s.service))].map((service) => [`p-${service}`, { serviceName: service, tags: [] }]));
      yield `${first ? '' : ','}\n${JSON.stringify({ traceID: spans[0].traceId, spans: spans.map(jaegerSpan), processes, warnings: null })}`;
      first = false;
    }
    yield '\n],"total":0,"limit":0,"offset":0,"errors":null}\n';
    return;
  }
  if (format === 'zipkin') {
    yield '[';
    let first = true;
    for (const spans of traces) {
      for (const s of spans) {
        yield `${first ? '' : ','}\n${JSON.stringify(zipkinSpan(s))}`;
        first = false;
      }
    }
    yield '\n]\n';
    return;
  }
  throw new Error(`unknown format ${format}`);
}

/** The span batches of a shape: `default` is generateTraces' many small traces, the others are in shapes.mjs. */
export function generateShape(shape, spans, seed = 1) {
  if (shape === 'default') return generateTraces(spans, seed);
  if (!SHAPES[shape]) throw new Error(`unknown shape ${shape} (default, ${Object.keys(SHAPES).join(', ')})`);
  return SHAPES[shape](spans, seed);
}

export async function writeExport(path, format, spans, seed = 1, shape = 'default') {
  const temp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(temp);
  let bytes = 0;
  for (const chunk of encode(format, generateShape(shape, spans, seed))) {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(temp, path);
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
  const spans = Number(args.spans ?? 10000);
  const format = args.format ?? 'otlp-json';
  const shape = args.shape ?? 'default';
  const out = args.out ?? `/tmp/tracelint-${format}-${shape}-${spans}.json`;
  const bytes = await writeExport(out, format, spans, Number(args.seed ?? 1), shape);
  console.log(`${out}: ${spans} spans, ${(bytes / 1e6).toFixed(1)} MB, ${format}, ${shape}`);
}
