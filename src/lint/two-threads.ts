import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { keysOfList, rememberKeys, type SpanKeys } from '../analysis/span-order.js';
import { CROSS_TRACE_SPAN_KEYS, type CrossTraceSummary, type LocalRoot } from '../analysis/summary.js';
import type { Span } from '../model/span.js';
import type { SharedStore, SpanColumns } from '../model/store.js';
import { StoredSpanView } from '../model/stored-span-view.js';
import { ClaimedTraces, type StoredTraces } from '../model/trace-source.js';
import type { ResolvedConfig } from './config.js';
import { lintShard, lintShards, type LintHooks, type LintResult, type ShardResult } from './engine.js';

/**
 * The first stage of a check (every per-trace rule, and the cross-trace
 * summary) on both cores: a worker (shard-worker.ts) and this thread take
 * chunks of the store's traces in turn until none is left (ClaimedTraces),
 * the worker reading the store's shared columns, and their results are merged
 * as `tracelint merge` merges shards (lintShards), so the findings are those
 * of one run over everything. The worker's summary comes back as store rows,
 * not spans: this thread reads the same rows.
 */

/** What the worker is sent: the store, the settings, and the chunks both threads take from (see ClaimedTraces). */
export interface ShardWorkerData {
  store: SharedStore;
  config: ResolvedConfig;
  claims: Int32Array;
  chunks: Uint32Array;
  kept: Uint8Array | undefined;
  traceCount: number;
  spanCount: number;
}

/** A shard's summary with its spans as rows of the shared store, and each list's ids as numbers when its sort made them (keysOfList). */
export interface SentSummary extends Omit<CrossTraceSummary, 'roots' | 'childlessCalls' | 'requests' | 'orphans' | 'localRoots'> {
  roots: Uint32Array;
  childlessCalls: Uint32Array;
  requests: Uint32Array;
  orphans: Uint32Array;
  localRoots: { rows: Uint32Array; calls: Array<LocalRoot['calls']> };
  keys: Partial<Record<SpanList, SpanKeys>>;
}

type SpanList = 'roots' | 'childlessCalls' | 'requests' | 'orphans' | 'localRoots';
const SPAN_LISTS: readonly SpanList[] = ['roots', 'childlessCalls', 'requests', 'orphans', 'localRoots'];

export type ShardWorkerMessage = { kind: 'done'; shard: Omit<ShardResult, 'crossTrace'> & { crossTrace: SentSummary } } | { kind: 'crash'; message: string };

/**
 * Diagnostics the worker makes before it leaves the remaining traces to this
 * thread: a run that finds that much is spent on its findings, and each one
 * the worker makes is held twice for a while (a million findings checked on
 * two threads took 1,020 MB, on one 755 MB).
 */
export const MAX_WORKER_DIAGNOSTICS = 50_000;

const WORKER_SCRIPT = fileURLToPath(new URL('./shard-worker.js', import.meta.url));

/**
 * Whether `check` uses a second thread for these traces: only when
 * TRACELINT_THREADS=2 asks (then for any size). Measured on the 2-core
 * machine, it gained nothing once reading had become cheap: 1M spans took
 * 5.86–6.05 s on two threads and 5.99–6.12 s on one, with 110 MB more at the
 * peak, and a check of a million findings took more memory, not less time
 * (bench/threads.mjs: two threads that allocate slow each other). The reader
 * already keeps both cores busy. Whether it pays with more cores is not measured.
 * The worker runs only from the build.
 */
export function twoThreadsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TRACELINT_THREADS === '2' && existsSync(WORKER_SCRIPT);
}

/** Spans in a chunk of traces, about: small enough that neither thread waits long for the other at the end. */
const SPANS_PER_CHUNK = 8192;

/** `lint` of stored traces, its first stage split over this thread and a worker. */
export async function lintOnTwoThreads(traces: StoredTraces, config: ResolvedConfig, hooks: LintHooks = {}): Promise<LintResult> {
  const { store } = traces;
  const shared: Omit<ShardWorkerData, 'store' | 'config'> = {
    claims: new Int32Array(new SharedArrayBuffer(4)),
    chunks: chunkStarts(store, SPANS_PER_CHUNK),
    kept: keptMask(traces),
    traceCount: traces.traceCount,
    spanCount: traces.spanCount,
  };
  const worker = new Worker(WORKER_SCRIPT, { workerData: { ...shared, store: store.toShared(), config } satisfies ShardWorkerData });
  try {
    const reply = new Promise<ShardWorkerMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      // The worker ends once it has posted its result, which is delivered first; ending without one is a failure.
      worker.once('exit', (code) => setImmediate(() => reject(new Error(`the shard worker stopped (exit code ${code}) without a result`))));
    });
    const ours = new ClaimedTraces(store, shared.claims, shared.chunks, shared.kept, shared.traceCount, shared.spanCount);
    // Progress is the share of chunks taken by either thread.
    const progress = (_done: number, _total: number, held: number): void => {
      const { chunks, of } = ours.claimed;
      hooks.onTraceChecked?.(Math.round((chunks / of) * traces.traceCount), traces.traceCount, held);
    };
    const mine = lintShard(ours, config, undefined, { onTraceChecked: progress });
    const message = await reply;
    if (message.kind === 'crash') throw new Error(`the shard worker failed: ${message.message}`);
    return lintShards([mine, { ...message.shard, crossTrace: receivedSummary(message.shard.crossTrace, store) }], config);
  } finally {
    await worker.terminate();
  }
}

/** The first trace of each chunk of about `spans` spans, then the trace count. */
function chunkStarts(store: SpanColumns, spans: number): Uint32Array {
  const starts = [0];
  let inChunk = 0;
  for (let t = 0; t < store.traceCount; t++) {
    if (inChunk >= spans) {
      starts.push(t);
      inChunk = 0;
    }
    inChunk += store.rowsOf(t).length;
  }
  starts.push(store.traceCount);
  return Uint32Array.from(starts);
}

/** The traces a source keeps (a --shard), marked 1 by trace index; undefined when it keeps all. */
function keptMask({ store, keep }: StoredTraces): Uint8Array | undefined {
  if (!keep) return undefined;
  const kept = new Uint8Array(store.traceCount);
  for (let t = 0; t < store.traceCount; t++) kept[t] = keep(store.traceId(t), t) ? 1 : 0;
  return kept;
}

/** A shard summary made over a store (its spans are store views), as rows of that store. */
export function sentSummary(summary: CrossTraceSummary): SentSummary {
  return {
    services: summary.services,
    hops: summary.hops,
    roots: rowsOf(summary.roots),
    childlessCalls: rowsOf(summary.childlessCalls),
    requests: rowsOf(summary.requests),
    orphans: rowsOf(summary.orphans),
    localRoots: { rows: rowsOf(summary.localRoots.map((root) => root.span)), calls: summary.localRoots.map((root) => root.calls) },
    keys: Object.fromEntries(SPAN_LISTS.flatMap((list) => {
      const keys = keysOfList(summary[list]);
      return keys ? [[list, keys]] : [];
    })),
  };
}

/** The summary again, its spans views of the same rows of this thread's store. */
export function receivedSummary(sent: SentSummary, store: SpanColumns): CrossTraceSummary {
  const views = (rows: Uint32Array): Span[] => Array.from(rows, (row) => store.view(row, CROSS_TRACE_SPAN_KEYS));
  const localRoots = views(sent.localRoots.rows).map((span, i) => ({ span, calls: sent.localRoots.calls[i]! }));
  const summary: CrossTraceSummary = { services: sent.services, hops: sent.hops, roots: views(sent.roots), childlessCalls: views(sent.childlessCalls), requests: views(sent.requests), orphans: views(sent.orphans), localRoots };
  for (const list of SPAN_LISTS) {
    const keys = sent.keys[list];
    if (keys) rememberKeys(summary[list], keys);
  }
  return summary;
}

function rowsOf(spans: readonly Span[]): Uint32Array {
  const rows = new Uint32Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as unknown;
    if (!(span instanceof StoredSpanView)) throw new Error('a shard summary made over a store holds store views only');
    rows[i] = span.row;
  }
  return rows;
}
