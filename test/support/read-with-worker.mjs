// Reads each file given with the reader worker (readTraces from the build) and prints
// "<spans> <problems>" a line each: how a test runs the worker in a process of its own.
import { readTraces } from '../../dist/index.js';

for (const file of process.argv.slice(2)) {
  const { spans, problems } = await readTraces([file], { workers: true });
  console.log(spans.length, problems.length);
}
