#!/usr/bin/env node
// Padding costs nothing kept: `tracelint check` on inputs that are mostly whitespace (or one long
// string outside the span arrays), gzipped, with its peak RSS (bench/rss-probe.mjs) beside that of
// the same input without the padding: the reference, what the CLI itself takes.
//
//   npm run build && node bench/padding.mjs             # 600 MB of padding each (the issue's size)
//   node bench/padding.mjs --mib 100 --heap 32          # smaller, with a 32 MB JavaScript heap
//
// The inputs are gzip members one after another (a gzip stream may be several), made in
// bench/out in a moment: 600 MB of spaces is 600 KB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const mib = Number(args.mib ?? 600);
const MiB = 1 << 20;

/** gzip of the parts: text as is, [fill, n] as n MiB of fill. */
function padded(parts) {
  const members = new Map();
  const gz = [];
  for (const part of parts) {
    if (typeof part === 'string') gz.push(gzipSync(part));
    else {
      const [fill, n] = part;
      if (!members.has(fill)) members.set(fill, gzipSync(fill.repeat(MiB / fill.length)));
      for (let i = 0; i < n; i++) gz.push(members.get(fill));
    }
  }
  return Buffer.concat(gz);
}

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const resourceSpans = (n) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{ traceId: TID, spanId: n.toString(16).padStart(16, '0'), name: `op ${n}`, kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }] });
const record = (n) => JSON.stringify({ resourceSpans: [resourceSpans(n)] });
const element = (n) => JSON.stringify(resourceSpans(n));
const quarter = Math.max(1, Math.round(mib / 4));

const CASES = [
  ["the issue's document: {\"resourceSpans\":[] + spaces + }", padded(['{"resourceSpans":[]', [' ', mib], '}']), padded(['{"resourceSpans":[]}'])],
  ['a document padded between its elements (newlines, then spaces)', padded([`{"resourceSpans":[${element(1)},`, ['\n', mib / 2], element(2), [' ', mib / 2], ']}']), padded([`{"resourceSpans":[${element(1)},${element(2)}]}`])],
  ['JSON lines: spaces after a record, blank lines, a line of spaces, tabs before a record', padded([record(1), [' ', quarter], `\n${record(2)}\n`, ['\n', quarter], [' ', quarter], '\n', ['\t', quarter], `${record(3)}\n`]), padded([`${record(1)}\n${record(2)}\n${record(3)}\n`])],
  ['a string of half that size outside the span arrays (an input error)', padded(['{"resourceSpans":[],\n"x":"', ['a', mib / 2], '"}']), padded(['{"resourceSpans":[],\n"x":"a"}'])],
];

function run(file) {
  const rssFile = path.join(out, `rss-${process.pid}`);
  const heap = args.heap ? [`--max-old-space-size=${args.heap}`] : [];
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...heap, '--import', path.join(root, 'bench', 'rss-probe.mjs'), path.join(root, 'bin', 'tracelint.js'), 'check', file], { env: { ...process.env, TRACELINT_RSS_FILE: rssFile }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let rss = NaN;
  try {
    rss = Number(readFileSync(rssFile, 'utf8')) / 1e6;
  } catch {
    // An aborted process writes no figure.
  }
  writeFileSync(rssFile, '');
  return { seconds, rss, exit: result.status ?? result.signal, message: result.stderr.trim().split('\n')[0]?.slice(0, 160) ?? '' };
}

console.log(`| input (${mib} MiB of padding${args.heap ? `, --max-old-space-size=${args.heap}` : ''}) | gzip KB | check s | exit | peak RSS MB | without the padding: peak RSS MB |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, bytes, plain] of CASES) {
  const file = path.join(out, 'padded.json.gz');
  writeFileSync(file, bytes);
  const padRun = run(file);
  writeFileSync(file, plain);
  const plainRun = run(file);
  console.log(`| ${name} | ${(bytes.length / 1024).toFixed(0)} | ${padRun.seconds.toFixed(1)} | ${padRun.exit} | ${padRun.rss.toFixed(0)} | ${plainRun.rss.toFixed(0)} |`);
  if (padRun.exit !== 0 && padRun.exit !== 1) console.error(`  ${name}: ${padRun.message}`);
}
