import { error, note, NO_PROBLEMS, result, type HeaderProblem, type ParseResult } from './problem.js';

/**
 * W3C Trace Context `traceparent` (Level 1 and Level 2), exact to the character:
 * version 00 has exactly 55 characters; a higher version is read
 * forward-compatibly (its first 55 characters as version 00, then anything
 * after a '-'); version ff is invalid; hex is lowercase only; all-zero ids are
 * invalid; flag bits beyond sampled (and Level 2's random) are noted.
 */
export interface Traceparent {
  version: string;
  traceId: string;
  parentId: string;
  flags: TraceFlags;
  /** Data after the 55th character (versions above 00 only). */
  extra?: string;
}

export interface TraceFlags {
  /** The two hex digits as sent. */
  hex: string;
  sampled: boolean;
  /** Level 2: the trace id's right 7 bytes are random. */
  random: boolean;
  /** Bits neither level defines (must be ignored by receivers). */
  unknownBits: number;
}

const S = 'W3C Trace Context';
const SECTION = {
  header: `${S} §3.2.2 traceparent Header Field Values`,
  version: `${S} §3.2.2.1 version`,
  versionFormat: `${S} §3.2.2.2 version-format`,
  traceId: `${S} §3.2.2.3 trace-id`,
  parentId: `${S} §3.2.2.4 parent-id`,
  flags: `${S} §3.2.2.5 trace-flags`,
  random: `${S} Level 2 §3.2.2.5.2 Random Trace ID Flag`,
  future: `${S} §4.3 Versioning of traceparent`,
};

/** The fixed layout of the first 55 characters, with what is expected in each field (built once: an invalid value allocates no message). */
const FIELDS = [
  { length: 2, name: 'version', section: SECTION.version },
  { length: 32, name: 'trace-id', section: SECTION.traceId },
  { length: 16, name: 'parent-id', section: SECTION.parentId },
  { length: 2, name: 'trace-flags', section: SECTION.flags },
].map(({ length, name, section }) => ({
  length,
  name,
  section,
  hexDigit: `a lowercase hex digit in ${name}`,
  lowercase: `a lowercase hex digit in ${name} (uppercase is not allowed)`,
  dashAfter: `'-' after ${name}`,
}));

function fail(problem: HeaderProblem): ParseResult<Traceparent> {
  return { valid: false, value: undefined, problems: [problem] };
}

/** 1 for a lowercase hex digit's char code; indexed by any UTF-16 code unit, so the check needs no branch. */
const HEX_DIGIT = new Uint8Array(65536);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;

export function parseTraceparent(text: string): ParseResult<Traceparent> {
  return hasVersion00Layout(text) ? parseLaidOut(text) : explainLayout(text, layoutBreak(text));
}

/**
 * Whether the first 55 characters are <2 hex>-<32 hex>-<16 hex>-<2 hex>: one
 * table lookup per character, and-ed without a branch (this loop is most of
 * the cost of reading a valid header).
 */
function hasVersion00Layout(text: string): boolean {
  if (text.length < 55 || text.charCodeAt(2) !== 0x2d || text.charCodeAt(35) !== 0x2d || text.charCodeAt(52) !== 0x2d) return false;
  let hex = HEX_DIGIT[text.charCodeAt(0)]! & HEX_DIGIT[text.charCodeAt(1)]! & HEX_DIGIT[text.charCodeAt(53)]! & HEX_DIGIT[text.charCodeAt(54)]!;
  for (let i = 3; i < 35; i++) hex &= HEX_DIGIT[text.charCodeAt(i)]!;
  for (let i = 36; i < 52; i++) hex &= HEX_DIGIT[text.charCodeAt(i)]!;
  return hex === 1;
}

/** Where the first 55 characters stop having version 00's layout (the value's length when it ends first). */
function layoutBreak(text: string): number {
  const end = Math.min(text.length, 55);
  for (let i = 0; i < end; i++) {
    const isDash = i === 2 || i === 35 || i === 52;
    if (isDash ? text.charCodeAt(i) !== 0x2d : HEX_DIGIT[text.charCodeAt(i)] === 0) return i;
  }
  return end;
}

/** Whether text[start, end) is all '0' (compared in place: comparing a slice to a constant costs more). */
function isAllZeros(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** The four flag values both levels define (00-03), shared and frozen: the common case allocates none. */
const DEFINED_FLAGS: readonly TraceFlags[] = [0, 1, 2, 3].map((bits) => Object.freeze({ hex: `0${bits}`, sampled: (bits & 1) === 1, random: (bits & 2) === 2, unknownBits: 0 }));

/** The value of a lowercase hex digit (the caller has checked it is one). */
function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A value whose first 55 characters have version 00's layout: the common case first, then every rule that can still fail. */
function parseLaidOut(text: string): ParseResult<Traceparent> {
  const isVersion00 = text.charCodeAt(0) === 0x30 && text.charCodeAt(1) === 0x30;
  const zeroTraceId = isAllZeros(text, 3, 35);
  const zeroParentId = isAllZeros(text, 36, 52);
  const traceId = text.slice(3, 35);
  const parentId = text.slice(36, 52);
  const bits = hexValue(text.charCodeAt(53)) * 16 + hexValue(text.charCodeAt(54));
  if (isVersion00 && text.length === 55 && bits <= 3 && !zeroTraceId && !zeroParentId) {
    return { valid: true, value: { version: '00', traceId, parentId, flags: DEFINED_FLAGS[bits]!, extra: undefined }, problems: NO_PROBLEMS };
  }
  // Whitespace belongs to the HTTP field syntax, which strips it before the value is parsed.
  if (isOptionalWhitespace(text.charCodeAt(text.length - 1))) return fail(whitespaceAfter(text));
  const version = text.slice(0, 2);
  if (version === 'ff') return fail(error(text, 0, 'a version other than ff (ff is forbidden)', SECTION.version, 2));
  const problems: HeaderProblem[] = [];
  if (zeroTraceId) problems.push(error(text, 3, 'a trace-id that is not all zeros', SECTION.traceId, 32));
  if (zeroParentId) problems.push(error(text, 36, 'a parent-id that is not all zeros', SECTION.parentId, 16));
  let extra: string | undefined;
  if (text.length > 55) {
    if (isVersion00) problems.push(error(text, 55, 'end of value (version 00 has exactly 55 characters)', SECTION.versionFormat));
    else if (text.charCodeAt(55) !== 0x2d) problems.push(error(text, 55, `'-' before data of a future version`, SECTION.future));
    else extra = text.slice(56);
  }
  // Only errors so far: the notes come after.
  const invalid = problems.length > 0;
  const flags: TraceFlags = bits <= 3 ? DEFINED_FLAGS[bits]! : { hex: text.slice(53, 55), sampled: (bits & 1) === 1, random: (bits & 2) === 2, unknownBits: bits & ~3 };
  if (flags.unknownBits !== 0) problems.push(note(53, `flag bits 0x${flags.unknownBits.toString(16).padStart(2, '0')}`, 'only bit 0 (sampled) and bit 1 (random, Level 2) are defined; receivers ignore the others', SECTION.flags));
  if (!isVersion00 && !invalid) problems.push(note(0, `version ${version}`, 'version 00; a higher version is read as 00 where it can be', SECTION.future));
  return result({ version, traceId, parentId, flags, extra }, problems);
}

function whitespaceAfter(text: string): HeaderProblem {
  return error(text, text.length - 1, 'no whitespace after the value (HTTP strips optional whitespace; a propagator sees none)', SECTION.header);
}

/** The field each of the 55 positions belongs to, and whether it is the dash after one. */
const FIELD_AT = FIELDS.flatMap((field) => [...Array.from({ length: field.length }, () => ({ field, dash: false })), { field, dash: true }]);

/** The character at `at`, which breaks the 55-character layout, explained. */
function explainLayout(text: string, at: number): ParseResult<Traceparent> {
  if (isOptionalWhitespace(text.charCodeAt(0))) return fail(error(text, 0, 'no whitespace before the value (HTTP strips optional whitespace; a propagator sees none)', SECTION.header));
  if (isOptionalWhitespace(text.charCodeAt(text.length - 1))) return fail(whitespaceAfter(text));
  const { field, dash } = FIELD_AT[at]!;
  if (dash) return fail(error(text, at, field.dashAfter, SECTION.versionFormat));
  if (at >= text.length) return fail(error(text, at, `${field.length} lowercase hex digits for ${field.name} (the value is ${text.length} characters; version 00 has 55)`, SECTION.header));
  const code = text.charCodeAt(at);
  return fail(error(text, at, code >= 0x41 && code <= 0x46 ? field.lowercase : field.hexDigit, field.section));
}

/** Formats a traceparent (version 00) from its parts. */
export function formatTraceparent(traceId: string, parentId: string, sampled: boolean): string {
  return `00-${traceId}-${parentId}-${sampled ? '01' : '00'}`;
}
