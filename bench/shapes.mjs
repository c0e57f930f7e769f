// Benchmark shapes beyond generate.mjs's many small traces, each a seeded generator of span
// records in batches (an OTLP request each in JSON lines), for the shapes a rule may be
// superlinear on (issue #19):
//
//   scheduled    healthy traces of 100 spans each, services calling each other; 1 in 10 a
//                scheduled job with an INTERNAL root, started at a steady interval in a service
//                that also serves requests; requests overlap (about 20 running at any moment)
//   one-trace    a single trace of every span: deep (a spine 1 in 100 spans long, 10k levels at
//                1M spans) and wide (a span with a tenth of the spans as children), calls between
//                services, and the faults a big trace shows: a detached subtree whose parent was
//                not exported, 1 in 500 spans a second root (background work), a parent cycle with
//                a subtree under it, and 1 in 500 spans a call to 'api' made without a CLIENT span
//                (Node's fetch uninstrumented), so 'api' starts a new trace while the batch runs
//   one-service  almost every span in one service ('worker'): requests (a SERVER root, database
//                calls), a queue job every 50 ms (an INTERNAL root, calls to 'api', 1 in 50 of
//                them made without a CLIENT span, so 'api' starts a new trace), scripts (CLIENT
//                roots); 50 requests running at a time
//   sequential-job  one long job ('migrator', an INTERNAL root) calling 'api' one call after
//                another, every other call through a client nothing instruments (a new 'api'
//                trace in the gap between two traced calls): each untraced root is enclosed by
//                the one job, which made a third of the spans as CLIENT calls
import { mulberry32 } from './generate.mjs';

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;
const BATCH = 1000;

function ids(rand) {
  const hex = (length) => {
    let out = '';
    while (out.length < length) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  };
  return { trace: () => hex(32), span: () => hex(16) };
}

/** A span record as generate.mjs's encoders take it. */
function record(traceId, spanId, parent, service, kind, name, start, end, attributes = {}) {
  return { traceId, spanId, parent, service, kind, name, start, end, attributes: { 'thread.id': 1, ...attributes }, events: [], error: false };
}

/** A child window inside the parent's: starting in its first half, ending before it does. */
function inside(rand, start, end) {
  const window = Number(end - start);
  const s = start + BigInt(Math.floor(window * rand() * 0.5));
  return [s, s + BigInt(Math.floor(Number(end - s) * (0.2 + rand() * 0.75)))];
}

const SERVICES = ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'shipping', 'email', 'recommendation', 'ad', 'currency'];
const http = (method, route, status = 200) => ({ 'http.request.method': method, 'http.route': route, 'url.path': route.replace('{id}', '42'), 'http.response.status_code': status });

/** One healthy trace of `size` spans under `root`: children in the root's window, a third of them calls to another service. */
function fill(rand, id, spans, size) {
  while (spans.length < size) {
    const parent = spans[Math.floor(rand() * spans.length)];
    const [start, end] = inside(rand, parent.start, parent.end);
    if (rand() < 0.3 && spans.length + 2 <= size) {
      const target = SERVICES[1 + Math.floor(rand() * 9)];
      if (target === parent.service) continue;
      const route = `/${target}/{id}`;
      const client = record(parent.traceId, id.span(), parent.spanId, parent.service, 3, `POST ${route}`, start, end, { ...http('POST', route), 'server.address': target, 'peer.service': target });
      const latency = (end - start) / 10n;
      spans.push(client, record(parent.traceId, id.span(), client.spanId, target, 2, `POST ${route}`, start + latency, end - latency, http('POST', route)));
    } else if (rand() < 0.3) {
      spans.push(record(parent.traceId, id.span(), parent.spanId, parent.service, 3, 'SELECT orders', start, end, { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = ?' }));
    } else {
      spans.push(record(parent.traceId, id.span(), parent.spanId, parent.service, 1, 'process', start, end));
    }
  }
  return spans;
}

function* scheduled(total, seed) {
  const rand = mulberry32(seed);
  const id = ids(rand);
  let made = 0;
  for (let n = 0; made < total; n++) {
    const size = Math.min(100, total - made);
    const traceId = id.trace();
    // A request every 5 ms lasting 50-150 ms: about 20 running at a time.
    const start = T0 + BigInt(n) * 5n * MS;
    const root =
      n % 10 === 9
        ? // Every 10th trace is the checkout service's cleanup job, every 50 ms to the nanosecond.
          record(traceId, id.span(), undefined, 'checkout', 1, 'cleanup-expired-carts', start + 1n * MS, start + 1n * MS + BigInt(20 + Math.floor(rand() * 40)) * MS)
        : record(traceId, id.span(), undefined, 'frontend', 2, 'GET /api/cart/{id}', start, start + BigInt(50 + Math.floor(rand() * 100)) * MS, http('GET', '/api/cart/{id}'));
    const spans = fill(rand, id, [root], size);
    made += spans.length;
    yield spans;
  }
}

function* oneTrace(total, seed) {
  const rand = mulberry32(seed);
  const id = ids(rand);
  const traceId = id.trace();
  const root = record(traceId, id.span(), undefined, 'frontend', 2, 'POST /batch', T0, T0 + 1_000_000n * MS, http('POST', '/batch'));
  const wide = record(traceId, id.span(), root.spanId, 'frontend', 1, 'for-each-item', T0 + MS, T0 + 999_000n * MS);
  // A pair naming each other as parent (an id generator that repeats), with a subtree hung under it.
  const cycleA = { ...record(traceId, id.span(), undefined, 'frontend', 1, 'retry', T0 + 2n * MS, T0 + 900_000n * MS) };
  const cycleB = record(traceId, id.span(), cycleA.spanId, 'frontend', 1, 'retry', T0 + 3n * MS, T0 + 800_000n * MS);
  cycleA.parent = cycleB.spanId;
  const spans = [root, wide, cycleA, cycleB];
  const spine = [root];
  const cycleChain = [cycleB];
  let batch = [...spans];
  // Spans made, the other traces' included (`spans` holds the big trace's: its spans' parents).
  let made = spans.length;
  const add = (span) => {
    spans.push(span);
    batch.push(span);
    made++;
  };
  while (made < total) {
    const i = made;
    let parent;
    if (i % 100 === 0) parent = spine[spine.length - 1];
    else if (i % 10 === 0) parent = wide;
    else if (i % 101 === 0) parent = cycleChain[cycleChain.length - 1];
    else parent = spans[Math.floor(rand() * spans.length)];
    const [start, end] = parent === spine[spine.length - 1] ? [parent.start + 1000n, parent.end - 1000n] : inside(rand, parent.start, parent.end);
    if (i % 500 === 0) {
      // A second root: background work started without its parent's context.
      add(record(traceId, id.span(), undefined, 'ad', 1, 'background', start, end));
    } else if (i % 500 === 1 || i % 500 === 2) {
      // The batch calls 'api' (traced), and as often with fetch uninstrumented, late in the batch: 'api' starts a new trace.
      const at = root.end - BigInt(200 + Math.floor(rand() * 600)) * MS;
      const call = { ...http('PUT', '/api/items/{id}'), 'server.address': 'api' };
      if (i % 1000 < 500) {
        const client = record(traceId, id.span(), root.spanId, 'frontend', 3, 'PUT /api/items/{id}', at, at + 10n * MS, call);
        add(client);
        add(record(traceId, id.span(), client.spanId, 'api', 2, 'PUT /api/items/{id}', at + MS, at + 9n * MS, http('PUT', '/api/items/{id}')));
      } else {
        batch.push(record(id.trace(), id.span(), undefined, 'api', 2, 'PUT /api/items/{id}', at + MS, at + 9n * MS, { ...http('PUT', '/api/items/{id}'), 'user_agent.original': 'node' }));
        made++;
      }
    } else if (rand() < 0.3 && total - made >= 2) {
      const target = SERVICES[1 + Math.floor(rand() * 9)];
      const client = record(traceId, id.span(), parent.spanId, parent.service, 3, `POST /${target}`, start, end, { 'server.address': target, 'peer.service': target });
      const latency = (end - start) / 10n;
      add(client);
      add(record(traceId, id.span(), client.spanId, target, 2, `POST /${target}`, start + latency, end - latency));
      if (parent === spine[spine.length - 1]) spine.push(client);
    } else {
      const span = record(traceId, id.span(), parent.spanId, parent.service, rand() < 0.2 ? 3 : 1, rand() < 0.3 ? 'SELECT items' : 'process', start, end);
      add(span);
      if (parent === spine[spine.length - 1]) spine.push(span);
      if (parent === cycleChain[cycleChain.length - 1]) cycleChain.push(span);
    }
    if (batch.length >= BATCH) {
      yield finish(batch, wide);
      batch = [];
    }
  }
  if (batch.length > 0) yield finish(batch, wide);
}

/** The wide span's parent was not exported: its subtree hangs detached (orphan-span, with its size). */
function finish(batch, wide) {
  return batch.map((span) => (span === wide ? { ...span, parent: 'deadbeefdeadbeef' } : span));
}

function* oneService(total, seed) {
  const rand = mulberry32(seed);
  const id = ids(rand);
  let made = 0;
  for (let n = 0; made < total; n++) {
    const traceId = id.trace();
    // A trace every 2 ms, requests lasting 50-150 ms: about 50 running at a time.
    const start = T0 + BigInt(n) * 2n * MS;
    const spans = [];
    if (n % 25 === 24) {
      // The queue job, every 50 ms: many spans, calls to 'api'.
      const job = record(traceId, id.span(), undefined, 'worker', 1, 'process-queue', start + MS, start + MS + BigInt(100 + Math.floor(rand() * 100)) * MS);
      spans.push(job);
      const size = Math.min(200 + Math.floor(rand() * 200), total - made);
      while (spans.length < size) {
        const parent = spans[Math.floor(rand() * spans.length)];
        if (parent.service !== 'worker') continue;
        const [s, e] = inside(rand, parent.start, parent.end);
        if (rand() < 0.2) {
          const latency = (e - s) / 10n;
          if (rand() < 0.02) {
            // No CLIENT span: 'api' starts a trace of its own during the call.
            const lost = record(id.trace(), id.span(), undefined, 'api', 2, 'PUT /api/items/{id}', s + latency, e - latency, { ...http('PUT', '/api/items/{id}'), 'user_agent.original': 'node' });
            made++;
            yield [lost];
            continue;
          }
          const client = record(traceId, id.span(), parent.spanId, 'worker', 3, 'PUT /api/items/{id}', s, e, { ...http('PUT', '/api/items/{id}'), 'server.address': 'api', 'peer.service': 'api' });
          if (spans.length + 2 > size) continue;
          spans.push(client, record(traceId, id.span(), client.spanId, 'api', 2, 'PUT /api/items/{id}', s + latency, e - latency, http('PUT', '/api/items/{id}')));
        } else spans.push(record(traceId, id.span(), parent.spanId, 'worker', rand() < 0.5 ? 3 : 1, rand() < 0.5 ? 'SELECT items' : 'transform', s, e, rand() < 0.5 ? { 'db.system.name': 'postgresql' } : {}));
      }
    } else {
      const script = n % 10 === 3;
      const root = script
        ? record(traceId, id.span(), undefined, 'worker', 3, 'GET /health', start, start + 5n * MS, { ...http('GET', '/health'), 'server.address': 'localhost' })
        : record(traceId, id.span(), undefined, 'worker', 2, 'GET /api/items/{id}', start, start + BigInt(50 + Math.floor(rand() * 100)) * MS, http('GET', '/api/items/{id}'));
      spans.push(root);
      const size = Math.min(script ? 1 : 20 + Math.floor(rand() * 40), total - made);
      while (spans.length < size) {
        const parent = spans[Math.floor(rand() * spans.length)];
        const [s, e] = inside(rand, parent.start, parent.end);
        spans.push(record(traceId, id.span(), parent.spanId, 'worker', rand() < 0.4 ? 3 : 1, rand() < 0.4 ? 'SELECT items' : 'render', s, e, rand() < 0.4 ? { 'db.system.name': 'postgresql' } : {}));
      }
    }
    made += spans.length;
    yield spans;
  }
}

function* sequentialJob(total, seed) {
  const rand = mulberry32(seed);
  const id = ids(rand);
  const traceId = id.trace();
  const calls = Math.ceil(total / 3);
  const job = record(traceId, id.span(), undefined, 'migrator', 1, 'backfill items', T0, T0 + BigInt(calls + 1) * 2n * MS);
  let batch = [job];
  let made = 1;
  for (let n = 0; made < total; n++) {
    // Each call takes 1 ms of its 2 ms turn.
    const start = T0 + MS + BigInt(n) * 2n * MS;
    const route = '/api/items/{id}';
    if (n % 2 === 0 && made + 2 <= total) {
      const client = record(traceId, id.span(), job.spanId, 'migrator', 3, `PUT ${route}`, start, start + MS, { ...http('PUT', route), 'server.address': 'api', 'peer.service': 'api' });
      batch.push(client, record(traceId, id.span(), client.spanId, 'api', 2, `PUT ${route}`, start + MS / 10n, start + MS - MS / 10n, http('PUT', route)));
      made += 2;
    } else {
      batch.push(record(id.trace(), id.span(), undefined, 'api', 2, `PUT ${route}`, start + MS / 10n, start + MS - MS / 10n, { ...http('PUT', route), 'user_agent.original': 'node' }));
      made++;
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export const SHAPES = { scheduled, 'one-trace': oneTrace, 'one-service': oneService, 'sequential-job': sequentialJob };
