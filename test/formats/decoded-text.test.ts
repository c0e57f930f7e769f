import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedText, endsInsideCharacter } from '../../src/formats/stream-read.js';

/**
 * Chunks of pure ASCII skip the UTF-8 decoder (copied as Latin-1). Whatever
 * the chunking, the text, and every refusal of bad UTF-8, must be the
 * decoder's own: characters cut by a chunk's end, a byte order mark at the
 * start or in the middle, an ASCII chunk after a cut character.
 */
async function decode(chunks: Uint8Array[]): Promise<string> {
  const state = { rawBytes: 0, compressed: false };
  let text = '';
  for await (const part of decodedText(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), 'f', Number.MAX_SAFE_INTEGER, state)) text += part;
  return text;
}

/** The decoder on all the bytes at once, or its refusal. */
function reference(bytes: Uint8Array): string | 'refused' {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'refused';
  }
}

async function ours(chunks: Uint8Array[]): Promise<string | 'refused'> {
  try {
    return await decode(chunks);
  } catch {
    return 'refused';
  }
}

/** `bytes` cut at the given places. */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const places = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const place of [...places, bytes.length]) {
    if (place > from) chunks.push(bytes.subarray(from, place));
    from = place;
  }
  return chunks;
}

const encoder = new TextEncoder();
const piece = fc.oneof(fc.constantFrom('a', '{"k":1}', ' ', '\n', 'é', '☃', '𝄞', '\ufeff', 'ÿ'), fc.string({ maxLength: 20 }));

describe('decodedText', () => {
  it('gives the decoder\'s text however the bytes are cut, ASCII chunks copied', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 12 }), async (pieces, at) => {
        const bytes = encoder.encode(pieces.join(''));
        expect(await ours(cut(bytes, at))).toBe(reference(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses bad UTF-8 as the decoder does, wherever the cuts fall (a cut character, then ASCII)', async () => {
    const bad = fc.constantFrom([0xe2], [0xe2, 0x82], [0xf0, 0x9d, 0x84], [0x80], [0xc0, 0x80], [0xff]);
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 10 }), bad, fc.array(piece, { maxLength: 10 }), fc.array(fc.nat(200), { maxLength: 8 }), async (before, wrong, after, at) => {
        const bytes = Uint8Array.from([...encoder.encode(before.join('')), ...wrong, ...encoder.encode(after.join(''))]);
        expect(await ours(cut(bytes, at))).toBe(reference(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a byte order mark at the start, then ASCII chunks', [[0xef, 0xbb, 0xbf, 0x7b], [0x7d, 0x0a], [0x7b, 0x7d]], '{}\n{}'],
    ['a byte order mark in the middle is kept', [[0x7b, 0x7d], [0xef, 0xbb, 0xbf], [0x7b, 0x7d]], '{}\ufeff{}'],
    ['a character cut by a chunk, completed by the next', [[0x61, 0xe2], [0x98, 0x83], [0x62]], 'a☃b'],
    ['a cut character before an ASCII chunk', [[0x61, 0xe2, 0x98], [0x62]], 'refused'],
    ['a cut character, an ASCII chunk, then the rest of the character', [[0x61, 0xe2], [0x62], [0x98, 0x83]], 'refused'],
    ['a cut character at the end', [[0x61], [0xe2, 0x98]], 'refused'],
  ])('%s', async (_name, chunks, text) => {
    expect(await ours(chunks.map((chunk) => Uint8Array.from(chunk)))).toBe(text);
  });

  it.each([
    [[0x61], false],
    [[0x61, 0xc3], true],
    [[0xc3, 0xa9], false],
    [[0xe2, 0x98], true],
    [[0xe2, 0x98, 0x83], false],
    [[0xf0, 0x9d, 0x84], true],
    [[0xf0, 0x9d, 0x84, 0x9e], false],
    // Continuations whose lead byte came before: not known to be whole, so taken as cut.
    [[0x98, 0x83], true],
  ])('endsInsideCharacter(%o) is %s', (bytes, inside) => {
    expect(endsInsideCharacter(Uint8Array.from(bytes))).toBe(inside);
  });
});
