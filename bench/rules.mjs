#!/usr/bin/env node
// Every rule alone, on every shape, at two sizes: `lint` with that one rule, in process, on
// traces read once (a fresh TraceSet each time, so no rule gets another's cached indexes),
// the fastest of several runs. Beside each time, a reference from the same process: `lint`
// with a rule made here that is linear by construction (it reads each span's times, kind,
// name, attributes and parent, trace by trace, and reports nothing). The growth exponent is
// log(t2 / t1) / log(n2 / n1): about 1 for a linear rule, 2 for a quadratic one. The corrected
// exponent is 1 + the rule's less the reference's: what it would be were the reference exactly
// linear, which cancels what both suffer between the two sizes (a heap ten times as big, the
// caches, a busy core), so that linear rules come out near 1.
//
//   npm run build && node bench/rules.mjs                          # shapes default,scheduled,one-trace,one-service at 100k and 1M
//   node bench/rules.mjs --shapes one-trace --sizes 100000,1000000 --rules parent-cycle,orphan-span
//   node bench/rules.mjs --traces                                  # also the per-trace analyses (Trace indexes, cycleMembers, critical path)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeExport } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), (all[i + 1] ?? '--').startsWith('--') ? 'yes' : all[i + 1]]] : pairs), []));

/** The file of a shape and size, generated once. */
async function input(shape, spans) {
  const file = path.join(out, shape === 'default' ? `${spans}.jsonl` : `${spans}.${shape}.jsonl`);
  if (!existsSync(file)) {
    mkdirSync(out, { recursive: true });
    await writeExport(file, 'otlp-jsonl', spans, 1, shape);
  }
  return file;
}

if (args.measure) {
  // In a process of its own per file: one size's heap and JIT do not disturb the other's.
  const { RULES, TraceSet, criticalPath, defineRule, lint, readTraces } = await import('../dist/index.js');
  let sink = 0;
  const reference = defineRule({
    id: 'reference', category: 'hygiene', defaultSeverity: 'warn', summary: 'reads every span once', docs: { why: '', fix: '' }, options: {}, scope: 'trace',
    check({ trace }) {
      for (const span of trace.spans) {
        if (span.startTimeUnixNano !== undefined && span.endTimeUnixNano !== undefined && span.endTimeUnixNano < span.startTimeUnixNano) sink++;
        sink += span.kind.length + span.name.length + Object.keys(span.attributes).length + (trace.parent(span) ? 1 : 0);
      }
    },
  });
  const { spans } = await readTraces([args.measure]);
  const wanted = args.rules ? args.rules.split(',') : RULES.map((rule) => rule.id);
  const runs = Number(args.runs ?? 5);
  const fastest = (prepare, run) => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const state = prepare();
      globalThis.gc?.();
      const start = performance.now();
      run(state);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const result = { reference: fastest(() => new TraceSet(spans), (traces) => lint(traces, undefined, [reference])), rules: {} };
  for (const id of wanted) {
    const rule = RULES.find((candidate) => candidate.id === id);
    let findings = 0;
    result.rules[id] = fastest(() => new TraceSet(spans), (traces) => (findings = lint(traces, undefined, [rule]).diagnostics.length));
    result.rules[id + ' findings'] = findings;
  }
  if (args.traces) {
    result.rules['(Trace indexes)'] = fastest(() => spans, (all) => new TraceSet(all));
    const traces = new TraceSet(spans);
    result.rules['(cycleMembers)'] = fastest(() => traces, (set) => { for (const trace of set.traces.values()) trace.cycleMembers(); });
    result.rules['(critical path)'] = fastest(() => traces, (set) => { for (const trace of set.traces.values()) criticalPath(trace); });
  }
  console.log(JSON.stringify({ ...result, sink: sink > 0 }));
} else {
  const shapes = (args.shapes ?? 'default,scheduled,one-trace,one-service').split(',');
  const sizes = (args.sizes ?? '100000,1000000').split(',').map(Number);
  const [small, big] = [sizes[0], sizes[sizes.length - 1]];
  for (const shape of shapes) {
    const measured = [];
    for (const spans of sizes) {
      const file = await input(shape, spans);
      const extra = [...(args.rules ? ['--rules', args.rules] : []), ...(args.traces ? ['--traces', 'yes'] : []), ...(args.runs ? ['--runs', args.runs] : [])];
      const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--measure', file, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) throw new Error(`${shape} ${spans}: ${run.stderr}`);
      measured.push(JSON.parse(run.stdout));
    }
    const [a, b] = [measured[0], measured[measured.length - 1]];
    const exponent = (t1, t2) => Math.log(t2 / t1) / Math.log(big / small);
    console.log(`\n${shape}: reference (a linear rule) ${a.reference.toFixed(1)} ms at ${small}, ${b.reference.toFixed(1)} ms at ${big}, exponent ${exponent(a.reference, b.reference).toFixed(2)}`);
    console.log(`| rule | ms at ${small} | ms at ${big} | findings at ${big} | exponent | corrected exponent |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const id of Object.keys(b.rules).filter((key) => !key.endsWith(' findings'))) {
      const [t1, t2] = [a.rules[id], b.rules[id]];
      const corrected = 1 + exponent(t1, t2) - exponent(a.reference, b.reference);
      console.log(`| ${id} | ${t1.toFixed(1)} | ${t2.toFixed(1)} | ${b.rules[id + ' findings'] ?? ''} | ${exponent(t1, t2).toFixed(2)} | ${corrected.toFixed(2)}${corrected > 1.2 && t2 > 100 ? ' (superlinear?)' : ''} |`);
    }
  }
}
