import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { readTraces as ReadTraces } from '../../src/formats/read.js';

/**
 * The reader worker runs only from the build (a worker needs JavaScript), so
 * these tests read through dist/ — `npm test` runs after `npm run build` in CI.
 * Every case is read twice, with the worker and on one thread, and must give
 * the same spans, problems, errors and input summaries.
 */
const { readTraces } = (await import(new URL('../../dist/formats/read.js', import.meta.url).href)) as { readTraces: typeof ReadTraces };
const { workerStats } = (await import(new URL('../../dist/formats/read-in-worker.js', import.meta.url).href)) as { workerStats: { started: number } };
const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-worker-'));
const TID = '4bf92f3577b34da6a3ce929d0e0e4736';

function request(spanCount: number, line: number, over: Record<string, unknown> = {}): string {
  const spans = Array.from({ length: spanCount }, (_, i) => ({
    traceId: TID,
    spanId: (line * 1000 + i + 1).toString(16).padStart(16, '0'),
    name: `op ${line}.${i} é ☃`,
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    ...over,
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
}

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

type Outcome = Awaited<ReturnType<typeof ReadTraces>> | { error: string };

async function outcome(input: string, workers: boolean, format?: string): Promise<Outcome> {
  try {
    return await readTraces([input], { workers, format: format as never });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Spans, problems and summaries as plain data (the trace index is built from the spans). */
function comparable(result: Outcome): unknown {
  if ('error' in result) return result;
  return { spans: result.spans, problems: result.problems.map((problem) => problem.message), inputs: result.inputs };
}

/** Longer than a reader keeps of a run of whitespace (64 KiB). */
const PAD = 300_000;
const pad = ' '.repeat(PAD);

const many = Array.from({ length: 400 }, (_, line) => request(20, line + 1)).join('\n');
/** 40,000 spans: more than BATCH_SPANS (16,384) twice over. */
const manyBatches = Array.from({ length: 100 }, (_, line) => request(400, line + 1)).join('\n');

const jaeger = JSON.stringify({
  data: [
    {
      traceID: TID,
      spans: [{ traceID: TID, spanID: '00f067aa0ba902b7', operationName: 'GET /', references: [], startTime: 1700000000000000, duration: 1000, tags: [], logs: [], processID: 'p1' }],
      processes: { p1: { serviceName: 'svc', tags: [] } },
    },
  ],
});
const zipkin = JSON.stringify([{ traceId: TID, id: '00f067aa0ba902b7', name: 'get', timestamp: 1700000000000000, duration: 1000, localEndpoint: { serviceName: 'svc' } }]);
const documentOfMany = JSON.stringify({ resourceSpans: Array.from({ length: 50 }, (_, i) => JSON.parse(request(20, i + 1)).resourceSpans[0]) });

describe('reading with the reader worker gives what one thread gives', () => {
  it.each([
    ['many lines across batches', () => file('many.jsonl', `${many}\n`)],
    ['more spans than three batches hold', () => file('batches.jsonl', `${manyBatches}\n`)],
    ['gzip', () => file('many.jsonl.gz', gzipSync(`${many}\n`))],
    ['a BOM, CRLF line ends and blank lines', () => file('crlf.jsonl', `\ufeff${request(3, 1)}\r\n\r\n${request(3, 2)}\r\n   \n${request(3, 3)}`)],
    ['nanosecond times written as long integers', () => file('long.jsonl', `${request(2, 1).replace(/"(17000000001?0+)"/g, '$1')}\n${request(2, 2).replace(/"(17000000001?0+)"/g, '$1')}\n`)],
    ['a bad line and a line that is not OTLP among good ones', () => file('bad-lines.jsonl', `${request(2, 1)}\n{"resourceSpans": [ }\n${request(2, 3)}\n{"hello": 1}\n${request(2, 5)}\n`)],
    // Past the first chunk, which decides the format: the worker meets it.
    ['invalid UTF-8 in the middle', () => file('utf8.jsonl', Buffer.concat([Buffer.from(`${many}\n`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(`\n${request(2, 3)}\n`)]))],
    ['an input that ends inside a UTF-8 character', () => file('cut-utf8.jsonl', Buffer.from(`${request(2, 1)}\n${request(2, 2)} é`).subarray(0, -1))],
    ['truncated gzip', () => file('cut.jsonl.gz', gzipSync(`${many}\n`).subarray(0, 5000))],
    ['UTF-16', () => file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(request(1, 1), 'utf16le')]))],
    // Documents: decided, split and decoded in the worker, sent as batches of the span store.
    ['one pretty-printed OTLP document in a .jsonl file', () => file('document.jsonl', JSON.stringify(JSON.parse(request(5, 1)), null, 2))],
    ['one minified OTLP document of many resource spans', () => file('minified.json', documentOfMany)],
    ['the same document gzipped', () => file('minified.json.gz', gzipSync(documentOfMany))],
    ['a Jaeger document', () => file('jaeger.json', jaeger)],
    ['a Zipkin document', () => file('zipkin.json', zipkin)],
    ['a document cut short', () => file('short.json', documentOfMany.slice(0, 30_000))],
    ['a single JSON line (one document, or one record)', () => file('one.jsonl', `${request(3, 1)}\n`)],
    ['an empty file', () => file('empty.json', '')],
    ['only whitespace', () => file('blank.json', ' \n\n  \n')],
    // Padding, counted instead of kept on either thread (test/scale/padding.test.ts has them all).
    ['JSON lines padded before, between and after records', () => file('padded.jsonl', `${pad}${request(2, 1)}${pad}\n${'\n'.repeat(PAD)}\t${pad}${request(2, 2).replace('"kind":', `"kind":${pad}`)}\n`)],
    ['a padded line cut inside a string, among good ones', () => file('padded-bad.jsonl', `${request(2, 1)}\n{"resourceSpans": "x${pad}\t\n${request(2, 3)}\n`)],
    ['a document padded between elements and in the envelope', () => file('padded.json', `{"resourceSpans": [${pad}${documentOfMany.slice(18, -2)}${'\n'.repeat(PAD)}]${pad}}`)],
    // The element before the mistake is decoded first on one thread, and is wrong itself.
    ['an element that is not a resource, then a syntax error', () => file('bad-element.json', '{"resourceSpans": ["resource":{}]}')],
    ['a document with a mistake after padding', () => file('padded-bad.json', `{"resourceSpans": []${'\n'.repeat(PAD)}  x}`)],
    ['JSON lines forced on a document', () => file('forced.json', documentOfMany), 'otlp-jsonl'],
    ['Jaeger forced on JSON lines', () => file('forced-jaeger.jsonl', `${many}\n`), 'jaeger'],
  ])('%s', async (_name, make, format?: string) => {
    const input = make();
    const inline = await outcome(input, false, format);
    const started = workerStats.started;
    const inWorker = await outcome(input, true, format);
    expect(workerStats.started - started).toBe(1);
    expect(comparable(inWorker)).toEqual(comparable(inline));
  });

  it.each([true, false])('in a directory, nothing is kept of a file refused after batches of its spans had come (workers: %s)', async (workers) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'tracelint-refused-'));
    writeFileSync(path.join(folder, 'a-good.jsonl'), `${request(3, 1)}\n${request(3, 2)}\n`);
    // 40,000 good spans, then the document breaks: the input is refused as a whole.
    writeFileSync(path.join(folder, 'b-refused.json'), `${JSON.stringify({ resourceSpans: Array.from({ length: 100 }, (_, i) => JSON.parse(request(400, i + 3)).resourceSpans[0]) }).slice(0, -2)}, 7]}`);
    writeFileSync(path.join(folder, 'c-good.jsonl'), `${request(2, 500)}\n`);
    const result = await readTraces([folder], { workers });
    expect(result.problems.map((problem) => problem.message)).toEqual([expect.stringContaining('b-refused.json')]);
    expect(result.inputs.map((input) => [path.basename(input.name), input.spanCount])).toEqual([['a-good.jsonl', 6], ['c-good.jsonl', 2]]);
    expect(result.spans).toHaveLength(8);
    expect(result.store.spanCount).toBe(8);
    expect(result.traces.traces.size).toBe(1);
  });

  it('a missing file is not handed to the worker, and its error names it', async () => {
    const started = workerStats.started;
    const missing = await outcome(path.join(dir, 'no-such.jsonl'), true);
    expect(workerStats.started).toBe(started);
    expect(missing).toEqual({ error: expect.stringMatching(/no-such\.jsonl: no such file/) });
  });

  it('a named pipe is read once, on this thread (it cannot be opened again)', async () => {
    const fifo = path.join(dir, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const writing = writeFile(fifo, `${many}\n`);
    const started = workerStats.started;
    const result = await readTraces([fifo], { workers: true });
    await writing;
    expect(workerStats.started).toBe(started);
    expect(result.spans).toHaveLength(400 * 20);
  });

  it("the store's columns grow to the spans the file's size says are coming, not by half again each time", async () => {
    // Two inputs into one store: the second's estimate starts from what the first left.
    const first = await readTraces([file('reserve-a.jsonl', `${manyBatches}\n`), file('reserve-b.jsonl', `${manyBatches}\n`)], { workers: true });
    const spans = first.store.spanCount;
    expect(spans).toBe(2 * 40_000);
    // Grown by half at a time instead, 80,000 spans would sit in columns of 1024 * 1.5^k = 88,574 or more.
    expect(first.store.spanCapacity).toBeGreaterThanOrEqual(spans);
    expect(first.store.spanCapacity).toBeLessThan(spans * 1.08);
  });

  it('the worker reads the whole file and reports its spans, problems and bytes', async () => {
    const input = file('counted.jsonl', `${many}\n{"resourceSpans": [ }\n`);
    const started = workerStats.started;
    const result = await readTraces([input], { workers: true });
    expect(workerStats.started).toBe(started + 1);
    expect(result.spans).toHaveLength(400 * 20);
    expect(result.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/counted\.jsonl:401:21: invalid JSON: expected a value/)]);
    expect(result.inputs[0]).toMatchObject({ format: 'otlp-jsonl', spanCount: 8000, compressed: false });
    expect(result.spans[8000 - 1]!.source).toMatchObject({ line: 400 });
  });
});

const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const externalFiles = readdirSync(EXTERNAL, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
  .map((entry) => path.join(entry.parentPath, entry.name))
  .sort();

describe('the external fixtures read the same with the reader worker', () => {
  it.each(externalFiles.map((fixture) => [path.relative(EXTERNAL, fixture), fixture]))('%s', async (_name, fixture) => {
    const started = workerStats.started;
    const inWorker = await outcome(fixture, true);
    expect(workerStats.started).toBe(started + 1);
    expect(comparable(inWorker)).toEqual(comparable(await outcome(fixture, false)));
  });
});
