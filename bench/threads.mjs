// How much two busy threads slow each other on this machine: the same work alone on the main
// thread, then on the main thread and a worker at once. Three kinds: arithmetic (no memory),
// allocation (small objects, most dying young, as decoding and checking make them) and random
// reads of a 256 MB typed array (memory bandwidth). Ratios are "side by side / alone".
//
//   node bench/threads.mjs
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

function work() {
  let start = performance.now();
  let x = 0;
  for (let i = 0; i < 3e8; i++) x = (x * 31 + i) | 0;
  const arithmetic = performance.now() - start;

  start = performance.now();
  let kept = [];
  for (let i = 0; i < 3e6; i++) {
    kept.push({ a: i, b: String(i), c: [i] });
    if (kept.length > 100_000) kept = [];
  }
  const allocation = performance.now() - start;

  start = performance.now();
  const big = new Uint32Array(64 << 20);
  let sum = 0;
  for (let round = 0; round < 3; round++) for (let i = 0; i < big.length; i += 16) sum += big[(i * 7919) & (big.length - 1)];
  const memory = performance.now() - start;
  return { arithmetic, allocation, memory, check: (x & 1) + sum };
}

if (isMainThread) {
  const alone = work();
  const worker = new Worker(new URL(import.meta.url));
  const other = new Promise((resolve) => worker.once('message', resolve));
  const together = work();
  const theirs = await other;
  await worker.terminate();
  console.log('kind        alone ms  side by side ms (main, worker)  ratio');
  for (const kind of ['arithmetic', 'allocation', 'memory']) {
    const ratio = Math.max(together[kind], theirs[kind]) / alone[kind];
    console.log(`${kind.padEnd(11)} ${alone[kind].toFixed(0).padStart(8)}  ${together[kind].toFixed(0).padStart(8)}, ${theirs[kind].toFixed(0).padStart(6)}              ${ratio.toFixed(2)}x`);
  }
} else parentPort.postMessage(work());
