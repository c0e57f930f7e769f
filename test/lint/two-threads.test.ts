import { once } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { readTraces as ReadTraces } from '../../src/formats/read.js';
import type * as Config from '../../src/lint/config.js';
import type * as Engine from '../../src/lint/engine.js';
import type * as TwoThreads from '../../src/lint/two-threads.js';
import type { Span } from '../../src/model/span.js';
import type * as Ids from '../../src/model/ids.js';
import type * as Store from '../../src/model/store.js';
import type * as TraceSources from '../../src/model/trace-source.js';
import type * as Rules from '../../src/rules/index.js';
import type * as Cli from '../../src/cli/tracelint.js';
import { runMain } from '../support/cli.js';
import { inject, ms, sdkSystem, SpanKind, toOtlpJson, toOtlpJsonLines, toZipkinJson } from '../support/sdk.js';
import { sideTableSpans } from '../support/side-tables.js';
// @ts-expect-error -- a plain .mjs script without types
import { encode, generateShape, generateTraces } from '../../bench/generate.mjs';

/**
 * The first stage of a check on two threads (lint/two-threads): the worker
 * runs only from the build, so everything here is dist/'s, as in
 * test/formats/read-in-worker.test.ts (`npm test` builds first). On every
 * input, two threads find what one finds; the worker, given traces of its
 * own, makes the shard this thread would make of them (every side table of
 * the store crosses); and both threads really take traces.
 */
const dist = async <T>(module: string): Promise<T> => (await import(new URL(`../../dist/${module}`, import.meta.url).href)) as T;
const { readTraces } = await dist<{ readTraces: typeof ReadTraces }>('formats/read.js');
const { lint, lintShard, lintShards } = await dist<typeof Engine>('lint/engine.js');
const { lintOnTwoThreads, twoThreadsWanted, sentSummary, receivedSummary } = await dist<typeof TwoThreads>('lint/two-threads.js');
const { SpanColumns } = await dist<typeof Store>('model/store.js');
const { StoredTraces } = await dist<typeof TraceSources>('model/trace-source.js');
const { resolveConfig } = await dist<typeof Config>('lint/config.js');
const { RULES } = await dist<typeof Rules>('rules/index.js');
const { main: tracelint } = await dist<typeof Cli>('cli/tracelint.js');
const { shardOfTrace } = await dist<typeof Ids>('model/ids.js');
const WORKER_SCRIPT = fileURLToPath(new URL('../../dist/lint/shard-worker.js', import.meta.url));

type StoredTraces = TraceSources.StoredTraces;
type ResolvedConfig = Config.ResolvedConfig;

const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-two-threads-'));
function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

/** Workers this thread started (each lintOnTwoThreads starts one). */
let workersStarted = 0;
process.on('worker', () => workersStarted++);

const SHARED = fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));
function fixtures(corpus: string, format: string): string[] {
  return readdirSync(path.join(SHARED, corpus, format))
    .filter((name) => !name.endsWith('.md') && !name.includes('scan_error'))
    .map((name) => path.join(SHARED, corpus, format, name))
    .sort();
}

function stored(spans: readonly Span[], keep?: (traceId: string, trace: number) => boolean): StoredTraces {
  const store = new SpanColumns();
  for (const span of spans) store.add(span);
  return new StoredTraces(store, keep);
}

const DEFAULTS = resolveConfig({}, RULES);

/** Settings that change what is reported: severities, options, overrides per service, ignore patterns. */
const CONFIG = resolveConfig(
  {
    rules: { 'deprecated-attribute': 'error', 'attribute-count': ['warn', { warnAbove: 3, errorAbove: 6 }], 'dropped-data': 'off' },
    overrides: [
      { services: ['front*'], rules: { 'invalid-id': 'warn', 'dropped-data': 'error' } },
      { services: ['payment', 'checkout'], rules: { 'error-without-details': 'off' } },
    ],
    ignore: [{ rule: 'orphan-span', service: 'frontend' }, { span: 'render-*' }, { file: '*b.jsonl', rule: 'unsampled-span-recorded' }, { trace: '0000*7e57*' }],
  },
  RULES,
);

/** SDK-made checkouts: every third payment call not injected (lost propagation), lost async work in checkout, an unanswered call to inventory, a tiny export queue (orphans). */
async function sdkCheckouts(): Promise<ReadableSpan[]> {
  const { svc, spans } = sdkSystem(['frontend', 'checkout', 'payment', 'inventory']);
  for (let i = 0; i < 24; i++) {
    const t = i * 1000 + ((i * i * 53) % 300);
    const root = svc.frontend!.start('POST /cart/checkout', { kind: SpanKind.SERVER, at: t, attributes: { 'http.request.method': 'POST', 'http.route': '/cart/checkout' } });
    const toCheckout = svc.frontend!.start('POST', { kind: SpanKind.CLIENT, parent: root, at: t + 2, attributes: { 'http.request.method': 'POST', 'server.address': 'checkout' } });
    const order = svc.checkout!.start('POST /orders', { kind: SpanKind.SERVER, remote: inject(toCheckout), at: t + 3, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.method': 'POST' } });
    const toPayment = svc.checkout!.start('POST', { kind: SpanKind.CLIENT, parent: order, at: t + 10, attributes: { 'http.request.method': 'POST', 'server.address': 'payment' } });
    const charge = svc.payment!.start('POST /charge', { kind: SpanKind.SERVER, at: t + 11, ...(i % 3 === 0 ? {} : { remote: inject(toPayment) }), attributes: { 'http.request.method': 'POST', 'http.route': '/charge' } });
    charge.addEvent('card.checked', { 'card.brand': 'visa', 'card.tries': [1, 2] }, ms(t + 12));
    if (i % 4 === 1) charge.setStatus({ code: SpanStatusCode.ERROR });
    charge.end(ms(t + 40));
    toPayment.end(ms(t + 41));
    if (i % 5 === 2) svc.checkout!.start('send-receipt', { at: t + 20 }).end(ms(t + 22));
    if (i % 6 === 3) svc.checkout!.start('GET', { kind: SpanKind.CLIENT, parent: order, at: t + 42, attributes: { 'server.address': 'inventory', 'http.request.method': 'GET' } }).end(ms(t + 43));
    order.end(ms(t + 45));
    toCheckout.end(ms(t + 46));
    root.end(ms(t + 48));
  }
  svc.inventory!.start('GET /stock', { kind: SpanKind.SERVER, at: 90_000 }).end(ms(90_001));
  return spans();
}

interface Input {
  traces: StoredTraces;
  config?: ResolvedConfig;
  /** Rules the input must give findings of: what the case is there for. */
  finds: string[];
}

async function read(files: string[], keep?: (traceId: string, trace: number) => boolean): Promise<StoredTraces> {
  const { store } = await readTraces(files);
  return new StoredTraces(store, keep);
}

const generated = (shape: string, spans: number, seed: number, name: string): string =>
  file(name, [...(encode('otlp-jsonl', shape === 'default' ? generateTraces(spans, seed) : generateShape(shape, spans, seed)) as Iterable<string>)].join(''));

const CASES: Array<[string, () => Promise<Input>]> = [
  [
    'SDK checkouts in three files: OTLP/JSON, OTLP JSON lines, Zipkin',
    async () => {
      const spans = await sdkCheckouts();
      const third = Math.floor(spans.length / 3);
      const files = [file('sdk.json', toOtlpJson(spans.slice(0, third))), file('sdk.jsonl', toOtlpJsonLines(spans.slice(third, 2 * third))), file('sdk-zipkin.json', toZipkinJson(spans.slice(2 * third)))];
      return { traces: await read(files), finds: ['lost-propagation', 'async-context-loss', 'missing-service-spans', 'deprecated-attribute'] };
    },
  ],
  ['SDK checkouts, with settings', async () => ({ traces: await read([file('sdk-config.json', toOtlpJson(await sdkCheckouts()))]), config: CONFIG, finds: ['lost-propagation', 'deprecated-attribute'] })],
  ...(['jaeger', 'otlp-json', 'otlp-jsonl', 'tempo', 'zipkin'] as const).map((format): [string, () => Promise<Input>] => [`external ${format} exports, read together`, async () => ({ traces: await read(fixtures('external', format)), finds: [] })]),
  ...(['jaeger', 'otlp-json', 'otlp-jsonl', 'tempo', 'zipkin'] as const).map((format): [string, () => Promise<Input>] => [`real-world ${format} exports, read together`, async () => ({ traces: await read(fixtures('real-world', format)), finds: [] })]),
  ['every external export at once, with settings', async () => ({ traces: await read(['jaeger', 'otlp-json', 'otlp-jsonl', 'tempo', 'zipkin'].flatMap((format) => fixtures('external', format))), config: CONFIG, finds: [] })],
  ['a generated busy system (5,000 spans)', async () => ({ traces: await read([generated('default', 5000, 11, 'bench.jsonl')]), finds: ['orphan-span', 'deprecated-attribute', 'pii', 'clock-skew'] })],
  ['a generated job calling a service with an uninstrumented client, 1,000 traces', async () => ({ traces: await read([generated('sequential-job', 3000, 3, 'sequential-job.jsonl')]), finds: ['uninstrumented-client'] })],
  [
    'hand-made spans with every side table and finding',
    async () => ({ traces: stored(sideTableSpans(12)), finds: ['invalid-id', 'orphan-span', 'implausible-timestamp', 'dropped-data', 'error-without-details', 'lost-propagation', 'missing-service-spans', 'async-context-loss', 'event-outside-span', 'deprecated-attribute'] }),
  ],
  ['the same, with settings', async () => ({ traces: stored(sideTableSpans(12)), config: CONFIG, finds: ['invalid-id', 'lost-propagation', 'dropped-data', 'attribute-count'] })],
  ['the same, one shard of two (--shard 1/2: a keep predicate)', async () => ({ traces: stored(sideTableSpans(12), (traceId) => shardOfTrace(traceId, 2) === 0), finds: ['invalid-id', 'implausible-timestamp'] })],
  ['the same system, two traces of three kept (one orphan of three left out)', async () => ({ traces: await read([generated('default', 5000, 11, 'bench-kept.jsonl')], (_id, trace) => trace % 3 !== 2), finds: ['orphan-span', 'pii'] })],
];

const inputs = new Map<string, Promise<Input>>();
const input = (name: string, make: () => Promise<Input>): Promise<Input> => {
  if (!inputs.has(name)) inputs.set(name, make());
  return inputs.get(name)!;
};

function ruleIds(result: Engine.LintResult): string[] {
  return [...new Set(result.diagnostics.map((d) => d.ruleId))];
}

describe('two threads find what one finds', () => {
  it.each(CASES)('%s', async (name, make) => {
    const { traces, config = DEFAULTS, finds } = await input(name, make);
    const one = lint(traces, config);
    expect(one.diagnostics.length).toBeGreaterThan(0);
    expect(ruleIds(one)).toEqual(expect.arrayContaining(finds));
    const started = workersStarted;
    const two = await lintOnTwoThreads(traces, config);
    expect(workersStarted - started).toBe(1);
    expect(two).toStrictEqual(one);
  });
});

/** Every `n`th trace the source keeps, from `first`: what one thread is given. */
function everyNth(traces: StoredTraces, n: number, first: number): (traceId: string, trace: number) => boolean {
  return (traceId, trace) => trace % n === first && (traces.keep?.(traceId, trace) ?? true);
}

/** The first stage in a shard worker, on the traces `keep` keeps: what lintOnTwoThreads' worker does when it takes them. */
async function inWorker(traces: StoredTraces, config: ResolvedConfig, keep: (traceId: string, trace: number) => boolean): Promise<Extract<TwoThreads.ShardWorkerMessage, { kind: 'done' }>['shard']> {
  const { store } = traces;
  const kept = Uint8Array.from({ length: store.traceCount }, (_, t) => (keep(store.traceId(t), t) ? 1 : 0));
  const data: TwoThreads.ShardWorkerData = { store: store.toShared(), config, claims: new Int32Array(new SharedArrayBuffer(4)), chunks: Uint32Array.of(0, store.traceCount), kept, traceCount: traces.traceCount, spanCount: traces.spanCount };
  const worker = new Worker(WORKER_SCRIPT, { workerData: data });
  try {
    const [message] = (await once(worker, 'message')) as [TwoThreads.ShardWorkerMessage];
    if (message.kind === 'crash') throw new Error(message.message);
    return message.shard;
  } finally {
    await worker.terminate();
  }
}

describe('the shard worker makes the shard this thread makes of the same traces', () => {
  it.each(CASES)('%s', async (name, make) => {
    const { traces, config = DEFAULTS, finds } = await input(name, make);
    const { store } = traces;
    // The worker takes every other trace, this thread the rest.
    const theirs = await inWorker(traces, config, everyNth(traces, 2, 1));
    const same = lintShard(new StoredTraces(store, everyNth(traces, 2, 1)), config);
    const { crossTrace, ...rest } = same;
    expect({ ...theirs, crossTrace: undefined }).toStrictEqual({ ...rest, crossTrace: undefined });
    // The same rows; the worker's lists come with the ids their sorts read, for the merge (this thread's shard here keeps none).
    expect({ ...theirs.crossTrace, keys: {} }).toStrictEqual(sentSummary(crossTrace));
    for (const [list, keys] of Object.entries(theirs.crossTrace.keys)) expect(keys!.span.length).toBe(2 * (list === 'localRoots' ? theirs.crossTrace.localRoots.rows : theirs.crossTrace[list as 'roots']).length);
    // It checked traces (its summary holds spans), and only those it was given.
    const rows = [...theirs.crossTrace.roots, ...theirs.crossTrace.requests, ...theirs.crossTrace.orphans, ...theirs.crossTrace.localRoots.rows];
    if (traces.traceCount > 1) expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(store.traceIndexOf(row) % 2).toBe(1);
    // Merged with this thread's half, the whole run.
    const ours = lintShard(new StoredTraces(store, everyNth(traces, 2, 0)), config);
    const merged = lintShards([ours, { ...theirs, crossTrace: receivedSummary(theirs.crossTrace, store) }], config);
    expect(ruleIds(merged)).toEqual(expect.arrayContaining(finds));
    expect(merged).toStrictEqual(lint(traces, config));
  });
});

describe('both threads take chunks of one check', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the same problems on many spans, in traces both threads check, grouped as one thread groups them', async () => {
    // 20,000 spans: three chunks. This thread takes the first and waits for the worker to take the second before it goes on.
    const traces = stored(sideTableSpans(2000));
    const add = Atomics.add.bind(Atomics);
    let claims = 0;
    vi.spyOn(Atomics, 'add').mockImplementation(((array: Int32Array, index: number, value: number) => {
      if (array instanceof Int32Array && array.length === 1 && claims++ === 1) {
        const pause = new Int32Array(new SharedArrayBuffer(4));
        const deadline = Date.now() + 10_000;
        while (Atomics.load(array, index) < 2 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5);
      }
      return add(array, index, value);
    }) as typeof Atomics.add);
    let ours = 0;
    const two = await lintOnTwoThreads(traces, CONFIG, { onTraceChecked: () => ours++ });
    vi.restoreAllMocks();
    expect(claims).toBeGreaterThanOrEqual(2);
    expect(ours).toBeGreaterThan(0);
    expect(ours).toBeLessThan(traces.traceCount);
    const one = lint(traces, CONFIG);
    expect(two).toStrictEqual(one);
    // Grouped: one finding for the same error on 2,000 spans, however the threads shared them.
    expect(one.diagnostics.filter((d) => d.ruleId === 'error-without-details').map((d) => d.count)).toEqual([2000]);
  });
});

describe('check --reporter json on two threads writes what one thread writes', () => {
  const bench = (): string => generated('default', 3000, 5, 'cli-bench.jsonl');
  it.each([
    ['real-world exports of several formats and a generated system', () => [...fixtures('real-world', 'zipkin'), ...fixtures('real-world', 'otlp-json'), bench()], []],
    ['with a config file (overrides, ignore patterns)', () => [...fixtures('external', 'jaeger'), bench()], ['--config', 'config.json']],
    ['one shard of three', () => [...fixtures('external', 'otlp-json'), bench()], ['--shard', '2/3']],
  ] as Array<[string, () => string[], string[]]>)('%s', async (_name, inputs, flags) => {
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ rules: { 'deprecated-attribute': 'error' }, overrides: [{ services: ['frontend'], rules: { 'clock-skew': 'off' } }], ignore: [{ rule: 'pii', service: 'c*' }] }));
    const args = ['check', '--reporter', 'json', ...flags, ...inputs()];
    const runs = [];
    for (const threads of ['1', '2']) {
      const started = workersStarted;
      const run = await runMain(tracelint, 'tracelint', args, { env: { TRACELINT_THREADS: threads }, cwd: dir });
      runs.push({ ...run, workers: workersStarted - started });
    }
    const [one, two] = runs;
    expect(one!.workers).toBe(0);
    expect(two!.workers).toBe(1);
    expect(JSON.parse(one!.stdout).diagnostics.length).toBeGreaterThan(0);
    expect(two!.stdout).toBe(one!.stdout);
    expect([two!.code, two!.stderr]).toEqual([one!.code, one!.stderr]);
  });
});

describe('twoThreadsWanted', () => {
  it.each([
    [{}, false],
    [{ TRACELINT_THREADS: '1' }, false],
    [{ TRACELINT_THREADS: '2' }, true],
    [{ TRACELINT_THREADS: '' }, false],
    [{ TRACELINT_THREADS: '4' }, false],
  ] as Array<[NodeJS.ProcessEnv, boolean]>)('%o: %s', (env, wanted) => {
    expect(twoThreadsWanted(env)).toBe(wanted);
  });
});
