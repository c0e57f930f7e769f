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


/** The fixed layout of the first 55 characters. */
const FIELDS: ReadonlyArray<{ start: number; length: number; name: string; section: string }> = [
  { start: 0, length: 2, name: 'version', section: SECTION.version },
  { start: 3, length: 32, name: 'trace-id', section: SECTION.traceId },
  { start: 36, length: 16, name: 'parent-id', section: SECTION.parentId },
  { start: 53, length: 2, name: 'trace-flags', section: SECTION.flags },
];

function fail(problem: HeaderProblem): ParseResult<Traceparent> {
  return { valid: false, problems: [problem] };
}

/** 1 for a lowercase hex digit's char code; indexed by any UTF-16 code unit, so the check needs no branch. */
const HEX_DIGIT = new Uint8Array(65536);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

export function parseTraceparent(input: string): ParseResult<Traceparent> {
  return isPlainVersion00(input) ? plainVersion00(input) : parseSlowly(input);
}

/** The common case, 00-<32 hex>-<16 hex>-<2 hex>. */
function isPlainVersion00(text: string): boolean {
  return text.length === 55 && text.charCodeAt(0) === 0x30 && text.charCodeAt(1) === 0x30 && hasVersion00Layout(text);
}

/** Whether the first 55 characters are <2 hex>-<32 hex>-<16 hex>-<2 hex>: a table lookup per character. */
function hasVersion00Layout(text: string): boolean {
  if (text.length < 55 || text.charCodeAt(2) !== 0x2d || text.charCodeAt(35) !== 0x2d || text.charCodeAt(52) !== 0x2d) return false;
  for (let i = 0; i < 55; i++) {
    if (HEX_DIGIT[text.charCodeAt(i)] === 0 && i !== 2 && i !== 35 && i !== 52) return false;
  }
  return true;
}

function plainVersion00(text: string): ParseResult<Traceparent> {
  const traceId = text.slice(3, 35);
  const parentId = text.slice(36, 52);
  const bits = hexValue(text.charCodeAt(53)) * 16 + hexValue(text.charCodeAt(54));
  if (bits > 3 || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return parseSlowly(text);
  return { valid: true, value: { version: '00', traceId, parentId, flags: DEFINED_FLAGS[bits]! }, problems: NO_PROBLEMS };
}

/** The four flag values both levels define (00-03), shared and frozen: the fast path allocates none. */
const DEFINED_FLAGS: readonly TraceFlags[] = [0, 1, 2, 3].map((bits) => Object.freeze({ hex: `0${bits}`, sampled: (bits & 1) === 1, random: (bits & 2) === 2, unknownBits: 0 }));

/** The value of a lowercase hex digit (the caller has checked it is one). */
function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/** Every other value, character by character, to find and explain the first wrong one. */
function parseSlowly(input: string): ParseResult<Traceparent> {
  const problems: HeaderProblem[] = [];
  const text = input;
  // Whitespace belongs to the HTTP field syntax, which strips it before the value is parsed.
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first === 0x20 || first === 0x09) return fail(error(text, 0, 'no whitespace before the value (HTTP strips optional whitespace; a propagator sees none)', SECTION.header));
  if (last === 0x20 || last === 0x09) return fail(error(text, text.length - 1, 'no whitespace after the value (HTTP strips optional whitespace; a propagator sees none)', SECTION.header));
  if (!hasVersion00Layout(text)) return explainLayout(text);
  const version = text.slice(0, 2);
  if (version === 'ff') return fail(error(text, 0, 'a version other than ff (ff is forbidden)', SECTION.version, 2));
  const traceId = text.slice(3, 35);
  const parentId = text.slice(36, 52);
  const flagsHex = text.slice(53, 55);
  if (traceId === ZERO_TRACE_ID) problems.push(error(text, 3, 'a trace-id that is not all zeros', SECTION.traceId, 32));
  if (parentId === ZERO_PARENT_ID) problems.push(error(text, 36, 'a parent-id that is not all zeros', SECTION.parentId, 16));
  let extra: string | undefined;
  if (text.length > 55) {
    if (version === '00') problems.push(error(text, 55, 'end of value (version 00 has exactly 55 characters)', SECTION.versionFormat));
    else if (text[55] !== '-') problems.push(error(text, 55, `'-' before data of a future version`, SECTION.future));
    else extra = text.slice(56);
  }
  const bits = parseInt(flagsHex, 16);
  const flags: TraceFlags = { hex: flagsHex, sampled: (bits & 1) === 1, random: (bits & 2) === 2, unknownBits: bits & ~3 };
  if (flags.unknownBits !== 0) problems.push(note(53, `flag bits 0x${flags.unknownBits.toString(16).padStart(2, '0')}`, 'only bit 0 (sampled) and bit 1 (random, Level 2) are defined; receivers ignore the others', SECTION.flags));
  if (version !== '00' && problems.every((p) => p.severity !== 'error')) problems.push(note(0, `version ${version}`, 'version 00; a higher version is read as 00 where it can be', SECTION.future));
  const value: Traceparent = { version, traceId, parentId, flags };
  if (extra !== undefined) value.extra = extra;
  return result(value, problems);
}

/** The first character that breaks the layout of version 00's 55 characters, explained. */
function explainLayout(text: string): ParseResult<Traceparent> {
  for (const { start, length, name, section } of FIELDS) {
    for (let i = start; i < start + length; i++) {
      if (i >= text.length) return fail(error(text, i, `${length} lowercase hex digits for ${name} (the value is ${text.length} characters; version 00 has 55)`, SECTION.header));
      const code = text.charCodeAt(i);
      if (HEX_DIGIT[code] === 0) {
        const expected = code >= 0x41 && code <= 0x46 ? `a lowercase hex digit in ${name} (uppercase is not allowed)` : `a lowercase hex digit in ${name}`;
        return fail(error(text, i, expected, section));
      }
    }
    const dash = start + length;
    if (dash < 55 && (dash >= text.length || text[dash] !== '-')) return fail(error(text, dash, `'-' after ${name}`, SECTION.versionFormat));
  }
  // hasVersion00Layout said no, so the walk above has returned.
  return fail(error(text, 0, 'a traceparent value', SECTION.header));
}

/** Formats a traceparent (version 00) from its parts. */
export function formatTraceparent(traceId: string, parentId: string, sampled: boolean): string {
  return `00-${traceId}-${parentId}-${sampled ? '01' : '00'}`;
}
