#!/usr/bin/env node
// A change against a build of the code before it: `tracelint check` of one file by each build in
// turn, alternated, so both see the same moments of a shared machine; the wall time and peak RSS
// of each run, and whether the two reports are byte for byte the same.
//
//   git worktree add /tmp/before HEAD~1 && (cd /tmp/before && npm ci && npm run build)
//   npm run build && node bench/ab.mjs --before /tmp/before --runs 3 bench/out/1000000.jsonl
//   node bench/ab.mjs --before /tmp/before bench/out/orphans-500000.jsonl -- --rule orphan-span=off
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const checkArgs = dash < 0 ? [] : argv.slice(dash + 1);
const option = (name, fallback) => {
  const at = own.indexOf(`--${name}`);
  return at < 0 ? fallback : own[at + 1];
};
const before = option('before', undefined);
const runs = Number(option('runs', 3));
const file = own.filter((arg, i) => !arg.startsWith('--') && !own[i - 1]?.startsWith('--')).at(-1);
if (!before || !file) {
  console.error('usage: node bench/ab.mjs --before <dir of the other build> [--runs N] <file> [-- <check options>]');
  process.exit(2);
}

const builds = [
  { name: 'before', bin: path.resolve(before, 'bin', 'tracelint.js') },
  { name: 'after', bin: path.join(root, 'bin', 'tracelint.js') },
];
const report = (build) => path.join(os.tmpdir(), `tracelint-ab-${process.pid}-${build.name}.json`);
const rssFile = path.join(os.tmpdir(), `tracelint-ab-${process.pid}.rss`);
const probe = path.join(root, 'bench', 'rss-probe.mjs');

/** One check by one build: wall seconds and peak RSS in MB (bench/rss-probe.mjs), and its exit code. */
function run(build) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', probe, build.bin, 'check', file, '--reporter', 'json', '--output-file', report(build), ...checkArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TRACELINT_RSS_FILE: rssFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${build.name} exited ${result.status ?? result.signal}: ${result.stderr}`);
  return { wall, rss: Number(readFileSync(rssFile, 'utf8')) / 1e6, exit: result.status };
}

const times = { before: [], after: [] };
for (let i = 0; i < runs; i++) {
  for (const build of builds) {
    const { wall, rss, exit } = run(build);
    times[build.name].push(wall);
    console.log(`${build.name.padEnd(6)} ${wall.toFixed(2)} s  ${rss.toFixed(0)} MB  exit ${exit}`);
  }
}
const same = readFileSync(report(builds[0])).equals(readFileSync(report(builds[1])));
for (const name of [report(builds[0]), report(builds[1]), rssFile]) rmSync(name, { force: true });
const range = (list) => `${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)} s`;
console.log(`before ${range(times.before)}, after ${range(times.after)}; reports ${same ? 'identical' : 'DIFFER'}`);
process.exitCode = same ? 0 : 1;
