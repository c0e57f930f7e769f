#!/usr/bin/env node
// Waterfall rendering cost: layout + paint for generated traces of 10k and
// 100k spans (a realistic tree: fan-out 1-8, depth up to 30), reported per span;
// the ratio of per-span cost at 100k to 10k is ~1 when rendering is linear.
//
//   npm run build && node bench/render.mjs
import { layoutWaterfall, paintWaterfall, makeTheme } from '../dist/index.js';
import { randomTree } from './trees.mjs';

const theme = makeTheme(false, true);
const results = [];
for (const count of [10_000, 100_000]) {
  const trace = randomTree(count);
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
