#!/usr/bin/env node
// Waterfall rendering cost: layout + paint for generated traces of 10k and
// 100k spans (a realistic tree: fan-out 1-8, depth up to 30), reported per span;
// the ratio of per-span cost at 100k to 10k is ~1 when rendering is linear.
//
//   npm run build && node bench/render.mjs
import { TraceSet, layoutWaterfall, paintWaterfall, makeTheme } from '../dist/index.js';

function tree(count, seed = 3) {
  let state = seed;
  const rand = () => ((state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const T0 = 1_700_000_000_000_000_000n;
  const resource = { attributes: Object.create(null), serviceName: 'svc', droppedAttributesCount: 0 };
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
    spans.push({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: i === 0 ? undefined : spans[parent].spanId,
      name: `op ${i % 50}`, kind: 'INTERNAL', startTimeUnixNano: start, endTimeUnixNano: start + BigInt(1000 + Math.floor(rand() * 100000)),
      status: { code: i % 97 === 0 ? 'ERROR' : 'UNSET' }, attributes: Object.create(null), events: [], links: [], droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
      resource: { ...resource, serviceName: `svc-${i % 7}` }, scope: { name: 'bench' }, source: { file: 'bench', format: 'otlp-json' },
    });
  }
  return new TraceSet(spans).traces.values().next().value;
}

const theme = makeTheme(false, true);
const results = [];
for (const count of [10_000, 100_000]) {
  const trace = tree(count);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    const rows = layoutWaterfall(trace, { width: 160 });
    const lines = paintWaterfall(trace, rows, theme, { width: 160 });
    best = Math.min(best, performance.now() - start);
    if (lines.length < count) throw new Error('not every span was drawn');
  }
  results.push({ count, ms: best, perSpanUs: (best * 1000) / count });
  console.log(`${count} spans: ${best.toFixed(0)} ms (${((best * 1000) / count).toFixed(2)} µs per span)`);
}
console.log(`per-span cost 100k / 10k: ${(results[1].perSpanUs / results[0].perSpanUs).toFixed(2)} (1.00 = linear)`);
