import { parentPort, workerData } from 'node:worker_threads';
import { SpanColumns } from '../model/store.js';
import { ClaimedTraces } from '../model/trace-source.js';
import { lintShard } from './engine.js';
import { MAX_WORKER_DIAGNOSTICS, sentSummary, type ShardWorkerData, type ShardWorkerMessage } from './two-threads.js';

/**
 * The shard worker's entry (started by two-threads.ts, imported by nothing
 * else): the first stage of a check on the chunks of traces it takes, read
 * from the store's shared columns, sent back with the summary's spans as rows.
 */
if (parentPort) {
  const port = parentPort;
  const post = (message: ShardWorkerMessage): void => port.postMessage(message);
  try {
    const { store, config, claims, chunks, kept, traceCount, spanCount } = workerData as ShardWorkerData;
    const traces = new ClaimedTraces(SpanColumns.fromShared(store), claims, chunks, kept, traceCount, spanCount);
    // Past MAX_WORKER_DIAGNOSTICS the main thread takes the rest: findings made here are held twice
    // (here, then copied there), and a million of them would take the check past a gigabyte.
    let held = 0;
    traces.stopWhen = () => held >= MAX_WORKER_DIAGNOSTICS;
    const { crossTrace, ...rest } = lintShard(traces, config, undefined, { onTraceChecked: (_done, _total, diagnostics) => (held = diagnostics) });
    post({ kind: 'done', shard: { ...rest, crossTrace: sentSummary(crossTrace) } });
  } catch (error) {
    post({ kind: 'crash', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // The result is posted (serialized): the thread ends now, so its heap (its diagnostics, half a
  // million in a check of a million findings) is let go before the main thread reads the copy.
  process.exit(0);
}
