// The floor for reading a trace export: read the bytes and JSON.parse them
// (per line for JSON lines), nothing else. Streams, so it works on any size
// of JSON lines; a single document must fit in one string.
//
//   node bench/floor.mjs FILE          parse and drop: what reading costs at the least
//   node bench/floor.mjs FILE --keep   parse and keep every parsed value: what any reader
//                                      that keeps the input as JavaScript objects costs at the least
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const file = process.argv[2];
const keep = process.argv.includes('--keep');
const kept = [];
if (/\.jsonl$/.test(file)) {
  let partial = '';
  // Each at its fastest: 1 MB reads when nothing is kept; 256 KB when values are kept, as in
  // tracelint (larger text chunks become external strings, whose pressure forces full collections).
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: keep ? 1 << 18 : 1 << 20 })) {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) {
      if (!line) continue;
      const value = JSON.parse(line);
      if (keep) kept.push(value);
    }
  }
  if (partial) {
    const value = JSON.parse(partial);
    if (keep) kept.push(value);
  }
} else {
  const value = JSON.parse(await readFile(file, 'utf8'));
  if (keep) kept.push(value);
}
