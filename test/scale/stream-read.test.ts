import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeText } from '../../src/formats/read.js';
import { FormatDecider, readStreamed } from '../../src/formats/stream-read.js';

const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));

const files = readdirSync(EXTERNAL, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
  .map((entry) => path.join(entry.parentPath, entry.name))
  .sort();

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function outcome<T>(run: () => Promise<T> | T): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError) return { error: error.message };
    throw error;
  }
}

describe('streamed reading gives the same model as whole-file reading', () => {
  it.each(files.flatMap((file) => [1, 13, 65536].map((size) => [path.relative(EXTERNAL, file), size, file] as const)))(
    '%s in chunks of %i bytes',
    async (name, size, file) => {
      const bytes = readFileSync(file);
      const whole = await outcome(() => decodeText(bytes.toString('utf8'), name));
      const streamed = await outcome(async () => {
        const result = await readStreamed(chunked(bytes, size), name);
        return { format: result.format, spans: result.spans, problems: result.problems, skipped: result.skipped, mergedParts: result.mergedParts };
      });
      expect(streamed).toEqual(whole);
    },
  );

  it('reads gzip by its magic bytes, in small chunks', async () => {
    const file = files.find((f) => f.includes('oats__5b58'))!;
    const bytes = readFileSync(file);
    const result = await readStreamed(chunked(gzipSync(bytes), 100), 'x.gz');
    expect(result.compressed).toBe(true);
    expect(result.spans).toEqual(decodeText(bytes.toString('utf8'), 'x.gz').spans);
  });

  it('stops a gzip bomb at the size limit with a clear error', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x20));
    await expect(readStreamed(Readable.from([bomb]), 'bomb.gz', { maxBytes: 10_000_000 })).rejects.toThrow(/larger than the limit of 10000000 bytes after decompression/);
  });

  it('names truncated gzip data', async () => {
    const bytes = gzipSync(Buffer.from('{"resourceSpans":[]}')).subarray(0, 15);
    await expect(readStreamed(Readable.from([bytes]), 't.gz')).rejects.toThrow(/t\.gz: invalid gzip data/);
  });

  it('places a syntax error inside a split element in the whole input', async () => {
    const text = '{"resourceSpans": [\n  {"scopeSpans": []},\n  {"scopeSpans": [}\n]}';
    await expect(readStreamed(chunked(Buffer.from(text), 4), 'bad.json')).rejects.toMatchObject({ line: 3, column: 19 });
  });

  it('keeps multi-byte characters split across chunks', async () => {
    const text = JSON.stringify([{ traceId: '463ac35c9f6413ad48485a3953bb6124', id: 'a2fb4a1d1a96d312', name: 'größe-😀-名字', timestamp: 1, duration: 2, localEndpoint: { serviceName: 'サービス' } }]);
    for (const size of [1, 2, 3]) {
      const result = await readStreamed(chunked(Buffer.from(text), size), 'z.json');
      expect(result.spans[0]).toMatchObject({ name: 'größe-😀-名字', resource: { serviceName: 'サービス' } });
    }
  });
});

describe('deciding JSON lines or one document from the head', () => {
  /** Feeds the chunks until the decider decides; undefined when it never does. */
  const decide = (chunks: string[], firstLineMax?: number): string | undefined => {
    const decider = new FormatDecider(firstLineMax);
    for (const chunk of chunks) {
      const decided = decider.decide(chunk);
      if (decided !== undefined) return decided;
    }
    return undefined;
  };

  it.each([
    ['a whole object on the first line and more after it', ['{"a":1}\n{"a":2}\n'], 'lines'],
    ['the same, cut across chunks', ['{"a"', ':1}', '\n', '  ', '{"a":2}'], 'lines'],
    ['an object spread over lines', ['{\n  "a": 1\n}\n'], 'document'],
    ['an array', ['  [1, 2]'], 'document'],
    ['one object and nothing after its line yet', ['{"a":1}\n', '   \n'], undefined],
  ])('%s -> %s', (_name, chunks, expected) => {
    expect(decide(chunks)).toBe(expected);
  });

  it('a first line longer than the bound with no newline is one document (a minified document may exceed any string)', () => {
    const chunk = `{"resourceSpans":[${'{"x":1},'.repeat(20)}`;
    expect(decide([chunk, chunk], chunk.length * 3)).toBeUndefined();
    expect(decide([chunk, chunk, chunk, chunk], chunk.length * 3)).toBe('document');
    // Under the bound, a long first line followed by more lines is still JSON lines.
    expect(decide([`{"a":"${'x'.repeat(200)}"}\n`, '{"a":2}'], 1000)).toBe('lines');
  });
});
