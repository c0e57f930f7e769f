import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeText } from '../../src/formats/read.js';
import { readStreamed } from '../../src/formats/stream-read.js';
import { TraceSet } from '../../src/model/trace.js';

/**
 * Whatever bytes the readers are given, they either return spans or throw an
 * InputError that names the input: never another exception, never a hang.
 * Inputs: random bytes and JSON, and mutations (truncation, bit flips, type
 * swaps) of the real exports in ../shared/fixtures/external and of SDK-made traces. FUZZ_RUNS raises
 * the number of cases for `npm run fuzz`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** `npm run fuzz` runs tens of thousands of cases: minutes on a busy machine, not the suite's 30 s. */
const TIMEOUT = Math.max(30_000, RUNS * 20);
const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const OWN = fileURLToPath(new URL('../../fixtures', import.meta.url));
// Real exports from other tools, and the traces our generator made with the OpenTelemetry SDK.
const fixtures = [
  ...readdirSync(EXTERNAL, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name))),
  readFileSync(path.join(OWN, 'checkout.otlp.json')),
  readFileSync(path.join(OWN, 'checkout-broken.otlp.jsonl')),
];

/** Strict UTF-8, as the readers decode: invalid bytes are an InputError. */
function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('fuzz.json', 'invalid UTF-8');
  }
}

/** Reads the bytes both ways; returns 'spans' or 'input-error', throws anything else. */
async function readBoth(bytes: Uint8Array): Promise<string> {
  // Reading from memory never waits for I/O, so without this tens of thousands of cases would
  // run as one microtask chain and keep the worker from answering vitest (its RPC times out).
  await new Promise((resolve) => setImmediate(resolve));
  const started = Date.now();
  const outcomes: string[] = [];
  for (const read of [
    async () => decodeText(utf8(bytes), 'fuzz.json').spans,
    async () => (await readStreamed(Readable.from([Buffer.from(bytes)]), 'fuzz.json')).spans,
  ]) {
    try {
      const spans = await read();
      // The model must also hold up: grouping and tree indexes over whatever was read.
      const traces = new TraceSet(spans);
      for (const trace of traces.traces.values()) trace.cycleMembers();
      outcomes.push('spans');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      expect(error.message.startsWith('fuzz.json')).toBe(true);
      outcomes.push('input-error');
    }
  }
  expect(Date.now() - started).toBeLessThan(5_000);
  // Streaming must not change the verdict.
  expect(outcomes[1]).toBe(outcomes[0]);
  return outcomes[0]!;
}

const fixture = fc.constantFrom(...fixtures);

const mutated = fc.oneof(
  // Truncated anywhere.
  fc.tuple(fixture, fc.double({ min: 0, max: 1, noNaN: true })).map(([bytes, at]) => bytes.subarray(0, Math.floor(bytes.length * at))),
  // Bit flips.
  fc.tuple(fixture, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })).map(([bytes, flips]) => {
    const copy = Buffer.from(bytes);
    for (const [at, bit] of flips) {
      const index = Math.min(copy.length - 1, Math.floor(copy.length * at));
      if (index >= 0) copy[index]! ^= 1 << bit;
    }
    return copy;
  }),
  // A value of the wrong type somewhere in the parsed fixture.
  fc.tuple(fixture, fc.nat(), fc.constantFrom<unknown>(null, 0, -1, 1.5, 1e300, 'x', '', true, [], {}, [1, 'a'], { __proto__: 1 }, '99999999999999999999999')).map(([bytes, pick, replacement]) => {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return bytes;
    }
    const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node && typeof node === 'object') {
        for (const [key, child] of Object.entries(node)) {
          slots.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
          stack.push(child);
        }
      }
    }
    if (slots.length === 0) return bytes;
    const [parent, key] = slots[pick % slots.length]!;
    (parent as Record<string | number, unknown>)[key] = replacement;
    return Buffer.from(JSON.stringify(value));
  }),
);

describe('readers on hostile input', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => void (await readBoth(bytes))), { numRuns: RUNS });
  }, TIMEOUT);

  it('random JSON values', async () => {
    await fc.assert(fc.asyncProperty(fc.json({ depthSize: 'medium' }), async (json) => void (await readBoth(Buffer.from(json)))), { numRuns: RUNS });
  }, TIMEOUT);

  it('mutations of the real exports', async () => {
    await fc.assert(fc.asyncProperty(mutated, async (bytes) => void (await readBoth(bytes))), { numRuns: RUNS * 4 });
  }, TIMEOUT * 4);
});
