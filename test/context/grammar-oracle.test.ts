import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTraceparent } from '../../src/context/traceparent.js';
import { parseTracestate } from '../../src/context/tracestate.js';

/**
 * The parsers take fast paths (table lookups, shared results) for well-formed
 * values and explain the rest character by character. These properties hold
 * them to oracles written straight from the ABNF of W3C Trace Context, on
 * random values built from the characters that matter, so the fast and slow
 * paths cannot drift apart.
 */

// §3.3.1.3.1 key and §3.3.1.3.2 value, as regular expressions.
const SIMPLE_KEY = '[a-z][a-z0-9_\\-*/]{0,255}';
const MULTI_TENANT_KEY = '[a-z0-9][a-z0-9_\\-*/]{0,240}@[a-z][a-z0-9_\\-*/]{0,13}';
const VALUE = '[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]';
const MEMBER = new RegExp(`^(?:${SIMPLE_KEY}|${MULTI_TENANT_KEY})=${VALUE}$`);

/** §3.3.1: list members separated by commas with optional spaces and tabs, empty members allowed, 32 at most, keys once. */
function tracestateOracle(text: string): { valid: boolean; members: Array<[string, string]> } {
  const members = text
    .split(',')
    .map((member) => member.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((member) => member !== '');
  const wellFormed = members.every((member) => MEMBER.test(member));
  const pairs = members.map((member): [string, string] => [member.slice(0, member.indexOf('=')), member.slice(member.indexOf('=') + 1)]);
  const unique = new Set(pairs.map(([key]) => key)).size === pairs.length;
  return { valid: wellFormed && unique && members.length <= 32, members: pairs };
}

/**
 * §3.2.2: version-format for 00 (exactly), and forward-compatible reading of
 * higher versions (§4.3). A field value never starts or ends in whitespace
 * (HTTP strips it before a propagator sees the value), so such a value is wrong.
 */
function traceparentOracle(text: string): boolean {
  if (/^[ \t]|[ \t]$/.test(text)) return false;
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(.*)$/.exec(text);
  if (!match) return false;
  const [, version, traceId, parentId, , rest] = match;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return false;
  return version === '00' ? rest === '' : rest === '' || rest!.startsWith('-');
}

const keyChars = fc.constantFrom(...'abz09_-*/@A'.split(''));
const valueChars = fc.constantFrom(...'ab=Z ~!,\t\u00e9'.split(''));
const member = fc.tuple(fc.string({ unit: keyChars, minLength: 0, maxLength: 6 }), fc.constantFrom('=', '==', ''), fc.string({ unit: valueChars, minLength: 0, maxLength: 5 }), fc.constantFrom('', ' ', '\t ')).map(([key, eq, value, pad]) => `${pad}${key}${eq}${value}${pad}`);
const tracestate = fc.array(member, { maxLength: 6 }).map((members) => members.join(','));

const hexDigits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: length, maxLength: length });
const hexOrNot = fc.constantFrom(...'0123456789abcdefA-g '.split(''));
const traceparent = fc.oneof(
  // Mostly well formed, with one character replaced: the fast path's edges.
  fc.tuple(fc.constantFrom('00', '01', 'ff', 'fe'), hexDigits(32), hexDigits(16), fc.constantFrom('00', '01', '02', '03', '04', 'ff'), fc.constantFrom('', '-x', 'x', '-')).chain(([v, t, p, f, rest]) => {
    const text = `${v}-${t}-${p}-${f}${rest}`;
    return fc.tuple(fc.nat({ max: text.length }), hexOrNot).map(([at, c]) => (at === text.length ? text : `${text.slice(0, at)}${c}${text.slice(at + 1)}`));
  }),
  fc.constantFrom(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`),
);

describe('header parsers agree with the ABNF', () => {
  it('tracestate: valid exactly when the grammar says, with the same members', () => {
    fc.assert(
      fc.property(tracestate, (text) => {
        const oracle = tracestateOracle(text);
        const parsed = parseTracestate(text);
        expect(parsed.valid).toBe(oracle.valid);
        if (parsed.valid) expect(parsed.value.map((m) => [m.key, m.value])).toEqual(oracle.members);
      }),
      { numRuns: 20_000 },
    );
  });

  it('traceparent: valid exactly when the grammar says', () => {
    fc.assert(
      fc.property(traceparent, (text) => {
        expect(parseTraceparent(text).valid).toBe(traceparentOracle(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('a clean result is shared and frozen, so no caller can change it for the next', () => {
    const empty = parseTracestate('');
    expect(parseTracestate('')).toBe(empty);
    expect(Object.isFrozen(empty.value)).toBe(true);
    expect(Object.isFrozen(parseTracestate('a=1').problems)).toBe(true);
  });
});
