#!/usr/bin/env node
// Header validation throughput: tracelint's parseTraceContext (traceparent,
// then tracestate when traceparent is valid: W3C Trace Context §3.3's
// processing model, the job extract does) against @opentelemetry/core's
// W3CTraceContextPropagator.extract on the same one million
// traceparent/tracestate pairs (mixed valid and invalid), in one process,
// printed as rates and a ratio. Also parseTraceparent + parseTracestate on every
// pair, the tracestate explained even when a receiver must not parse it. Then
// every input where the two verdicts on traceparent differ, with the reason.
//
//   npm run build && node bench/header.mjs [count]
import { ROOT_CONTEXT, trace, isSpanContextValid } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { parseTraceContext, parseTraceparent, parseTracestate } from '../dist/index.js';

const COUNT = Number(process.argv[2] ?? 1_000_000);
let seed = 7;
/** mulberry32: a small seeded generator, so every run measures the same inputs. */
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

// Shapes of traceparent seen in the wild: mostly valid, plus the mistakes people make.
const SHAPES = [
  [40, () => `00-${hex(32)}-${hex(16)}-01`],
  [10, () => `00-${hex(32)}-${hex(16)}-00`],
  [4, () => `00-${hex(32).toUpperCase()}-${hex(16)}-01`],
  [4, () => `00-${'0'.repeat(32)}-${hex(16)}-01`],
  [4, () => `00-${hex(32)}-${'0'.repeat(16)}-01`],
  [4, () => `ff-${hex(32)}-${hex(16)}-01`],
  [4, () => `00-${hex(31)}-${hex(16)}-01`],
  [4, () => `00-${hex(32)}-${hex(16)}-01-extra`],
  [4, () => `01-${hex(32)}-${hex(16)}-01-future`],
  [4, () => ` 00-${hex(32)}-${hex(16)}-01`],
  [4, () => `00-${hex(32)}-${hex(16)}-01 `],
  [4, () => `00_${hex(32)}-${hex(16)}-01`],
  [4, () => `00-${hex(32)}-${hex(16)}-1`],
  [2, () => `${hex(2)}-${hex(32)}-${hex(16)}-${hex(2)}`],
];
const TRACESTATES = [() => '', () => `rojo=${hex(16)},congo=t61rcWkgMzE`, () => `t${hex(4)}@dt=CAESEAAB`, () => 'Rojo=1', () => `k=${'v'.repeat(300)}`];
const total = SHAPES.reduce((sum, [weight]) => sum + weight, 0);
function pick() {
  let r = rand() * total;
  for (const [weight, make, index] of SHAPES.map((shape, i) => [...shape, i])) if ((r -= weight) < 0) return [make(), index];
  return [SHAPES[0][1](), 0];
}

/** A flat string, as an HTTP parser hands a header value over (template literals build rope strings, slower to read for both sides). */
const asReceived = (text) => Buffer.from(text, 'latin1').toString('latin1');
const inputs = Array.from({ length: COUNT }, () => {
  const [traceparent, shape] = pick();
  return { traceparent: asReceived(traceparent), tracestate: asReceived(TRACESTATES[Math.floor(rand() * TRACESTATES.length)]()), shape };
});

const propagator = new W3CTraceContextPropagator();
const getter = { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) };

/** Both sides' results are read: the verdict, and for tracelint the number of problems explained. */
function ours(list) {
  let valid = 0;
  let problems = 0;
  for (const { traceparent, tracestate } of list) {
    const context = parseTraceContext(traceparent, tracestate);
    if (context.traceparent.valid) valid++;
    problems += context.traceparent.problems.length + (context.tracestate?.problems.length ?? 0);
  }
  return valid + problems;
}

function oursEveryHeader(list) {
  let valid = 0;
  let problems = 0;
  for (const { traceparent, tracestate } of list) {
    const parent = parseTraceparent(traceparent);
    const state = parseTracestate(tracestate);
    if (parent.valid) valid++;
    problems += parent.problems.length + state.problems.length;
  }
  return valid + problems;
}

function otel(list) {
  let valid = 0;
  for (const carrier of list) {
    const context = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, getter));
    if (context && isSpanContextValid(context)) valid++;
  }
  return valid;
}

/** The floor: reading every character of every input once, which any validator must do. */
function readEveryCharacter(list) {
  let sum = 0;
  for (const { traceparent, tracestate } of list) {
    for (let i = 0; i < traceparent.length; i++) sum += traceparent.charCodeAt(i);
    for (let i = 0; i < tracestate.length; i++) sum += tracestate.charCodeAt(i);
  }
  return sum;
}

// Warm up both, then time alternating rounds and keep the best of each.
ours(inputs.slice(0, 50_000));
oursEveryHeader(inputs.slice(0, 50_000));
otel(inputs.slice(0, 50_000));
let best = { ours: Infinity, every: Infinity, otel: Infinity, floor: Infinity };
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  readEveryCharacter(inputs);
  best.floor = Math.min(best.floor, performance.now() - t);
  t = performance.now();
  ours(inputs);
  best.ours = Math.min(best.ours, performance.now() - t);
  t = performance.now();
  otel(inputs);
  best.otel = Math.min(best.otel, performance.now() - t);
  t = performance.now();
  oursEveryHeader(inputs);
  best.every = Math.min(best.every, performance.now() - t);
}
const rate = (ms) => (COUNT / (ms / 1000) / 1e6).toFixed(2);
console.log(`${COUNT} traceparent+tracestate pairs, best of 3 rounds`);
console.log(`tracelint parseTraceContext (§3.3 processing model): ${best.ours.toFixed(0)} ms (${rate(best.ours)} M/s)`);
console.log(`OpenTelemetry W3CTraceContextPropagator.extract: ${best.otel.toFixed(0)} ms (${rate(best.otel)} M/s)`);
console.log(`ratio (tracelint rate / OpenTelemetry rate): ${(best.otel / best.ours).toFixed(2)}x`);
console.log(`tracelint parseTraceparent+parseTracestate on every pair (tracestate explained even after an invalid traceparent): ${best.every.toFixed(0)} ms (${rate(best.every)} M/s), ${(best.otel / best.every).toFixed(2)}x`);
console.log(`floor, reading every character once: ${best.floor.toFixed(0)} ms; above it: tracelint ${(best.ours - best.floor).toFixed(0)} ms, OpenTelemetry ${(best.otel - best.floor).toFixed(0)} ms`);

// Where the verdicts differ, and why.
const differences = new Map();
for (const carrier of inputs) {
  const mine = parseTraceparent(carrier.traceparent);
  const context = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, getter));
  const theirs = Boolean(context && isSpanContextValid(context));
  if (mine.valid === theirs) continue;
  const problem = mine.problems.find((p) => p.severity === 'error');
  const key = `${mine.valid ? 'valid' : 'invalid'} / ${theirs ? 'accepted' : 'rejected'} | ${problem ? `${problem.expected} (${problem.section})` : '-'}`;
  const entry = differences.get(key) ?? { count: 0, example: JSON.stringify(carrier.traceparent) };
  entry.count++;
  differences.set(key, entry);
}
console.log('\n| tracelint | OpenTelemetry | count | example | why (tracelint\'s reason and the spec section) |');
console.log('|---|---|---:|---|---|');
for (const [key, { count, example }] of [...differences].sort((a, b) => b[1].count - a[1].count)) {
  const [verdicts, reason] = key.split(' | ');
  const [mine, theirs] = verdicts.split(' / ');
  console.log(`| ${mine} | ${theirs} | ${count} | \`${example.slice(0, 40)}${example.length > 40 ? '…' : ''}\` | ${reason} |`);
}
if (differences.size === 0) console.log('| (none) | | | | |');
