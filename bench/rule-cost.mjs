#!/usr/bin/env node
// Cost of one rule, in one process on the same spans: bench/generate.mjs output as
// `check` reads it, then the same spans given a unique URL with a query string and a
// unique exception message each (values no clean-value cache has seen). Reported as a
// ratio against a reference rule timed in the same rounds; with --against, the same
// rule from another build (another checkout's dist/) is timed back to back with this
// one, and their ratio is the median of the per-round ratios.
//
//   npm run build && node bench/rule-cost.mjs                        # pii, 200k spans
//   node bench/rule-cost.mjs --rule oversized-attribute --spans 100000 --rounds 9
//   node bench/rule-cost.mjs --against ../other-checkout/dist        # before/after a change
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeExport } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const ruleId = args.rule ?? 'pii';
const spans = Number(args.spans ?? 200_000);
const rounds = Number(args.rounds ?? 15);
const referenceId = args.reference ?? 'attribute-count';

const load = async (dist) => ({
  rules: (await import(pathToFileURL(path.join(dist, 'rules', 'index.js')).href)).RULES,
});
const here = await load(path.join(root, 'dist'));
const { readTraces } = await import(pathToFileURL(path.join(root, 'dist', 'formats', 'read.js')).href);
const { lint } = await import(pathToFileURL(path.join(root, 'dist', 'lint', 'engine.js')).href);
const { resolveConfig } = await import(pathToFileURL(path.join(root, 'dist', 'lint', 'config.js')).href);
const find = (rules, id) => rules.find((rule) => rule.id === id) ?? (() => { throw new Error(`no rule ${id}`); })();
const rule = find(here.rules, ruleId);
const reference = find(here.rules, referenceId);
const other = args.against ? find((await load(path.resolve(args.against))).rules, ruleId) : undefined;

const out = path.join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const file = path.join(out, `${spans}.jsonl`);
if (!existsSync(file)) await writeExport(file, 'otlp-jsonl', spans, 1);
const { traces } = await readTraces([file]);

function time(which) {
  const config = resolveConfig({}, [which]);
  const started = process.hrtime.bigint();
  const result = lint(traces, config, [which]);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, findings: result.diagnostics.length, spans: result.diagnostics.reduce((n, d) => n + (d.count ?? 1), 0) };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

function measure(label) {
  const mine = [];
  const theirs = [];
  const refs = [];
  for (let i = 0; i < rounds; i++) {
    refs.push(time(reference));
    // Alternate which goes first, so neither always meets a warmer cache or a quieter machine.
    if (other && i % 2) theirs.push(time(other));
    mine.push(time(rule));
    if (other && !(i % 2)) theirs.push(time(other));
  }
  const perRound = (list) => list.map((run, i) => run.ms / refs[i].ms);
  const line = [`${label}: ${ruleId} ${median(mine.map((r) => r.ms)).toFixed(0)} ms (${median(perRound(mine)).toFixed(2)}× ${referenceId})`];
  if (other) {
    line.push(`against ${median(theirs.map((r) => r.ms)).toFixed(0)} ms (${median(perRound(theirs)).toFixed(2)}× ${referenceId})`);
    line.push(`this/against ${median(mine.map((run, i) => run.ms / theirs[i].ms)).toFixed(2)}`);
    line.push(`findings ${mine[0].findings} on ${mine[0].spans} spans, against ${theirs[0].findings} on ${theirs[0].spans} spans`);
  } else line.push(`findings ${mine[0].findings} on ${mine[0].spans} spans`);
  console.log(`${line.join('; ')} (median of ${rounds} rounds, ${spans} spans)`);
}

measure('generator output');
let n = 0;
for (const trace of traces.traces.values()) {
  for (const span of trace.spans) {
    n++;
    span.attributes['url.full'] = `https://shop.internal/api/orders/${n}?page=${n % 50}&sort=desc&q=item${n}`;
    const attributes = Object.assign(Object.create(null), { 'exception.type': 'Error', 'exception.message': `order ${n} failed: upstream returned 503 after ${n % 1000} ms` });
    span.events = [...span.events, { name: 'exception', timeUnixNano: span.startTimeUnixNano, attributes, droppedAttributesCount: 0 }];
  }
}
measure('unique URL and exception message on every span');
