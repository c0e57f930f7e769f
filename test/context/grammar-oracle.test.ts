import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBaggage } from '../../src/context/baggage.js';
import { parseTraceparent } from '../../src/context/traceparent.js';
import { parseTracestate } from '../../src/context/tracestate.js';

/**
 * The parsers take fast paths (table lookups, shared results) for well-formed
 * values and explain the rest character by character. These properties hold
 * them to oracles written straight from the ABNF of W3C Trace Context, on
 * random values built from the characters that matter, so the fast and slow
 * paths cannot drift apart. W3C Baggage's ABNF holds the baggage parser the same way.
 */

// tracestate Key (Level 1 §3.3.1.3.1, Level 2 §3.3.2.2.1) and Value, as regular expressions.
const SIMPLE_KEY = '[a-z][a-z0-9_\\-*/]{0,255}';
const MULTI_TENANT_KEY = '[a-z0-9][a-z0-9_\\-*/]{0,240}@[a-z][a-z0-9_\\-*/]{0,13}';
const LEVEL_2_KEY = '[a-z0-9][a-z0-9_\\-*/@]{0,255}';
const VALUE = '[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]';
const LEVEL_1_MEMBER = new RegExp(`^(?:${SIMPLE_KEY}|${MULTI_TENANT_KEY})=${VALUE}$`);
const LEVEL_2_MEMBER = new RegExp(`^${LEVEL_2_KEY}=${VALUE}$`);

/**
 * list members separated by commas with optional spaces and tabs, empty
 * members allowed, 32 at most, keys once; each member as the level's grammar
 * says. Under Level 2, a member only Level 2 allows gets a warning.
 */
function tracestateOracle(text: string, level: 1 | 2): { valid: boolean; members: Array<[string, string]>; warnings: number } {
  const members = text
    .split(',')
    .map((member) => member.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((member) => member !== '');
  const grammar = level === 1 ? LEVEL_1_MEMBER : LEVEL_2_MEMBER;
  const wellFormed = members.every((member) => grammar.test(member));
  const pairs = members.map((member): [string, string] => [member.slice(0, member.indexOf('=')), member.slice(member.indexOf('=') + 1)]);
  const unique = new Set(pairs.map(([key]) => key)).size === pairs.length;
  const warnings = level === 1 ? 0 : members.filter((member) => LEVEL_2_MEMBER.test(member) && !LEVEL_1_MEMBER.test(member)).length;
  return { valid: wellFormed && unique && members.length <= 32, members: pairs, warnings };
}

// W3C Baggage §3.3.1: token keys, baggage-octet values, properties, OWS around the separators.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const OCTETS = '[\\x21\\x23-\\x2b\\x2d-\\x3a\\x3c-\\x5b\\x5d-\\x7e]*';
const BAGGAGE_MEMBER = new RegExp(`^[ \\t]*(${TOKEN})[ \\t]*=[ \\t]*(${OCTETS})[ \\t]*((?:;[ \\t]*${TOKEN}[ \\t]*(?:=[ \\t]*${OCTETS}[ \\t]*)?)*)$`);

/**
 * `baggage-string = list-member 0*179( OWS "," OWS list-member )`, and "the
 * percent code point (U+0025) MUST be percent-encoded" in values, so a '%' is
 * always an escape. Bytes that are not UTF-8 decode to U+FFFD (§3.3.1.3). A
 * blank header is no baggage, not an error.
 */
function baggageOracle(text: string): { valid: boolean; values: string[] } {
  if (/^[ \t]*$/.test(text)) return { valid: true, values: [] };
  const matches = text.split(',').map((member) => BAGGAGE_MEMBER.exec(member));
  // The member's value, then each key=value property's value.
  const valuesOf = (match: RegExpExecArray): string[] => [match[2]!, ...match[3]!.split(';').filter((property) => property.includes('=')).map((property) => property.slice(property.indexOf('=') + 1).trim())];
  const wellFormed = matches.every((match) => match !== null && valuesOf(match).every((value) => !STRAY_PERCENT.test(value)));
  return { valid: matches.length <= 180 && wellFormed, values: wellFormed ? matches.map((match) => decodeOracle(match![2]!)) : [] };
}

const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

function decodeOracle(value: string): string {
  const bytes = [...value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))].map((char) => char.charCodeAt(0));
  return new TextDecoder().decode(new Uint8Array(bytes));
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

const baggageChars = fc.constantFrom(...'aZ09!%=;, \t"\\é'.split(''), '%2', '%41', '%ff', '%E6%97%A5', '%C3', ';%', ';p=%');
const baggage = fc.oneof(
  fc.array(fc.string({ unit: baggageChars, maxLength: 10 }), { maxLength: 5 }).map((members) => members.join(',')),
  // Around the grammar's limit of 180 list-members.
  fc.tuple(fc.integer({ min: 170, max: 190 }), fc.constantFrom('k=v', 'k=%ff', 'k=v;p', 'k=v;p=%2')).map(([count, item]) => Array.from({ length: count }, () => item).join(',')),
);

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
  it.each([1, 2] as const)('tracestate (Level %s): valid exactly when the grammar says, with the same members and warnings', (level) => {
    fc.assert(
      fc.property(tracestate, (text) => {
        const oracle = tracestateOracle(text, level);
        const parsed = parseTracestate(text, { level });
        expect(parsed.valid).toBe(oracle.valid);
        if (parsed.valid) {
          expect(parsed.value.map((m) => [m.key, m.value])).toEqual(oracle.members);
          expect(parsed.problems.filter((problem) => problem.severity === 'warning')).toHaveLength(oracle.warnings);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('baggage: valid exactly when the grammar says, with the same decoded values', () => {
    fc.assert(
      fc.property(baggage, (text) => {
        const oracle = baggageOracle(text);
        const parsed = parseBaggage(text);
        expect(parsed.valid, JSON.stringify(parsed.problems)).toBe(oracle.valid);
        if (parsed.valid) expect(parsed.value.map((member) => member.value)).toEqual(oracle.values);
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
