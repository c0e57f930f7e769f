#!/usr/bin/env node
// What a million findings cost: an export made of single-span traces whose one span
// names a parent nobody exported, so every trace gives two findings that grouping does
// not fold (orphan-span, an error, and missing-root, a warning, each about its own trace),
// checked with `--reporter json` to a file. Against, in the same run and on the same file:
//   floor   reading the bytes and JSON.parse of them (bench/floor.mjs), nothing kept;
//   traces  the same check without the two rules (--rule orphan-span=off,missing-root=off):
//           what holding and checking the traces costs, with next to no findings;
//   quiet   the check with --quiet: every finding made, only the errors (half) reported.
// So check - traces is what the findings cost, and check - quiet what the reported half adds.
//
//   npm run build && node bench/findings.mjs                       # 1M findings (500k traces), OTLP JSONL
//   node bench/findings.mjs --findings 200000 --runs 1 --only check,traces
//   --runs N: each command N times, the fastest kept (default 1: the big run is minutes)
//   --keep: leave the export and the report in bench/out
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]?.startsWith('--') ? 'true' : (all[i + 1] ?? 'true')]] : pairs), []));
const findings = Number(args.findings ?? 1_000_000);
const runs = Number(args.runs ?? 1);
const only = (args.only ?? 'floor,traces,quiet,check').split(',');
const traces = Math.ceil(findings / 2);
const TRACES_PER_LINE = 100;

function hex(rand, length) {
  let text = '';
  while (text.length < length) text += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return text.slice(0, length);
}

/** `count` single-span traces, each span's parent missing, TRACES_PER_LINE to an OTLP JSON line, a few services. */
async function writeOrphans(file, count) {
  const rand = mulberry32(19);
  const services = ['checkout', 'cart', 'payment', 'inventory', 'shipping'];
  const temporary = `${file}.tmp`;
  const stream = createWriteStream(temporary);
  let t0 = 1_700_000_000_000_000_000n;
  for (let made = 0; made < count; made += TRACES_PER_LINE) {
    const service = services[(made / TRACES_PER_LINE) % services.length];
    const spans = [];
    for (let i = 0; i < Math.min(TRACES_PER_LINE, count - made); i++) {
      const start = t0;
      t0 += 1_000_000n;
      spans.push({
        traceId: hex(rand, 32), spanId: hex(rand, 16), parentSpanId: hex(rand, 16), flags: 1, name: 'GET /api/orders', kind: 2,
        startTimeUnixNano: String(start), endTimeUnixNano: String(start + 750_000n),
        attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'url.path', value: { stringValue: '/api/orders' } }, { key: 'http.response.status_code', value: { intValue: '200' } }],
        status: {},
      });
    }
    const request = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.200.0' }, spans }] }] };
    if (!stream.write(`${JSON.stringify(request)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  await rename(temporary, file);
}

/** Wall time and peak RSS of one command (bench/rss-probe.mjs writes the peak where TRACELINT_RSS_FILE says). */
function timed(commandArgs) {
  const rssFile = path.join(out, `rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', path.join(root, 'bench', 'rss-probe.mjs'), ...commandArgs], { env: { ...process.env, TRACELINT_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`node ${commandArgs.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { seconds, rss: Number(readFileSync(rssFile, 'utf8')) };
}

function fastest(commandArgs) {
  const all = Array.from({ length: runs }, () => timed(commandArgs));
  return all.reduce((best, run) => (run.seconds < best.seconds ? run : best));
}

const file = path.join(out, `orphans-${traces}.jsonl`);
if (!existsSync(file)) await writeOrphans(file, traces);
const report = path.join(out, `findings-${traces}.json`);
const cli = path.join(root, 'bin', 'tracelint.js');
const check = ['check', file, '--reporter', 'json', '--output-file', report];
const commands = {
  floor: [path.join(root, 'bench', 'floor.mjs'), file],
  traces: [cli, ...check, '--rule', 'orphan-span=off,missing-root=off'],
  quiet: [cli, ...check, '--quiet'],
  check: [cli, ...check],
};
const rows = [];
for (const name of Object.keys(commands)) {
  if (!only.includes(name)) continue;
  const run = fastest(commands[name]);
  const written = name === 'floor' ? undefined : countFindings(report);
  rows.push({ name, ...run, findings: written?.findings, reportMb: written?.mb });
  console.error(`${name}: ${run.seconds.toFixed(2)}s, ${(run.rss / 1e6).toFixed(0)} MB peak RSS`);
}

/** Findings in a JSON report, read from its summary (the report may be larger than a string). */
function countFindings(reportFile) {
  const head = readHead(reportFile, 1 << 16);
  const errors = Number(/"errors": (\d+)/.exec(head)?.[1]);
  const warnings = Number(/"warnings": (\d+)/.exec(head)?.[1]);
  return { findings: errors + warnings, mb: statSync(reportFile).size / 1e6 };
}

function readHead(name, bytes) {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(name, 'r');
  const length = readSync(fd, buffer, 0, bytes, 0);
  closeSync(fd);
  return buffer.subarray(0, length).toString('utf8');
}

console.log(`${traces} single-span orphan traces, ${(statSync(file).size / 1e6).toFixed(0)} MB OTLP JSONL (${path.relative(root, file)}), fastest of ${runs}`);
console.log('| run | findings | s | peak RSS MB | report MB |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.name} | ${row.findings ?? ''} | ${row.seconds.toFixed(2)} | ${(row.rss / 1e6).toFixed(0)} | ${row.reportMb === undefined ? '' : row.reportMb.toFixed(0)} |`);
const at = (name) => rows.find((row) => row.name === name);
if (at('check') && at('traces')) console.log(`findings' share of the peak: check - traces = ${((at('check').rss - at('traces').rss) / 1e6).toFixed(0)} MB`);
if (!args.keep) rmSync(report, { force: true });
