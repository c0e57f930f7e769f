// Generated traces for the benchmarks: plain span objects as the readers make them.
import { TraceSet } from '../dist/index.js';

export const T0 = 1_700_000_000_000_000_000n;

/** Span number `i` (ids from 1) under `parent`, from `start` to `end` (ns). */
export function benchSpan(i, parent, start, end) {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: parent?.spanId,
    name: `op ${i % 50}`, kind: 'INTERNAL', startTimeUnixNano: start, endTimeUnixNano: end,
    status: { code: i % 97 === 0 ? 'ERROR' : 'UNSET' }, attributes: Object.create(null), events: [], links: [], droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
    resource: { attributes: Object.create(null), serviceName: `svc-${i % 7}`, droppedAttributesCount: 0 }, scope: { name: 'bench' }, source: { file: 'bench', format: 'otlp-json' },
  };
}

/** A realistic tree: fan-out 1-8, depth up to 30, children starting within 1 µs of their parent and lasting 1-101 µs, seeded. */
export function randomTree(count, seed = 3) {
  let state = seed;
  const rand = () => ((state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const spans = [];
  const depth = [];
  for (let i = 0; i < count; i++) {
    let parent;
    if (i > 0) {
      do parent = Math.floor(rand() * i);
      while (depth[parent] >= 30);
    }
    depth.push(i === 0 ? 0 : depth[parent] + 1);
    const start = i === 0 ? T0 : spans[parent].startTimeUnixNano + BigInt(Math.floor(rand() * 1000));
    spans.push(benchSpan(i, spans[parent], start, start + BigInt(1000 + Math.floor(rand() * 100000))));
  }
  return oneTrace(spans);
}

export const oneTrace = (spans) => new TraceSet(spans).traces.values().next().value;
