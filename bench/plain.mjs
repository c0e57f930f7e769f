// Decoding OTLP JSON lines into the span store, against JSON.parse of the same lines, in one process:
// the general path (position scan, JSON.parse, the decoder, Span objects copied into columns) and the
// plain path (formats/otlp-plain: straight into the columns), each run in turn, fastest of --runs kept.
//
//   npm run build && node bench/plain.mjs [FILE.jsonl] [--runs N]
//
// Prints ms per run and the ratio of each to JSON.parse alone (which makes the objects and drops them).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--') && !/^\d+$/.test(arg)) ?? 'bench/out/100000.jsonl';
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
const { SpanColumns } = await import('../dist/model/store.js');
const { JsonLines } = await import('../dist/formats/otlp-jsonl.js');
const { prepareDocument } = await import('../dist/formats/json.js');
const { decodePlainLine } = await import('../dist/formats/otlp-plain.js');

const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
const characters = lines.reduce((sum, line) => sum + line.length, 0);

const ways = {
  'JSON.parse': () => {
    let kept = 0;
    for (const line of lines) kept += JSON.parse(line) ? 1 : 0;
    return kept;
  },
  general: () => {
    const store = new SpanColumns();
    const target = new JsonLines(file, { push: (span) => store.add(span), get length() { return store.spanCount; } });
    lines.forEach((line, i) => target.line(prepareDocument(line, i + 1)));
    return store.spanCount;
  },
  plain: () => {
    const store = new SpanColumns();
    let fell = 0;
    lines.forEach((line, i) => {
      if (decodePlainLine(line, i + 1, 1, file, store) === undefined) fell++;
    });
    if (fell > 0) console.log(`(${fell} of ${lines.length} lines are not plain)`);
    return store.spanCount;
  },
};

const best = {};
for (let run = 0; run < runs; run++) {
  for (const [name, way] of Object.entries(ways)) {
    const start = performance.now();
    way();
    const ms = performance.now() - start;
    best[name] = Math.min(best[name] ?? Infinity, ms);
  }
}
console.log(`${file}: ${lines.length} lines, ${(characters / 1e6).toFixed(0)}M characters, fastest of ${runs}`);
for (const [name, ms] of Object.entries(best)) console.log(`${name.padEnd(11)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / best['JSON.parse']).toFixed(2)}x JSON.parse`);
