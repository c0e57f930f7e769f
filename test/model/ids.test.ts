import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNormalHexId, normaliseHexId, SPAN_ID_HEX_LENGTH, TRACE_ID_HEX_LENGTH } from '../../src/model/ids.js';

/** isNormalHexId is the allocation-free fast path of the decoders: it must say yes exactly when normalising changes nothing. */
const unchangedByNormalising = (raw: string, length: number): boolean => {
  const result = normaliseHexId(raw, length);
  return result.problem === undefined && result.id === raw;
};

describe('isNormalHexId', () => {
  it.each([
    ['00f067aa0ba902b7', SPAN_ID_HEX_LENGTH, true],
    ['4bf92f3577b34da6a3ce929d0e0e4736', TRACE_ID_HEX_LENGTH, true],
    ['0000000000000001', SPAN_ID_HEX_LENGTH, true],
    ['000000000000000a', SPAN_ID_HEX_LENGTH, true],
    ['0000000000000000', SPAN_ID_HEX_LENGTH, false], // all zero
    ['00F067AA0BA902B7', SPAN_ID_HEX_LENGTH, false], // uppercase: normalising lowers it
    ['00f067aa0ba902b', SPAN_ID_HEX_LENGTH, false], // short
    ['00f067aa0ba902b77', SPAN_ID_HEX_LENGTH, false], // long
    ['00f067aa0ba902bg', SPAN_ID_HEX_LENGTH, false], // not hex
    ['00f067aa0ba902b/', SPAN_ID_HEX_LENGTH, false], // just below '0'
    ['00f067aa0ba902b:', SPAN_ID_HEX_LENGTH, false], // just above '9'
    ['00f067aa0ba902b`', SPAN_ID_HEX_LENGTH, false], // just below 'a'
    ['', SPAN_ID_HEX_LENGTH, false],
  ])('%s (%i) -> %s', (raw, length, expected) => {
    expect(isNormalHexId(raw, length)).toBe(expected);
    expect(unchangedByNormalising(raw, length)).toBe(expected);
  });

  it('agrees with normaliseHexId on random ids', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg/:`-'), minLength: 14, maxLength: 18 });
    const zeroish = fc.string({ unit: fc.constantFrom('0', '0', '0', '1', 'a', 'A'), minLength: 16, maxLength: 16 });
    fc.assert(
      fc.property(fc.oneof(hexish, zeroish), (raw) => isNormalHexId(raw, SPAN_ID_HEX_LENGTH) === unchangedByNormalising(raw, SPAN_ID_HEX_LENGTH)),
      { numRuns: 20_000 },
    );
  });
});
