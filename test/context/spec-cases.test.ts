import { describe, expect, it } from 'vitest';
import { parseBaggage } from '../../src/context/baggage.js';
import { detectKind } from '../../src/context/detect.js';
import { parseB3Multi, parseB3Single, parseUberTraceId, parseXRay } from '../../src/context/other-families.js';
import type { ParseResult } from '../../src/context/problem.js';
import { parseTraceparent } from '../../src/context/traceparent.js';
import { parseTraceContext } from '../../src/context/trace-context.js';
import { parseTracestate } from '../../src/context/tracestate.js';

/**
 * Cases written from the specification texts: W3C Trace Context (Level 1 and
 * Level 2), W3C Baggage, openzipkin/b3-propagation, Jaeger's uber-trace-id and
 * AWS X-Ray's header. Each case: the section it comes from, the value, whether
 * it is valid, and for invalid values the offset of the first wrong character.
 */
type Case = [section: string, value: string, valid: boolean, offset?: number];

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PID = '00f067aa0ba902b7';
const ok = `00-${TID}-${PID}-01`;

const TRACEPARENT: Case[] = [
  ['§3.2 example (sampled)', ok, true],
  ['§3.2 example (not sampled)', `00-${TID}-${PID}-00`, true],
  ['§3.2.2.1 version ff is invalid', `ff-${TID}-${PID}-01`, false, 0],
  ['§3.2.2.1 version is 2 HEXDIGLC: uppercase', `0A-${TID}-${PID}-01`, false, 1],
  ['§3.2.2.1 version is 2 HEXDIGLC: not hex', `0g-${TID}-${PID}-01`, false, 1],
  ['§3.2.2.1 version is 2 digits: one digit', `0-${TID}-${PID}-01`, false, 1],
  ['§3.2.2.2 version 00: exactly 55 characters, extra data', `${ok}-extra`, false, 55],
  ['§3.2.2.2 version 00: trailing character', `${ok}0`, false, 55],
  ['§3.2.2.2 version 00: too short', ok.slice(0, 54), false, 54],
  ['§3.2.2.2 empty value', '', false, 0],
  ['§3.2.2.2 delimiter after version must be -', `00_${TID}-${PID}-01`, false, 2],
  ['§3.2.2.2 delimiter after trace-id must be -', `00-${TID}_${PID}-01`, false, 35],
  ['§3.2.2.2 delimiter after parent-id must be -', `00-${TID}-${PID}_01`, false, 52],
  ['§3.2.2.3 trace-id all zeros is invalid', `00-${'0'.repeat(32)}-${PID}-01`, false, 3],
  ['§3.2.2.3 trace-id uppercase hex is invalid', `00-${TID.toUpperCase()}-${PID}-01`, false, 4],
  ['§3.2.2.3 trace-id 31 digits', `00-${TID.slice(1)}-${PID}-01`, false, 34],
  ['§3.2.2.3 trace-id 33 digits', `00-${TID}a-${PID}-01`, false, 35],
  ['§3.2.2.3 trace-id with a non-hex character', `00-${TID.slice(0, 10)}x${TID.slice(11)}-${PID}-01`, false, 13],
  ['§3.2.2.3 trace-id with a space', `00-${TID.slice(0, 5)} ${TID.slice(6)}-${PID}-01`, false, 8],
  ['§3.2.2.4 parent-id all zeros is invalid', `00-${TID}-${'0'.repeat(16)}-01`, false, 36],
  ['§3.2.2.4 parent-id uppercase', `00-${TID}-00F067AA0BA902B7-01`, false, 38],
  ['§3.2.2.4 parent-id 15 digits', `00-${TID}-${PID.slice(1)}-01`, false, 51],
  ['§3.2.2.4 parent-id non-hex', `00-${TID}-00f067aa0ba902bz-01`, false, 51],
  ['§3.2.2.5 trace-flags uppercase', `00-${TID}-${PID}-0A`, false, 54],
  ['§3.2.2.5 trace-flags one digit', `00-${TID}-${PID}-1`, false, 54],
  ['§3.2.2.5 trace-flags non-hex', `00-${TID}-${PID}-0x`, false, 54],
  ['§3.2.2.5.1 sampled flag with other bits (ignored, valid)', `00-${TID}-${PID}-09`, true],
  ['Level 2 §3.2.2.5.2 random flag', `00-${TID}-${PID}-03`, true],
  ['Level 2 §3.2.2.5.2 random without sampled', `00-${TID}-${PID}-02`, true],
  ['§3.2.2.5 all flag bits set (unknown bits ignored)', `00-${TID}-${PID}-ff`, true],
  ['§4.3 future version: same length, valid', `01-${TID}-${PID}-01`, true],
  ['§4.3 future version: extra data after -', `cc-${TID}-${PID}-01-what-the-future-will-be-like`, true],
  ['§4.3 future version: extra data without -', `cc-${TID}-${PID}-01what`, false, 55],
  ['§4.3 future version: still needs valid trace-id', `cc-${'0'.repeat(32)}-${PID}-01`, false, 3],
  ['§4.3 future version: too short', `cc-${TID}-${PID}-0`, false, 54],
  ['§3.2.2.2 a control character inside', `00-${TID}\u0000-${PID}-01`, false, 35],
  ['§3.2.2.2 a unicode look-alike dash', `00\u2010${TID}-${PID}-01`, false, 2],
];

const TRACESTATE: Case[] = [
  ['§3.3.1 example', 'congo=t61rcWkgMzE', true],
  ['§3.3.1 two members', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', true],
  ['§3.3.1.2 OWS around members', ' rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE\t', true],
  ['§3.3.1.2 empty list-members are allowed', 'rojo=1,,congo=2', true],
  ['§3.3.1 empty header is valid', '', true],
  ['§3.3.1.3.1 multi-tenant key', 'fw529a3039@dt=CAESEAAB', true],
  ['§3.3.1.3.1 tenant may start with a digit', '1tenant@vendor=x', true],
  ['§3.3.1.3.1 simple key may not start with a digit', '1vendor=x', false, 0],
  ['§3.3.1.3.1 key chars: _ - * /', 'a_b-c*d/e=x', true],
  ['§3.3.1.3.1 uppercase key', 'Rojo=1', false, 0],
  ['§3.3.1.3.1 key with a dot', 'ro.jo=1', false, 2],
  ['§3.3.1.3.1 system id starts with a letter', 'tenant@1sys=x', false, 7],
  ['§3.3.1.3.1 system id at most 14 characters', `t@${'a'.repeat(15)}=x`, false, 16],
  ['§3.3.1.3.1 tenant id at most 241 characters', `${'a'.repeat(242)}@v=x`, false, 241],
  ['§3.3.1.3.1 simple key at most 256 characters', `${'a'.repeat(256)}=x`, true],
  ['§3.3.1.3.1 simple key of 257 characters', `${'a'.repeat(257)}=x`, false, 256],
  ['§3.3.1.3.1 empty key', '=value', false, 0],
  ['§3.3.1.3.1 empty tenant', '@vendor=x', false, 0],
  ['§3.3.1.3.1 empty system', 'tenant@=x', false, 7],
  ['§3.3.1.3.2 value may contain spaces inside', 'k=a b', true],
  ['§3.3.1.3.2 value of 256 characters', `k=${'v'.repeat(256)}`, true],
  ['§3.3.1.3.2 value of 257 characters', `k=${'v'.repeat(257)}`, false, 258],
  ['§3.3.1.3.2 empty value', 'k=', false, 2],
  ['§3.3.1.3.2 value with =', 'k=a=b', false, 3],
  ['§3.3.1.3.2 value with a non-ASCII character', 'k=café', false, 5],
  ['§3.3.1.3.2 value with a control character', 'k=a\u0001b', false, 3],
  ['§3.3.1.2 member without =', 'rojo', false, 4],
  ['§3.3.1.2 duplicate keys', 'rojo=1,congo=2,rojo=3', false, 15],
  ['§3.3.1.2 32 members is the maximum', Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','), true],
  ['§3.3.1.2 33 members is too many', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','), false, 32 * 5 - 10 + 22 + 10],
];

const BAGGAGE: Case[] = [
  ['§3.2 example', 'userId=alice,serverNode=DF%2028,isProduction=false', true],
  ['§3.2 OWS around separators', 'userId = alice , serverNode=DF%2028', true],
  ['§3.2.1.3 property with value', 'userId=alice;prop1=p1', true],
  ['§3.2.1.3 property without value', 'userId=alice;secret', true],
  ['§3.2.1.2 empty value is allowed', 'key=', true],
  ['§3.2.1.2 percent-encoded UTF-8', 'name=%E6%97%A5%E6%9C%AC', true],
  ['§3.2.1.2 invalid percent-encoding', 'name=%ZZ', false, 5],
  ['§3.2.1.2 truncated percent-encoding', 'name=abc%2', false, 8],
  ['§3.2.1.2 percent-encoded bytes that are not UTF-8', 'name=%FF', false, 5],
  ['§3.2.1.2 a space inside the value', 'k=a b', false, 3],
  ['§3.2.1.2 a double quote in the value', 'k=a"b', false, 3],
  ['§3.2.1.2 a backslash in the value', 'k=a\\b', false, 3],
  ['§3.2.1.1 key is a token: no space inside', 'my key=1', false, 2],
  ['§3.2.1.1 key is a token: no @', 'a@b=1', false, 1],
  ['§3.2.1.1 empty key', '=1', false, 0],
  ['§3.2 member without =', 'justakey', false, 8],
  ['§3.2 empty member between commas', 'a=1,,b=2', false, 4],
  ['§3.3 64 members is the maximum', Array.from({ length: 64 }, (_, i) => `k${i}=v`).join(','), true],
  ['§3.3 65 members is too many', Array.from({ length: 65 }, (_, i) => `k${i}=v`).join(','), false],
  ['§3.3 8192 bytes at most', `k=${'v'.repeat(8191)}`, false],
];

const B3_SINGLE: Case[] = [
  ['b3 single: trace-span-sampled-parent', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90', true],
  ['b3 single: 64-bit trace id', '463ac35c9f6413ad-a2fb4a1d1a96d312-1', true],
  ['b3 single: no sampling state (deferred)', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1', true],
  ['b3 single: debug', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d', true],
  ['b3 single: deny only', '0', true],
  ['b3 single: trace id of 20 digits', '80f198ee56343ba864fe-e457b5a2e4d86bd1-1', false, 0],
  ['b3 single: bad sampling state', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2', false, 50],
  ['b3 single: uppercase trace id', '80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1-1', false, 2],
  ['b3 single: short span id', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd-1', false, 33],
];

const UBER: Case[] = [
  ['uber-trace-id: full', '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1', true],
  ['uber-trace-id: short ids', '2a:3b:0:1', true],
  ['uber-trace-id: url-encoded', '2a%3A3b%3A0%3A1', true],
  ['uber-trace-id: three fields', '2a:3b:1', false],
  ['uber-trace-id: non-hex span id', '2a:zz:0:1', false, 3],
  ['uber-trace-id: zero trace id', '0:3b:0:1', false, 0],
];

const XRAY: Case[] = [
  ['X-Ray: full header', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', true],
  ['X-Ray: root only', 'Root=1-5759e988-bd862e3fe1be46a994272793', true],
  ['X-Ray: sampling deferred', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?', true],
  ['X-Ray: bad root version', 'Root=2-5759e988-bd862e3fe1be46a994272793', false, 5],
  ['X-Ray: bad parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz', false, 48],
  ['X-Ray: no root', 'Parent=53995c3f42cd8ad8', false, 0],
];

function check(parse: (value: string) => ParseResult<unknown>, cases: Case[]): void {
  it.each(cases.map(([section, value, valid, offset]) => [section, value.length > 70 ? `${value.slice(0, 60)}…(${value.length})` : value, { value, valid, offset }] as const))('%s: %s', (_section, _shown, { value, valid, offset }) => {
    const parsed = parse(value);
    const errors = parsed.problems.filter((problem) => problem.severity === 'error');
    expect(parsed.valid, JSON.stringify(parsed.problems)).toBe(valid);
    if (!valid) expect(errors.length).toBeGreaterThan(0);
    if (offset !== undefined) expect(errors[0]!.offset).toBe(offset);
    for (const problem of errors) expect(problem.section.length).toBeGreaterThan(5);
  });
}

describe('W3C Trace Context: traceparent', () => check(parseTraceparent, TRACEPARENT));
describe('W3C Trace Context: tracestate', () => check(parseTracestate, TRACESTATE));
describe('W3C Baggage', () => check(parseBaggage, BAGGAGE));
describe('B3 single header', () => check(parseB3Single, B3_SINGLE));
describe('Jaeger uber-trace-id', () => check(parseUberTraceId, UBER));
describe('AWS X-Ray', () => check(parseXRay, XRAY));

describe('W3C Trace Context §3.3: traceparent and tracestate received together', () => {
  // "If the vendor failed to parse traceparent, it MUST NOT attempt to parse tracestate. Note that the
  // opposite is not true: failure to parse tracestate MUST NOT affect the parsing of traceparent."
  it.each([
    ['valid traceparent, valid tracestate', ok, 'rojo=00f067aa0ba902b7', true, true],
    ['valid traceparent, invalid tracestate: traceparent stays valid', ok, 'Rojo=1', true, false],
    ['invalid traceparent: tracestate is not parsed', `00-${'0'.repeat(32)}-${PID}-01`, 'rojo=1', false, undefined],
    ['invalid traceparent, invalid tracestate: not parsed either', `ff-${TID}-${PID}-01`, 'Rojo=1', false, undefined],
    ['no tracestate header', ok, undefined, true, undefined],
  ])('%s', (_name, traceparent, tracestate, traceparentValid, tracestateValid) => {
    const context = parseTraceContext(traceparent, tracestate);
    expect(context.traceparent).toEqual(parseTraceparent(traceparent));
    expect(context.traceparent.valid).toBe(traceparentValid);
    expect(context.tracestate?.valid).toBe(tracestateValid);
    if (tracestateValid !== undefined) expect(context.tracestate).toEqual(parseTracestate(tracestate!));
    expect(context.tracestateIgnored).toBe(tracestate !== undefined && !traceparentValid ? 'traceparent is invalid (W3C Trace Context §3.3)' : undefined);
  });
});

describe('decoded fields', () => {
  it('traceparent flags', () => {
    const parsed = parseTraceparent(`00-${TID}-${PID}-0b`);
    expect(parsed.value).toEqual({ version: '00', traceId: TID, parentId: PID, flags: { hex: '0b', sampled: true, random: true, unknownBits: 8 } });
    expect(parsed.problems.map((p) => p.severity)).toEqual(['note']);
  });

  it('conversions to traceparent', () => {
    expect(parseB3Single('463ac35c9f6413ad-a2fb4a1d1a96d312-1').value).toMatchObject({ traceparent: '00-0000000000000000463ac35c9f6413ad-a2fb4a1d1a96d312-01' });
    expect(parseUberTraceId('2a:3b:0:1').value).toMatchObject({ traceparent: `00-${'2a'.padStart(32, '0')}-${'3b'.padStart(16, '0')}-01` });
    expect(parseXRay('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0').value).toMatchObject({ traceparent: '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00' });
    expect(parseB3Multi({ 'X-B3-TraceId': '80f198ee56343ba864fe8b2a57d3eff7', 'X-B3-SpanId': 'e457b5a2e4d86bd1', 'X-B3-Sampled': '1' }).value).toMatchObject({ traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01' });
    // X-Ray without a parent has no span id: no traceparent can be made.
    expect(parseXRay('Root=1-5759e988-bd862e3fe1be46a994272793').value).not.toHaveProperty('traceparent');
  });

  it('baggage values are percent-decoded and properties kept', () => {
    expect(parseBaggage('serverNode=DF%2028;ttl=60;secret').value).toEqual([{ key: 'serverNode', value: 'DF 28', rawValue: 'DF%2028', properties: [{ key: 'ttl', value: '60' }, { key: 'secret' }], offset: 0 }]);
  });

  it('tracestate over 512 characters is noted, not rejected', () => {
    const long = Array.from({ length: 20 }, (_, i) => `k${i}=${'v'.repeat(30)}`).join(',');
    const parsed = parseTracestate(long);
    expect(parsed.valid).toBe(true);
    expect(parsed.problems.map((p) => p.severity)).toEqual(['note']);
  });

  it.each([
    [ok, 'traceparent'],
    ['congo=t61rcWkgMzE,rojo@vendor=1', 'tracestate'],
    ['userId=alice;prop', 'baggage'],
    ['UserId=Alice', 'baggage'],
    ['463ac35c9f6413ad-a2fb4a1d1a96d312-1', 'b3'],
    ['2a:3b:0:1', 'uber-trace-id'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793', 'x-amzn-trace-id'],
    ['hello world', undefined],
  ])('detects %s as %s', (value, kind) => {
    expect(detectKind(value)).toBe(kind);
  });
});

export const CASE_COUNT = TRACEPARENT.length + TRACESTATE.length + BAGGAGE.length + B3_SINGLE.length + UBER.length + XRAY.length;
it('has at least 100 specification cases', () => expect(CASE_COUNT).toBeGreaterThanOrEqual(100));
