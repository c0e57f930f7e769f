import { describe, expect, it } from 'vitest';
import { parseBaggage } from '../../src/context/baggage.js';
import { detectKind } from '../../src/context/detect.js';
import { parseB3Multi, parseB3Single, parseUberTraceId, parseXRay } from '../../src/context/other-families.js';
import type { ParseResult } from '../../src/context/problem.js';
import { parseTraceparent } from '../../src/context/traceparent.js';
import { parseTraceContext } from '../../src/context/trace-context.js';
import { parseTracestate } from '../../src/context/tracestate.js';
import { TraceState } from '@opentelemetry/core';

/**
 * Cases written from the specification texts: W3C Trace Context (Level 1 and
 * Level 2), W3C Baggage, openzipkin/b3-propagation, Jaeger's uber-trace-id and
 * AWS X-Ray's header. Each case: the section it comes from, the value, whether
 * it is valid, the offset of the first error (of the first warning or note
 * when valid), and the severities of the problems that are not errors (none
 * when left out), in order.
 */
type Others = Array<'warning' | 'note'>;
type Case = [section: string, value: string, valid: boolean, offset?: number, others?: Others];

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
  ['§3.2.2.5.1 sampled flag with other bits (ignored, valid)', `00-${TID}-${PID}-09`, true, 53, ['note']],
  ['Level 2 §3.2.2.5.2 random flag', `00-${TID}-${PID}-03`, true],
  ['Level 2 §3.2.2.5.2 random without sampled', `00-${TID}-${PID}-02`, true],
  ['§3.2.2.5 all flag bits set (unknown bits ignored)', `00-${TID}-${PID}-ff`, true, 53, ['note']],
  ['§4.3 future version: same length, valid', `01-${TID}-${PID}-01`, true, 0, ['note']],
  ['§4.3 future version: extra data after -', `cc-${TID}-${PID}-01-what-the-future-will-be-like`, true, 0, ['note']],
  ['§4.3 future version: extra data without -', `cc-${TID}-${PID}-01what`, false, 55],
  ['§4.3 future version: still needs valid trace-id', `cc-${'0'.repeat(32)}-${PID}-01`, false, 3],
  ['§4.3 future version: too short', `cc-${TID}-${PID}-0`, false, 54],
  ['§3.2.2.2 a control character inside', `00-${TID}\u0000-${PID}-01`, false, 35],
  ['§3.2.2.2 a unicode look-alike dash', `00\u2010${TID}-${PID}-01`, false, 2],
];

/**
 * The same verdict under Level 1 and Level 2, cited by Level 2's sections
 * (§3.3.2.1 list, §3.3.2.2.1 Key, §3.3.2.2.2 Value, §3.3.3 Combined Header
 * Value, §3.3.3.1 tracestate Limits; Level 1 numbers them §3.3.1.2,
 * §3.3.1.3.1, §3.3.1.3.2, §3.3.1.4, §3.3.1.5).
 */
const TRACESTATE: Case[] = [
  ['§3.3.2 example', 'congo=t61rcWkgMzE', true],
  ['§3.3.2 two members', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', true],
  ['§3.3.2 OWS around members', ' rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE\t', true],
  ['§3.3.2 empty list-members are allowed', 'rojo=1,,congo=2', true],
  ['§3.3.2 empty header is valid', '', true],
  ['§3.3.2.2.1 multi-tenant key', 'fw529a3039@dt=CAESEAAB', true],
  ['§3.3.2.2.1 tenant may start with a digit', '1tenant@vendor=x', true],
  ['§3.3.2.2.1 key chars: _ - * /', 'a_b-c*d/e=x', true],
  ['§3.3.2.2.1 uppercase key', 'Rojo=1', false, 0],
  ['§3.3.2.2.1 key with a dot', 'ro.jo=1', false, 2],
  ['§3.3.2.2.1 simple key at most 256 characters', `${'a'.repeat(256)}=x`, true],
  ['§3.3.2.2.1 simple key of 257 characters', `${'a'.repeat(257)}=x`, false, 256],
  ['§3.3.2.2.1 empty key', '=value', false, 0],
  ['§3.3.2.2.1 key starting with @ (the W3C harness discards it)', '@foo=1,bar=2', false, 0],
  ['§3.3.2.2.2 value may contain spaces inside', 'k=a b', true],
  ['§3.3.2.2.2 value of 256 characters', `k=${'v'.repeat(256)}`, true],
  ['§3.3.2.2.2 value of 257 characters', `k=${'v'.repeat(257)}`, false, 258],
  ['§3.3.2.2.2 empty value', 'k=', false, 2],
  ['§3.3.2.2.2 value with =', 'k=a=b', false, 3],
  ['§3.3.2.2.2 value with a non-ASCII character', 'k=café', false, 5],
  ['§3.3.2.2.2 value with a control character', 'k=a\u0001b', false, 3],
  ['§3.3.2.1 member without =', 'rojo', false, 4],
  ['§3.3.3 duplicate keys', 'rojo=1,congo=2,rojo=3', false, 15],
  ['§3.3.2 32 members is the maximum', Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','), true],
  ['§3.3.2 33 members is too many', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','), false, 32 * 5 - 10 + 22 + 10],
  ['§3.3.3.1 over 512 characters: valid, receivers may truncate', Array.from({ length: 20 }, (_, i) => `k${i}=${'v'.repeat(30)}`).join(','), true, 512, ['warning']],
];

/**
 * Keys Level 1's grammar (`simple-key / multi-tenant-key`, Level 1 §3.3.1.3.1)
 * refuses. Level 2 §3.3.2.2.1 has one rule, `key = ( lcalpha / DIGIT ) 0*255 (
 * keychar )` with '@' a keychar, and the W3C harness keeps such keys: under
 * Level 2 they are valid with a warning at the character Level 1 refuses.
 * Each case: the value, the Level 2 verdict, the offset under Level 2 and under Level 1.
 */
type KeyCase = [section: string, value: string, level2: 'warning' | 'invalid', level2Offset: number, level1Offset: number];
const TRACESTATE_KEYS: KeyCase[] = [
  ['no system id after @ (the W3C harness keeps foo@)', 'foo@=1,bar=2', 'warning', 4, 4],
  ['two @ in a row (the W3C harness keeps foo@@bar)', 'foo@@bar=1,bar=2', 'warning', 4, 4],
  ['@ in the system id (the W3C harness keeps foo@bar@baz)', 'foo@bar@baz=1,bar=2', 'warning', 7, 7],
  ['simple key starting with a digit', '1special=1', 'warning', 0, 0],
  ['tenant id of 242 characters (Level 1: at most 241)', `${'a'.repeat(242)}@v=x`, 'warning', 241, 241],
  ['system id of 15 characters (Level 1: at most 14)', `t@${'a'.repeat(15)}=x`, 'warning', 16, 16],
  ['system id starting with a digit', 'tenant@1sys=x', 'warning', 7, 7],
  ['empty system id', 'tenant@=x', 'warning', 7, 7],
  ['a warning for each such key, the others kept', 'foo@=1,bar=2,1special=3', 'warning', 4, 4],
  ['key of 257 characters with @: too long under both', `a@${'b'.repeat(255)}=x`, 'invalid', 256, 16],
  ['key starting with @: invalid under both', '@foo=1', 'invalid', 0, 0],
  ['uppercase after @: invalid under both', 'foo@Bar=1', 'invalid', 4, 4],
];

const members = (count: number): string => Array.from({ length: count }, (_, i) => `k${i}=v`).join(',');
/** Where member n (0-based) of members() starts. */
const memberAt = (n: number): number => members(n).length + 1;

/** Sections of the current W3C Baggage text (§3.3.1 Definition … §3.3.2 Limits, §3.4 Examples). */
const BAGGAGE: Case[] = [
  ['§3.4 example', 'userId=alice,serverNode=DF%2028,isProduction=false', true],
  ['§3.4 OWS around separators', 'userId = alice , serverNode=DF%2028', true],
  ['§3.3.3 example with properties', 'key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue', true],
  ['§3.3.1.4 property with value', 'userId=alice;prop1=p1', true],
  ['§3.3.1.4 property without value', 'userId=alice;secret', true],
  ['§3.3.1.3 empty value is allowed', 'key=', true],
  ['§3.3.1.3 value may contain =', 'key=a=b', true],
  ['§3.3.1.3 percent-encoded UTF-8', 'name=%E6%97%A5%E6%9C%AC', true],
  ['§3.3.1.3 invalid percent-encoding', 'name=%ZZ', false, 5],
  ['§3.3.1.3 truncated percent-encoding', 'name=abc%2', false, 8],
  ['§3.3.1.3 a raw % (it MUST be percent-encoded)', 'name=100%', false, 8],
  ['§3.3.1.3 bytes that are not UTF-8 are replaced with U+FFFD: valid', 'name=%FF', true, 5, ['note']],
  ['§3.3.1.3 not UTF-8 inside a value', 'k=aa%ffcc', true, 4, ['note']],
  ['§3.3.1.3 a truncated UTF-8 sequence', 'k=%E6%97x', true, 2, ['note']],
  ['§3.3.1.3 an overlong encoding is not UTF-8', 'k=ok%C0%AF', true, 4, ['note']],
  ['§3.3.1.3 a space inside the value', 'k=a b', false, 3],
  ['§3.3.1.3 a double quote in the value', 'k=a"b', false, 3],
  ['§3.3.1.3 a backslash in the value', 'k=a\\b', false, 3],
  ['§3.3.1.2 key is a token: no space inside', 'my key=1', false, 2],
  ['§3.3.1.2 key is a token: no @', 'a@b=1', false, 1],
  ['§3.3.1.2 empty key', '=1', false, 0],
  ['§3.3.1 member without =', 'justakey', false, 8],
  ['§3.3.1 empty member between commas', 'a=1,,b=2', false, 4],
  ['§3.3.1.4 property value: a raw % is invalid', 'foo=1;key=val%', false, 13],
  ['§3.3.1.4 property value: percent-decoded', 'bar=1;p=val%252%2C', true],
  ['§3.3.1.4 property value: not UTF-8, replaced with U+FFFD', 'foo=1;p=%FE', true, 8, ['note']],
  ['§3.3.1.4 property value: baggage-octets only', 'foo=1;p=a b', false, 9],
  ['§3.3.1.4 property key is a token', 'foo=1;p q=1', false, 7],
  ['§3.3.2 64 members: all sure to be propagated', members(64), true],
  ['§3.3.2 65 members: valid, receivers MAY drop beyond 64', members(65), true, memberAt(64), ['warning']],
  ['§3.3.1 180 members: the most the grammar allows', members(180), true, memberAt(64), ['warning']],
  ['§3.3.1 181 members: more than the grammar allows', members(181), false, memberAt(180)],
  ['§3.3.2 8192 bytes: all sure to be propagated', `k=${'v'.repeat(8190)}`, true],
  ['§3.3.2 8193 bytes: valid, receivers MAY drop members', `k=${'v'.repeat(8191)}`, true, 8192, ['warning']],
];

const B3_SINGLE: Case[] = [
  ['b3 single: trace-span-sampled-parent', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90', true],
  ['b3 single: 64-bit trace id', '463ac35c9f6413ad-a2fb4a1d1a96d312-1', true],
  ['b3 single: no sampling state (deferred)', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1', true],
  ['b3 single: debug', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d', true],
  ['b3 single: deny only', '0', true],
  ['b3 single: trace id of 20 digits', '80f198ee56343ba864fe-e457b5a2e4d86bd1-1', false, 20],
  ['b3 single: bad sampling state', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2', false, 50],
  ['b3 single: uppercase trace id', '80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1-1', false, 2],
  ['b3 single: short span id', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd-1', false, 48],
  ['b3 single: accept only', '1', true],
  ['b3 single: debug only', 'd', true],
  ['b3 single: 15-digit parent span id', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b9', false, 67],
  ['b3 single: all-zero trace id (Brave and the OpenTelemetry SDKs reject it)', `${'0'.repeat(32)}-e457b5a2e4d86bd1-1`, false, 0],
  ['b3 single: all-zero 64-bit trace id', `${'0'.repeat(16)}-e457b5a2e4d86bd1-1`, false, 0],
  ['b3 single: all-zero span id', `80f198ee56343ba864fe8b2a57d3eff7-${'0'.repeat(16)}-1`, false, 33],
];

/** X-B3-* fields, one `Name: value` per line; offsets are in the value of the field with the problem. */
const B3_MULTI: Case[] = [
  ['Multiple Headers: ids and sampling state', 'X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7\nX-B3-SpanId: e457b5a2e4d86bd1\nX-B3-Sampled: 1', true],
  ['Multiple Headers: ids with a parent', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-ParentSpanId: 0020000000000001\nX-B3-SpanId: a2fb4a1d1a96d312', true],
  ['Multiple Headers: ids alone defer the sampling decision', 'X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7\nX-B3-SpanId: e457b5a2e4d86bd1', true],
  ['Multiple Headers: "valid to send sampling state independently, such as a deny decision"', 'X-B3-Sampled: 0', true],
  ['Multiple Headers: an accept decision alone', 'X-B3-Sampled: 1', true],
  ['Debug Flag: X-B3-Flags: 1 alone', 'X-B3-Flags: 1', true],
  ['Multiple Headers: names are case-insensitive', 'x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7\nX-B3-SPANID: e457b5a2e4d86bd1', true],
  ['TraceId: required unless only the sampling state is sent', 'X-B3-SpanId: e457b5a2e4d86bd1\nX-B3-Sampled: 1', false, 0],
  ['SpanId: required unless only the sampling state is sent', 'X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7', false, 0],
  ['TraceId: 32 or 16 lower-hex characters', 'X-B3-TraceId: 80f198EE56343BA8\nX-B3-SpanId: e457b5a2e4d86bd1', false, 6],
  ['ParentSpanId: 16 lower-hex characters, not 15', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-ParentSpanId: 002000000000001\nX-B3-SpanId: a2fb4a1d1a96d312', false, 15],
  ['ParentSpanId: 16 lower-hex characters, not 17', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-ParentSpanId: 00200000000000011\nX-B3-SpanId: a2fb4a1d1a96d312', false, 16],
  ['ParentSpanId: "an arbitrary nonsense value (ex X-B3-ParentSpanId: -)" is malformed', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-ParentSpanId: -\nX-B3-SpanId: a2fb4a1d1a96d312', false, 0],
  ['TraceId: all zeros (Brave and the OpenTelemetry SDKs reject it)', `X-B3-TraceId: ${'0'.repeat(32)}\nX-B3-SpanId: e457b5a2e4d86bd1`, false, 0],
  ['SpanId: all zeros (Brave and the OpenTelemetry SDKs reject it)', `X-B3-TraceId: 463ac35c9f6413ad\nX-B3-SpanId: ${'0'.repeat(16)}`, false, 0],
  ['Sampling State: "an empty header (ex. X-B3-Sampled: ) ... [is] malformed"', 'X-B3-Sampled: ', false, 0],
  ['Sampling State: 0 or 1', 'X-B3-Sampled: 2', false, 0],
  ['Sampling State: true, which "a lenient implementation may accept"', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-SpanId: a2fb4a1d1a96d312\nX-B3-Sampled: true', true, 0, ['note']],
  ['Debug Flag: "any other value can be ignored"', 'X-B3-TraceId: 463ac35c9f6413ad\nX-B3-SpanId: a2fb4a1d1a96d312\nX-B3-Flags: 0', true, 0, ['note']],
  ["Debug Flag: \"don't also send the X-B3-Sampled header\"", 'X-B3-Flags: 1\nX-B3-Sampled: 1', true, 0, ['note']],
];

/** `Name: value` lines as the fields of one request. */
function b3Fields(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
}

/** Jaeger client libraries, Propagation Format, Trace/Span Identity. */
const UBER: Case[] = [
  ['uber-trace-id: full', '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1', true],
  ['uber-trace-id: short ids ("shorter values are 0-padded on the left")', '2a:3b:0:1', true],
  ['uber-trace-id: base16 of either case', '2A:3B:0:1', true],
  ['uber-trace-id: a parent of 0 "means root span"', '2a:3b:0:1', true],
  ['uber-trace-id: flags as one or two hex digits', '2a:3b:1f:03', true],
  ['uber-trace-id: url-encoded', '2a%3A3b%3A0%3A1', true],
  ['uber-trace-id: url-encoded, lowercase escapes', '2a%3a3b%3a0%3a1', true],
  ['uber-trace-id: url-encoded digits too', '%32a:3b:0:1', true],
  ['uber-trace-id: a malformed escape is a problem, not a crash', '2a%3A3b%3A0%3A%ZZ', false, 14],
  ['uber-trace-id: a truncated escape', '2a%3A3b%3A0%3', false, 11],
  ['uber-trace-id: an escape of a character that is not hex', '2a%3A3b%3A0%3A%7A', false, 14],
  ['uber-trace-id: three fields', '2a:3b:1', false, 7],
  ['uber-trace-id: five fields', '2a:3b:0:1:9', false, 9],
  ['uber-trace-id: non-hex span id', '2a:zz:0:1', false, 3],
  ['uber-trace-id: trace id of 33 digits', `a${TID}:3b:0:1`, false, 32],
  ['uber-trace-id: span id of 17 digits', `2a:a${PID}:0:1`, false, 19],
  ['uber-trace-id: flags of three digits', '2a:3b:0:001', false, 8],
  ['uber-trace-id: trace id 0 ("Value of 0 is not valid")', '0:3b:0:1', false, 0],
  ['uber-trace-id: trace id of zeros', '0000:3b:0:1', false, 0],
  ['uber-trace-id: span id 0 ("Value of 0 is not valid")', '2a:0:0:1', false, 3],
  ['uber-trace-id: span id 0, url-encoded', '2a%3A0%3A0%3A1', false, 5],
];

const XRAY: Case[] = [
  ['X-Ray: full header', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', true],
  ['X-Ray: root only', 'Root=1-5759e988-bd862e3fe1be46a994272793', true],
  ['X-Ray: sampling deferred', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?', true],
  ['X-Ray: bad root version', 'Root=2-5759e988-bd862e3fe1be46a994272793', false, 5],
  ['X-Ray: bad parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz', false, 48],
  ['X-Ray: no root', 'Parent=53995c3f42cd8ad8', false, 0],
  ['X-Ray: spaces around fields', 'Root=1-5759e988-bd862e3fe1be46a994272793; Parent= xyz', false, 50],
];

function check(parse: (value: string) => ParseResult<unknown>, cases: Case[]): void {
  it.each(cases.map(([section, value, valid, offset, others]) => [section, shorten(value), { value, valid, offset, others }] as const))('%s: %s', (_section, _shown, { value, valid, offset, others }) => {
    const parsed = parse(value);
    const errors = parsed.problems.filter((problem) => problem.severity === 'error');
    expect(parsed.valid, JSON.stringify(parsed.problems)).toBe(valid);
    if (!valid) expect(errors.length).toBeGreaterThan(0);
    expect(parsed.problems.filter((problem) => problem.severity !== 'error').map((problem) => problem.severity)).toEqual(others ?? []);
    if (offset !== undefined) expect((errors[0] ?? parsed.problems[0])!.offset).toBe(offset);
    for (const problem of parsed.problems) expect(problem.section.length).toBeGreaterThan(5);
  });
}

function shorten(value: string): string {
  return value.length > 70 ? `${value.slice(0, 60)}…(${value.length})` : value;
}

describe('W3C Trace Context: traceparent', () => check(parseTraceparent, TRACEPARENT));
describe('W3C Trace Context Level 2: tracestate', () => check((value) => parseTracestate(value), TRACESTATE));
describe('W3C Trace Context Level 1: tracestate', () => check((value) => parseTracestate(value, { level: 1 }), TRACESTATE));
describe('W3C Baggage', () => check(parseBaggage, BAGGAGE));
describe('B3 single header', () => check(parseB3Single, B3_SINGLE));
describe('B3 multiple headers', () => check((value) => parseB3Multi(b3Fields(value)), B3_MULTI));
describe('Jaeger uber-trace-id', () => check(parseUberTraceId, UBER));
describe('AWS X-Ray', () => check(parseXRay, XRAY));

describe('W3C Trace Context tracestate keys: Level 2 §3.3.2.2.1 Key against Level 1 §3.3.1.3.1 Key', () => {
  it.each(TRACESTATE_KEYS.map(([section, value, level2, level2Offset, level1Offset]) => [section, shorten(value), { value, level2, level2Offset, level1Offset }] as const))('%s: %s', (_section, _shown, { value, level2, level2Offset, level1Offset }) => {
    const underLevel2 = parseTracestate(value);
    const underLevel1 = parseTracestate(value, { level: 1 });
    // Level 2 is the default.
    expect(parseTracestate(value, { level: 2 })).toEqual(underLevel2);
    expect(underLevel2.valid).toBe(level2 === 'warning');
    expect(underLevel2.problems[0]).toMatchObject({ offset: level2Offset, severity: level2 === 'warning' ? 'warning' : 'error' });
    expect(underLevel1.valid).toBe(false);
    expect(underLevel1.problems[0]).toMatchObject({ offset: level1Offset, severity: 'error', section: 'W3C Trace Context Level 1 §3.3.1.3.1 Key' });
    if (level2 === 'warning') {
      for (const warning of underLevel2.problems) {
        expect(warning).toMatchObject({ severity: 'warning', section: 'W3C Trace Context Level 1 §3.3.1.3.1 Key; W3C Trace Context Level 2 §3.3.2.2.1 Key' });
        expect(warning.expected).toMatch(/receivers that follow Level 1, such as the OpenTelemetry SDKs, drop it/);
      }
      // Every member kept under Level 2; under Level 1 only those its grammar allows.
      const keys = value.split(',').map((member) => member.slice(0, member.indexOf('=')));
      expect(underLevel2.value!.map((member) => member.key)).toEqual(keys);
      expect(underLevel1.value!.map((member) => member.key)).toEqual(keys.filter((key) => parseTracestate(`${key}=x`, { level: 1 }).valid));
    } else expect(underLevel2.problems[0]!.section).toBe('W3C Trace Context Level 2 §3.3.2.2.1 Key');
  });

  it('the OpenTelemetry SDK (a Level 1 receiver) drops exactly the members that get the warning', () => {
    for (const [section, value] of TRACESTATE_KEYS.filter(([, , verdict]) => verdict === 'warning')) {
      const warned = new Set(parseTracestate(value).problems.map((problem) => problem.offset));
      const expected = parseTracestate(value).value!.filter((member) => ![...warned].some((offset) => offset >= member.offset && offset <= member.offset + member.key.length));
      expect(new TraceState(value).serialize(), section).toBe(expected.map((member) => `${member.key}=${member.value}`).join(','));
    }
  });
});

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
    expect(parseBaggage('serverNode=DF%2028;ttl=60;secret').value).toEqual([{ key: 'serverNode', value: 'DF 28', rawValue: 'DF%2028', properties: [{ key: 'ttl', value: '60', rawValue: '60' }, { key: 'secret' }], offset: 0 }]);
  });

  it('baggage property values are percent-decoded by the value rules (§3.3.1.4)', () => {
    expect(parseBaggage('bar=1;p=val%252%2C').value![0]!.properties).toEqual([{ key: 'p', value: 'val%2,', rawValue: 'val%252%2C' }]);
    const invalid = parseBaggage('foo=1;key=val%');
    expect(invalid.problems).toEqual([expect.objectContaining({ offset: 13, severity: 'error', section: 'W3C Baggage §3.3.1.4 property' })]);
  });

  it('baggage bytes that are not UTF-8 decode to U+FFFD, with a note where they start (§3.3.1.3)', () => {
    const parsed = parseBaggage('k=aa%ffcc,j=%E6%97%A5%E6%97');
    expect(parsed.value!.map((member) => member.value)).toEqual(['aa\uFFFDcc', '日\uFFFD']);
    expect(parsed.problems.map((problem) => [problem.severity, problem.offset])).toEqual([['note', 4], ['note', 21]]);
    // The WHATWG decoder's replacement: one U+FFFD per maximal invalid subsequence, as TextDecoder does.
    expect(parseBaggage('k=%F0%9F%98x%C0%AF').value![0]!.value).toBe(new TextDecoder().decode(new Uint8Array([0xf0, 0x9f, 0x98, 0x78, 0xc0, 0xaf])));
  });

  it('baggage limits: beyond 64 members or 8192 bytes a warning that receivers may drop members; beyond 180 an error that says so', () => {
    const many = parseBaggage(Array.from({ length: 70 }, (_, i) => `k${i}=v`).join(','));
    expect(many.problems).toEqual([expect.objectContaining({ severity: 'warning', found: '70 list-members', section: 'W3C Baggage §3.3.2 Limits' })]);
    expect(many.problems[0]!.expected).toMatch(/MUST propagate 64 and MAY drop list-members beyond that/);
    const tooMany = parseBaggage(Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(','));
    expect(tooMany.problems).toHaveLength(1);
    expect(tooMany.problems[0]).toMatchObject({ severity: 'error', section: 'W3C Baggage §3.3.1 Definition (baggage-string, list-member)' });
    expect(tooMany.problems[0]!.expected).toMatch(/^at most 180 list-members, the most the grammar allows .*found 200$/);
    expect(tooMany.problems[0]!.expected).not.toMatch(/64/);
    const big = parseBaggage(`k=${'v'.repeat(9000)}`);
    expect(big.problems).toEqual([expect.objectContaining({ severity: 'warning', offset: 8192, found: '9002 bytes' })]);
  });

  it('B3 multiple headers: problems name their field, offsets are within its value', () => {
    const parsed = parseB3Multi({ 'X-B3-TraceId': '463ac35c9f6413ad', 'x-b3-parentspanid': ' 002000000000001 ', 'X-B3-Sampled': 'yes' });
    expect(parsed.problems.map((problem) => [problem.field, problem.offset, problem.found])).toEqual([
      ['X-B3-Sampled', 0, "'y'"],
      ['X-B3-SpanId', 0, 'no X-B3-SpanId header'],
      ['x-b3-parentspanid', 15, '15 hex digits'],
    ]);
    expect(parseB3Multi({ 'X-B3-Sampled': '0' })).toEqual({ valid: true, value: { traceId: '', sampled: false }, problems: [] });
    expect(parseB3Multi({ 'X-B3-Flags': '1' }).value).toEqual({ traceId: '', sampled: true, debug: true });
  });

  it('all-zero B3 ids say why they are refused', () => {
    for (const parsed of [parseB3Single(`${'0'.repeat(16)}-e457b5a2e4d86bd1`), parseB3Multi({ 'X-B3-TraceId': '463ac35c9f6413ad', 'X-B3-SpanId': '0'.repeat(16) })]) {
      expect(parsed.valid).toBe(false);
      expect(parsed.problems[0]!.expected).toMatch(/not all zeros \(the B3 text is silent, but Brave, by the specification's authors, and the OpenTelemetry SDKs reject/);
    }
  });

  it('uber-trace-id offsets are in the value as sent, escapes and all', () => {
    expect(parseUberTraceId('2a%3Azz%3A0%3A1').problems[0]).toMatchObject({ offset: 5, found: "'z'" });
    expect(parseUberTraceId('2a%3A3b%3A0%3A1').value).toMatchObject({ traceparent: `00-${'2a'.padStart(32, '0')}-${'3b'.padStart(16, '0')}-01` });
  });

  it.each([
    [ok, 'traceparent'],
    ['congo=t61rcWkgMzE,rojo@vendor=1', 'tracestate'],
    ['1special=1,foo@bar@baz=2', 'tracestate'],
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

export const CASE_COUNT = TRACEPARENT.length + TRACESTATE.length + TRACESTATE_KEYS.length + BAGGAGE.length + B3_SINGLE.length + B3_MULTI.length + UBER.length + XRAY.length;
it('has at least 100 specification cases', () => expect(CASE_COUNT).toBeGreaterThanOrEqual(100));
