// The floor for reading a trace export: read the bytes and JSON.parse them
// (per line for JSON lines), nothing else. Streams, so it works on any size
// of JSON lines; a single document must fit in one string.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const file = process.argv[2];
if (/\.jsonl$/.test(file)) {
  let partial = '';
  let lines = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) if (line) (JSON.parse(line), lines++);
  }
  if (partial) (JSON.parse(partial), lines++);
} else {
  JSON.parse(await readFile(file, 'utf8'));
}
