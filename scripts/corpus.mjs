#!/usr/bin/env node
// Findings by rule and severity over the real exports in ../shared/fixtures
// (external, real-world) and the SDK-made traces in fixtures/, so a change in
// noise shows in review. Each file is checked on its own, as `tracelint check
// FILE` would; a file that cannot be read is counted, not fatal.
//
//   npm run corpus             the table
//   npm run corpus -- --json   the same counts as JSON (to compare two runs)
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint, readTraces } from '../dist/index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPORA = [
  ['external', path.join(root, '..', 'shared', 'fixtures', 'external')],
  ['real-world', path.join(root, '..', 'shared', 'fixtures', 'real-world')],
  ['sdk-made', path.join(root, 'fixtures')],
];
const TRACE_FILE = /\.(json|jsonl|pb)$/;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && TRACE_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const counts = new Map(); // rule -> { error, warn, files: Set }
const totals = { files: 0, unreadable: 0, spans: 0, error: 0, warn: 0 };
for (const [corpus, dir] of CORPORA) {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`corpus: ${dir} is missing (../shared must sit beside the clone)`);
    process.exitCode = 2;
    continue;
  }
  for (const file of filesUnder(dir)) {
    totals.files++;
    let read;
    try {
      read = await readTraces([file], { workers: false });
    } catch {
      totals.unreadable++;
      continue;
    }
    totals.spans += read.traces.spanCount;
    for (const d of lint(read.traces).diagnostics) {
      const row = counts.get(d.ruleId) ?? { error: 0, warn: 0, files: new Set() };
      row[d.severity]++;
      row.files.add(`${corpus}/${path.relative(dir, file)}`);
      counts.set(d.ruleId, row);
      totals[d.severity]++;
    }
  }
}

const rows = [...counts].sort(([a, x], [b, y]) => y.error - x.error || y.warn - x.warn || (a < b ? -1 : 1));
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ totals, rules: Object.fromEntries(rows.map(([id, row]) => [id, { error: row.error, warn: row.warn, files: row.files.size }])) }, null, 2));
} else {
  const width = Math.max(4, ...rows.map(([id]) => id.length));
  console.log(`${'rule'.padEnd(width)}  errors  warnings  files`);
  for (const [id, row] of rows) console.log(`${id.padEnd(width)}  ${String(row.error).padStart(6)}  ${String(row.warn).padStart(8)}  ${String(row.files.size).padStart(5)}`);
  console.log(`${'total'.padEnd(width)}  ${String(totals.error).padStart(6)}  ${String(totals.warn).padStart(8)}  (${totals.files} files, ${totals.unreadable} unreadable, ${totals.spans} spans)`);
}
