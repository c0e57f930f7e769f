import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { FormatDecider } from '../../src/formats/format-decider.js';
import { LineSplitter, type SplitLine } from '../../src/formats/line-splitter.js';
import { decodeText } from '../../src/formats/read.js';
import { JsonSplitter } from '../../src/formats/split.js';
import { readStreamed } from '../../src/formats/stream-read.js';

/**
 * Whitespace between the parts of an input is counted, not kept (bounded
 * memory; the 600 MB cases are in bounded-memory.test.ts). These tables check
 * that counting changes nothing: every padded input reads, streamed in chunks,
 * exactly as the whole text does — spans, their lines and columns, problems,
 * and errors at the same line and column with the same words.
 */
const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (n: number): string => `{"traceId":"${TID}","spanId":"${n.toString(16).padStart(16, '0')}","name":"op ${n}","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"}`;
const resourceSpans = (n: number): string => `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[${span(n)}]}]}`;
const record = (n: number): string => `{"resourceSpans":[${resourceSpans(n)}]}`;

/** Longer than what a reader keeps verbatim of a run (64 KiB), and than its chunks. */
const P = 300_000;
const spaces = ' '.repeat(P);

function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function outcome<T>(run: () => Promise<T> | T): Promise<T | { error: string; line?: number; column?: number }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError) return { error: error.message, line: error.line, column: error.column };
    throw error;
  }
}

const cases: Array<[string, string]> = [
  // JSON lines
  ['spaces before the first record', `${spaces}${record(1)}\n${record(2)}\n`],
  ['spaces after a record, before its newline', `${record(1)}${spaces}\n${record(2)}${spaces}\n`],
  ['a CRLF after the padding', `${record(1)}${spaces}\r\n${record(2)}\r\n`],
  ['blank lines between records', `${record(1)}\n${'\n'.repeat(P)}${record(2)}\n`],
  ['a blank line of spaces and tabs', `${record(1)}\n${' \t'.repeat(P / 2)}\n${record(2)}\n`],
  ['tabs before a later record', `${record(1)}\n${'\t'.repeat(P)}${record(2)}\n`],
  ['padding between the tokens of a record', `${record(1)}\n${record(2).replace('"name":', `"name":${spaces}`)}\n`],
  ['padding with a tab between the tokens of a record', `${record(1)}\n${record(2).replace('"name":', `"name":${spaces}\t${spaces}`)}\n`],
  ['a tab after padding inside a string (the error is the tab)', `${record(1)}\n${record(2).replace('"op 2"', `"op${spaces}\t${spaces}"`)}\n${record(3)}\n`],
  ['spaces inside a string', `${record(1)}\n${record(2).replace('"op 2"', `"op${spaces}2"`)}\n`],
  ['a line ending inside a string, padded', `${record(1)}\n{"resourceSpans": "abc${spaces}\n${record(3)}\n`],
  ['a line ending inside a string, padded with a tab far in', `${record(1)}\n{"resourceSpans": "abc${spaces}\t  \n${record(3)}\n`],
  ['a line ending inside an object, padded', `${record(1)}\n{"resourceSpans": [${spaces}\n${record(3)}\n`],
  ['a line ending after an escape, padded', `${record(1)}\n{"resourceSpans": "abc\\${spaces}\n${record(3)}\n`],
  ['a line of padding and no-break spaces', `${record(1)}\n${spaces}\u00a0${spaces}\n${record(2)}\n`],
  ['padding at the end of the input', `${record(1)}\n${record(2)}${spaces}`],
  // One document
  ['spaces and newlines before a document', `${' \n\t'.repeat(P / 3)}${record(1)}`],
  ['padding between the elements of a span array', `{"resourceSpans":[${spaces}${resourceSpans(1)},${'\n'.repeat(P)}${resourceSpans(2)}${spaces}]${spaces}}`],
  ['padding in the envelope', `{${spaces}"resourceSpans"${'\n'.repeat(P)}:${spaces}[${resourceSpans(1)}],${spaces}"x":${'\t'.repeat(P)}1${spaces}}${'\n'.repeat(P)}`],
  ['the issue\'s shape, smaller', `{"resourceSpans":[]${spaces}}`],
  ['a mistake after padding in the envelope', `{"resourceSpans":[]${'\n'.repeat(P)}   x}`],
  ['a mistake after padding on the first line', `{"resourceSpans":[]${spaces}x}`],
  ['a mistake after padding in a split array', `{"resourceSpans":[${resourceSpans(1)}${'\n'.repeat(P)}  ${resourceSpans(2)}]}`],
];

describe('padding reads as the whole text reads', () => {
  it.each(cases.flatMap(([name, text]) => [4093, 65536].map((size) => [name, size, text] as const)))('%s, in chunks of %i bytes', async (_name, size, text) => {
    const whole = await outcome(() => decodeText(text, 'padded'));
    const streamed = await outcome(async () => {
      const result = await readStreamed(chunked(text, size), 'padded');
      return { format: result.format, spans: result.spans, problems: result.problems, skipped: result.skipped, mergedParts: result.mergedParts };
    });
    expect(streamed).toEqual(whole);
  });
});

describe('padding at the end of a streamed document', () => {
  // The whole-text reader words these two differently (it is not streamed); the place is the same.
  it.each([
    ['a document that ends after padding', `{"resourceSpans":[${resourceSpans(1)}${spaces}`, 1, 18 + resourceSpans(1).length + P + 1, 'expected more input (the document ends too early), found end of input'],
    ['nothing but padding', `${spaces}\n${'\n'.repeat(P)}\t\t`, P + 2, 3, 'expected a JSON document, found an empty input'],
  ])('%s is an error at its end', async (_name, text, line, column, words) => {
    for (const size of [4093, 65536]) {
      await expect(readStreamed(chunked(text, size), 'padded')).rejects.toMatchObject({ line, column, message: expect.stringContaining(words) });
    }
  });
});

describe('what a reader keeps of padding', () => {
  it('the envelope keeps one character of each run of whitespace', () => {
    // Were the padding kept, the envelope would pass its limit of 100 characters.
    const splitter = new JsonSplitter('doc.json', () => {}, { maxEnvelope: 100 });
    for (const piece of ['{"resourceSpans":[', `${resourceSpans(1)}`, spaces, ']', spaces, ',"x":', '\n'.repeat(P), '1', spaces, '}', spaces]) splitter.push(piece);
    expect(splitter.end()).toEqual({ resourceSpans: [], x: 1 });
  });

  it('a line keeps 64 KiB of the whitespace after its text and counts the rest, with its first tab', () => {
    const lines: SplitLine[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const piece of [`${spaces}{"a":1}`, spaces, '\t', spaces, '\n\n', '  {"b":2}\n']) splitter.push(piece);
    splitter.end();
    expect(lines).toEqual([
      { text: `{"a":1}${' '.repeat(64 * 1024)}`, lineNumber: 1, firstColumn: P + 1, tail: { length: 2 * P + 1 - 64 * 1024, control: P - 64 * 1024, controlChar: '\t' } },
      { text: '{"b":2}', lineNumber: 3, firstColumn: 3, tail: undefined },
    ]);
  });

  it('whitespace followed by more text on the line is the record\'s, made again exactly', () => {
    const lines: SplitLine[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const text = `{"a":${spaces}\t${spaces}1}`;
    for (let i = 0; i < text.length; i += 50_000) splitter.push(text.slice(i, i + 50_000));
    splitter.end();
    expect(lines.map((line) => line.text)).toEqual([`{"a":${spaces}\t${spaces}1}`]);
  });

  it('a line longer than the longest string is a problem at its number, and the lines after it are read', () => {
    const lines: number[] = [];
    const tooLong: Array<[number, number]> = [];
    const splitter = new LineSplitter((line) => lines.push(line.lineNumber), (lineNumber, maxLine) => tooLong.push([lineNumber, maxLine]), 1000);
    for (const piece of ['{"a":1}\n{"b":"', 'x'.repeat(600), 'x'.repeat(600), '"}\n', `{"c":${' '.repeat(2000)}3}\n{"d":4}${' '.repeat(5000)}\n`]) splitter.push(piece);
    splitter.end();
    expect(tooLong).toEqual([
      [2, 1000],
      [3, 1000],
    ]);
    expect(lines).toEqual([1, 4]);
  });

  it('the decider holds runs of whitespace as counts and hands the text back exactly', () => {
    const pieces = ['{"resourceSpans":[]', spaces, spaces, '\t'.repeat(P), ` x${spaces}`];
    const decider = new FormatDecider(1000);
    // Runs are not counted against the bound: waiting on them holds nothing.
    for (const piece of pieces) expect(decider.decide(piece)).toBe(piece.startsWith(' x') ? 'document' : undefined);
    const handed: string[] = [];
    decider.handOver((text) => handed.push(text));
    expect(handed.join('')).toBe(pieces.join(''));
    expect(Math.max(...handed.map((text) => text.length))).toBeLessThanOrEqual(Math.max(1 << 20, ` x${spaces}`.length));
  });

  it('the decider counts whitespace before the first line and after a whole first object as newlines and columns', () => {
    const decider = new FormatDecider();
    expect(decider.decide(' \t\n\r\n  ')).toBeUndefined();
    expect(decider.decide('\t{"a":1}')).toBeUndefined();
    expect(decider.decide('\n \t \n\t ')).toBeUndefined();
    expect(decider.decide(' {"a":2}')).toBe('lines');
    const handed: string[] = [];
    decider.handOver((text) => handed.push(text));
    // The same lines, and the same column for each first character, as ' \t\n\r\n   \t{"a":1}\n \t \n\t  {"a":2}'.
    expect(handed.join('')).toBe('\n\n   {"a":1}\n\n   {"a":2}');
  });
});

describe('text outside the span arrays is bounded', () => {
  const split = (text: string, chunk = 7): unknown => {
    const splitter = new JsonSplitter('doc.json', () => {}, { maxEnvelope: 1000, maxElement: 2000 });
    for (let i = 0; i < text.length; i += chunk) splitter.push(text.slice(i, i + chunk));
    return splitter.end();
  };
  const failure = (text: string): unknown => {
    try {
      split(text);
    } catch (error) {
      return error instanceof InputError ? { line: error.line, column: error.column, reason: error.reason } : error;
    }
    return undefined;
  };

  it.each([
    ['a long string value', `{"resourceSpans":[],\n  "x": "${'a'.repeat(5000)}"}`, 2, 8, 'this string'],
    ['a long property name', `{"resourceSpans":[],\n  "${'k'.repeat(5000)}": 1}`, 2, 3, 'this property name'],
    ['a long number', `{"resourceSpans":[],\n  "x": ${'1'.repeat(5000)}}`, 2, 8, 'this value'],
    ['deep nesting outside the span arrays', `{"x":${'{"k":'.repeat(300)}`, 1, 1001, 'this text'],
  ])('%s is an error at the token that passes the limit (line %i, column %i)', (_name, text, line, column, what) => {
    expect(failure(text)).toEqual({ line, column, reason: expect.stringContaining(`expected at most 1000 characters outside the span arrays`) });
    expect((failure(text) as { reason: string }).reason).toContain(`found more with ${what}`);
  });

  it('an element longer than the longest string is an error at its start, naming its array', () => {
    expect(failure(`{"resourceSpans": [{"a": 1},\n  {"b": "${'x'.repeat(3000)}"}]}`)).toEqual({
      line: 2,
      column: 3,
      reason: 'this element of the "resourceSpans" array is longer than 2000 characters: each element of a span array is parsed as one string, and that is the most one can hold',
    });
  });

  it('a long string cut into many chunks is read once, not again with each chunk', () => {
    // Before, a token cut by a chunk's end was scanned again from its start with every chunk (quadratic).
    const value = 'v'.repeat(4 * 1024 * 1024);
    const splitter = new JsonSplitter('doc.json', () => {});
    const text = `{"resourceSpans":[],"x":"${value}"}`;
    for (let i = 0; i < text.length; i += 256) splitter.push(text.slice(i, i + 256));
    expect(splitter.end()).toEqual({ resourceSpans: [], x: value });
  });
});
