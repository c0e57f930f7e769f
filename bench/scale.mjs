#!/usr/bin/env node
// Scale benchmark: `tracelint check` (every rule on) against the floor (reading
// the same bytes and native JSON.parse of them, per line for JSONL), as separate
// processes timed the same way, with peak RSS, for growing span counts. A second
// reference, "keep", also keeps every value JSON.parse made: the least any reader
// costs that holds the input as JavaScript objects, as checking every rule needs.
//
//   npm run build && node bench/scale.mjs                 # 10k, 100k, 1M spans: OTLP JSONL, OTLP JSON, OTLP JSON on one line
//   node bench/scale.mjs --sizes 10000,100000 --formats otlp-jsonl,otlp-json-min,jaeger,zipkin
//   node bench/scale.mjs --big 2147483648                 # also one JSONL file of at least 2 GiB (run once)
//   node bench/scale.mjs --formats otlp-jsonl --shapes scheduled,one-trace,one-service   # bench/shapes.mjs, as JSONL
//   node bench/scale.mjs --formats otlp-jsonl --sizes 100000,1000000,10000000 --runs 1     # 10M spans: about 6.5 GB
//   --runs N: each command N times, the fastest kept (default 3)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeExport } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const sizes = (args.sizes ?? '10000,100000,1000000').split(',').map(Number);
const formats = (args.formats ?? 'otlp-jsonl,otlp-json,otlp-json-min').split(',');
const shapes = args.shapes ? args.shapes.split(',') : [];
const extension = { 'otlp-jsonl': 'jsonl', 'otlp-json': 'json', 'otlp-json-min': 'min.json', jaeger: 'jaeger.json', zipkin: 'zipkin.json' };

/** Wall time and peak RSS of one command; `ok` is false when it failed (the floor cannot read > 512 MB documents). */
function timed(command, commandArgs) {
  const rssFile = path.join(out, `rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { env: { ...process.env, TRACELINT_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const isCheck = commandArgs.includes('check');
  // Exit 2 is a finished run too: reading stopped with a message (the heap is full at 10M spans).
  if (isCheck && result.status !== 0 && result.status !== 1 && result.status !== 2) throw new Error(`${command} ${commandArgs.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`);
  if (isCheck && result.status === 2) console.error(`check exited 2: ${result.stderr}`);
  const ok = isCheck || result.status === 0;
  return { seconds: ok ? seconds : NaN, rss: ok ? Number(readFileSync(rssFile, 'utf8')) : NaN, ok, ...(isCheck ? { exit: result.status } : {}) };
}

const probe = ['--import', path.join(root, 'bench', 'rss-probe.mjs')];

const runs = Number(args.runs ?? 3);

/** The fastest of `count` runs (the machine is shared: the fastest is the least disturbed). */
function fastest(count, command, commandArgs) {
  const all = Array.from({ length: count }, () => timed(command, commandArgs));
  return all.reduce((best, run) => (run.seconds < best.seconds ? run : best));
}

/** The floor, the keep reference and check on one file, each the fastest of `count` runs. */
function measure(format, spans, file, count = runs) {
  const floor = fastest(count, process.execPath, [...probe, path.join(root, 'bench', 'floor.mjs'), file]);
  const keep = fastest(count, process.execPath, [...probe, path.join(root, 'bench', 'floor.mjs'), file, '--keep']);
  const check = fastest(count, process.execPath, [...probe, path.join(root, 'bin', 'tracelint.js'), 'check', file, '--reporter', 'json', '--output-file', path.join(out, 'report.json')]);
  console.error(`${format} ${spans}: floor ${floor.seconds.toFixed(2)}s, keep ${keep.seconds.toFixed(2)}s, check ${check.seconds.toFixed(2)}s`);
  return { format, spans, mb: statSync(file).size / 1e6, floor, keep, check };
}
const rows = [];
for (const format of formats) {
  for (const spans of sizes) {
    const file = path.join(out, `${spans}.${extension[format]}`);
    if (!existsSync(file)) await writeExport(file, format, spans, 1);
    rows.push(measure(format, spans, file));
  }
}
for (const shape of shapes) {
  for (const spans of sizes) {
    const file = path.join(out, `${spans}.${shape}.jsonl`);
    if (!existsSync(file)) await writeExport(file, 'otlp-jsonl', spans, 1, shape);
    rows.push(measure(`otlp-jsonl ${shape}`, spans, file));
  }
}

if (args.big) {
  const file = path.join(out, `big.jsonl`);
  const spans = Math.ceil(Number(args.big) / 640); // ~645 bytes a span in OTLP JSON lines: at least the size asked for
  if (!existsSync(file)) await writeExport(file, 'otlp-jsonl', spans, 2);
  rows.push(measure('otlp-jsonl (big)', spans, file, 1));
}

const NA = 'n/a (JSON.parse cannot hold it)';
const seconds = (run) => (run.ok ? run.seconds.toFixed(2) : NA);
const ratio = (run, reference) => (reference.ok ? (run.seconds / reference.seconds).toFixed(2) : 'n/a');
const mb = (run) => (run.ok ? (run.rss / 1e6).toFixed(0) : 'n/a');
console.log('| format | spans | MB | floor s | keep s | check s | check exit | check/floor | check/keep | floor peak RSS MB | keep peak RSS MB | check peak RSS MB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.format} | ${row.spans} | ${row.mb.toFixed(0)} | ${seconds(row.floor)} | ${seconds(row.keep)} | ${row.check.seconds.toFixed(2)} | ${row.check.exit} | ${ratio(row.check, row.floor)} | ${ratio(row.check, row.keep)} | ${mb(row.floor)} | ${mb(row.keep)} | ${mb(row.check)} |`);
}
for (const format of [...formats, ...shapes.map((shape) => `otlp-jsonl ${shape}`)]) {
  const at = (n) => rows.find((row) => row.format === format && row.spans === n);
  const growth = (a, b) => (Math.log(b.check.seconds / a.check.seconds) / Math.log(b.spans / a.spans)).toFixed(2);
  const [a, b, c] = [at(100000), at(1000000), at(10000000)];
  if (a && b) console.log(`${format}: growth exponent 100k -> 1M: ${growth(a, b)}`);
  if (b && c) console.log(`${format}: growth exponent 1M -> 10M: ${growth(b, c)}${c.check.exit === 2 ? ' (check stopped with exit 2)' : ''}`);
}
