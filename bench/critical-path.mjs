#!/usr/bin/env node
// Critical path cost on three shapes of 50k and 500k spans, as a ratio to a
// reference run in the same process: building the same trace's indexes from its
// spans, as reading does. The ratio stays about the same from 50k to 500k when
// the critical path is linear, and grows tenfold when it is quadratic:
//   wide  — one root with every other span a child, one after another (the walk
//           returns to the root once per child: a scan of all children each time
//           would make it quadratic);
//   deep  — a chain, each span inside its parent;
//   tree  — fan-out 1-8, depth up to 30, overlapping children.
//
//   npm run build && node --expose-gc bench/critical-path.mjs [sizes, default 50000,500000]
import { TraceSet, criticalPath } from '../dist/index.js';
import { benchSpan as span, oneTrace as one, randomTree, T0 } from './trees.mjs';

const SHAPES = {
  wide(count) {
    const root = span(0, undefined, T0, T0 + BigInt(count) * 1000n);
    return one([root, ...Array.from({ length: count - 1 }, (_, i) => span(i + 1, root, T0 + BigInt(i) * 1000n + 1n, T0 + BigInt(i) * 1000n + 900n))]);
  },
  deep(count) {
    const spans = [];
    for (let i = 0; i < count; i++) spans.push(span(i, spans[i - 1], T0 + BigInt(i), T0 + 10n * BigInt(count) - BigInt(i)));
    return one(spans);
  },
  tree: randomTree,
};

/** The reference: building the trace's indexes (parents, children sorted by start) from its spans, linear but for the sort. */
const index = (trace) => new TraceSet([...trace.spans]);

function best(run) {
  let fastest = Infinity;
  for (let round = 0; round < 5; round++) {
    globalThis.gc?.();
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const sizes = (process.argv[2] ?? '50000,500000').split(',').map(Number);
// Warm up every shape first, so the smaller size is not measured with a cold JIT.
for (const make of Object.values(SHAPES)) for (let round = 0; round < 3; round++) criticalPath(make(sizes[0]));
for (const [name, make] of Object.entries(SHAPES)) {
  const ratios = [];
  for (const count of sizes) {
    const trace = make(count);
    const sections = criticalPath(trace).length;
    const path = best(() => criticalPath(trace));
    const reference = best(() => index(trace));
    ratios.push(path / reference);
    console.log(`${name} ${count} spans: critical path ${path.toFixed(1)} ms (${sections} sections), indexing the trace ${reference.toFixed(1)} ms, ratio ${ratios.at(-1).toFixed(1)}`);
  }
  console.log(`${name}: ratio at ${sizes.at(-1)} / ratio at ${sizes[0]}: ${(ratios.at(-1) / ratios[0]).toFixed(2)} (about 1 = linear like the reference; quadratic would be ${sizes.at(-1) / sizes[0]})`);
}
