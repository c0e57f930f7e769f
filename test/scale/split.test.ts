import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { JsonSplitter, type SplitElement } from '../../src/formats/split.js';

const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));

function split(text: string, chunkSize: number): { envelope: unknown; elements: SplitElement[] } {
  const elements: SplitElement[] = [];
  const splitter = new JsonSplitter('doc.json', (element) => elements.push(element));
  for (let i = 0; i < text.length; i += chunkSize) splitter.push(text.slice(i, i + chunkSize));
  return { envelope: splitter.end(), elements };
}

/** Puts the split elements back into the envelope's empty arrays. */
function reassemble(envelope: unknown, elements: SplitElement[]): unknown {
  for (const element of elements) {
    let target: unknown = envelope;
    for (const key of element.path) target = (target as Record<string, unknown>)[key];
    (target as unknown[]).push(JSON.parse(element.text));
  }
  return envelope;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

const files = readdirSync(EXTERNAL, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.json') && !entry.name.includes('scan_error') && !entry.parentPath.endsWith('otlp-jsonl'))
  .map((entry) => path.join(entry.parentPath, entry.name));

describe('JsonSplitter', () => {
  it.each(files.flatMap((file) => [1, 7, 4096].map((size) => [path.relative(EXTERNAL, file), size, file] as const)))(
    '%s in chunks of %i reassembles to what JSON.parse reads',
    (_name, size, file) => {
      const text = readFileSync(file, 'utf8');
      const { envelope, elements } = split(text, size);
      expect(reassemble(envelope, elements)).toEqual(JSON.parse(text));
      for (const element of elements) {
        const at = offsetOf(text, element.position.line, element.position.column);
        expect(text.slice(at, at + element.text.length)).toBe(element.text);
      }
    },
  );

  it('splits the arrays where spans sit, and only those', () => {
    const text = '{"result":{"resourceSpans":[{"a":[1,2]},{"b":"]"}]},"total":[3,4],"deep":{"x":{"y":{"z":[5]}}}}';
    const { elements } = split(text, 5);
    expect(elements.map((e) => [e.path.join('.'), e.text])).toEqual([
      ['result.resourceSpans', '{"a":[1,2]}'],
      ['result.resourceSpans', '{"b":"]"}'],
      ['total', '3'],
      ['total', '4'],
    ]);
  });

  it('keeps strings whole across chunk boundaries, escapes and multi-byte characters included', () => {
    const value = [{ s: 'a\\"b\\\\', t: 'ü€😀"]}', u: '\\\\\\"' }, 'x"y', 12, true, null];
    const text = JSON.stringify(value);
    for (const size of [1, 2, 3, 5]) {
      const { envelope, elements } = split(text, size);
      expect(reassemble(envelope, elements)).toEqual(value);
    }
  });

  it.each([
    ['[{"a":1},]', 1, 10, 'expected a value (object'],
    ['[{"a":1} {"b":2}]', 1, 10, "',' or ']'"],
    ['[,{"a":1}]', 1, 2, "null) or ']'"],
    ['{"data":[{"a":1}', 1, 17, 'more input'],
    ['{\n  "data": [],\n  "x": tru\n}', 3, 8, 'a value'],
    ['{\n  "data": []\n  "x": 1\n}', 3, 3, "',' or '}'"],
    // Cut short after a mistake inside an element: the mistake is blamed, not the end.
    ['{"resourceSpans": [ {"scopeSpans": [ }\n', 1, 38, "null) or ']'"],
    ['{"data": [\n  {"spans": [1 2\n', 2, 16, "',' or ']'"],
    ['{"data": [\n  {"spans": [1, 2\n', 3, 1, 'more input'],
  ])('%j is an error at line %i, column %i', (text, line, column, expected) => {
    let error: unknown;
    try {
      split(text, 3);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ line, column });
    expect((error as Error).message).toContain(expected);
  });
});
