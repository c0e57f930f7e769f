#!/usr/bin/env node
// A trace's tree both ways, in one process on the same spans: from the span
// store's packed ids (what `check` does, model/packed-tree.ts) against from
// the ids as strings (model/trace-tree.ts, what a Trace of spans on their own
// does), and asking every span's parent by position against by span. On one
// trace of every span (bench/shapes.mjs one-trace) and on a million small
// traces (the default shape).
//
//   npm run build && node bench/trace-tree.mjs                 # 1M spans, both shapes
//   node bench/trace-tree.mjs --spans 100000 --runs 5
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTraces } from '../dist/index.js';
import { Trace } from '../dist/model/trace.js';
import { writeExport } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const spans = Number(args.spans ?? 1_000_000);
const runs = Number(args.runs ?? 3);

/** The fastest of `runs` timings of `work`, in ms. */
function fastest(work) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

console.log('| shape | spans | traces | by strings ms | packed ms | ratio | parent(span) ms | parentAt(i) ms | ratio |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const shape of ['one-trace', 'default']) {
  const file = path.join(out, shape === 'default' ? `${spans}.jsonl` : `${spans}.${shape}.jsonl`);
  if (!existsSync(file)) {
    mkdirSync(out, { recursive: true });
    await writeExport(file, 'otlp-jsonl', spans, 1, shape);
  }
  const { store } = await readTraces([file]);
  // Each trace's spans built once, outside the timings: only the tree is timed.
  const traces = Array.from({ length: store.traceCount }, (_, t) => ({ id: store.traceId(t), spans: store.spansOf(t), t }));
  const byStrings = fastest(() => traces.map(({ id, spans }) => new Trace(id, spans)));
  const packed = fastest(() => traces.map(({ id, spans, t }) => new Trace(id, spans, store.treeOf(t))));
  const built = traces.map(({ id, spans, t }) => new Trace(id, spans, store.treeOf(t)));
  const bySpan = fastest(() => {
    let found = 0;
    for (const trace of built) for (const span of trace.spans) if (trace.parent(span)) found++;
    return found;
  });
  const byPosition = fastest(() => {
    let found = 0;
    for (const trace of built) for (let i = 0; i < trace.spans.length; i++) if (trace.parentAt(i)) found++;
    return found;
  });
  const count = traces.reduce((sum, trace) => sum + trace.spans.length, 0);
  console.log(`| ${shape} | ${count} | ${traces.length} | ${byStrings.toFixed(0)} | ${packed.toFixed(0)} | ${(byStrings / packed).toFixed(2)} | ${bySpan.toFixed(0)} | ${byPosition.toFixed(0)} | ${(bySpan / byPosition).toFixed(2)} |`);
}
